using Dialer.Db;
using Dialer.Db.Model;
using Dialer.Tests.Db;
using Dialer.Worker.Engine;

namespace Dialer.Tests.Engine;

/// <summary>
/// The desk's transfer to another agent, consult-then-transfer and manual dial through the real engine on a virtual clock:
/// the Api's writes (agent_states.call_controls and request, compare-and-set), the engine's poll of the stored rows, the
/// simulated carrier, and what is written (call_transfers, call_attempts, agent states, the desk's events).
/// </summary>
public sealed class DeskTransferTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [Dialects]
    public async Task ATransferToAReadyAgentPutsTheCustomerThroughAndTheFirstAgentWrapsUp(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000051");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var first = await h.AddReadyAgentAsync("ada");
        h.Run(TimeSpan.FromSeconds(10));
        var row = (await h.Agents.GetAsync(first, CancellationToken.None))!;
        Assert.Equal("on_call", row.State);
        var second = await h.AddReadyAgentAsync("bea");

        await Control(h, first, c => c with { TransferToAgent = second, TransferId = 1 });
        h.Run(TimeSpan.FromSeconds(1));

        var from = (await h.Agents.GetAsync(first, CancellationToken.None))!;
        var to = (await h.Agents.GetAsync(second, CancellationToken.None))!;
        Assert.Equal(("wrap_up", row.AttemptId), (from.State, from.AttemptId));
        Assert.Equal(("on_call", row.AttemptId, row.ContactId), (to.State, to.AttemptId, to.ContactId));
        Assert.Equal(second, await h.ScalarAsync<long>("SELECT agent_id FROM call_attempts WHERE id = @id", new { id = row.AttemptId }));
        var transfer = (await h.QueryAsync<(long From, long? To, string? Number, string Kind)>(
            "SELECT from_agent_id, to_agent_id, to_number, kind FROM call_transfers WHERE attempt_id = @id", new { id = row.AttemptId })).Single();
        Assert.Equal((first, (long?)second, (string?)null, "blind"), transfer);

        // The receiving agent keeps the call to its end (the customer talks anew: 60 s) and wraps up; the first agent's
        // disposition went with the hand-over, the attempt's is the receiving agent's.
        h.Run(TimeSpan.FromSeconds(65));
        var attempt = (await h.QueryAsync<(string Outcome, long AgentId, string? Disposition)>(
            "SELECT outcome, agent_id, disposition FROM call_attempts WHERE id = @id", new { id = row.AttemptId })).Single();
        Assert.Equal(("connected", second, "done"), attempt);
        Assert.Equal("done", await h.ScalarAsync<string>("SELECT disposition FROM call_transfers WHERE attempt_id = @id", new { id = row.AttemptId }));
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT COUNT(*) FROM agent_state_log WHERE agent_id = @second AND state = 'wrap_up'", new { second }));
        Assert.Equal("ready", (await h.Agents.GetAsync(second, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task ATransferToAnAgentNoLongerReadyIsRefusedAndTheCustomerStaysWithTheFirstAgent()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000052");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var first = await h.AddReadyAgentAsync("cid");
        h.Run(TimeSpan.FromSeconds(10));
        var row = (await h.Agents.GetAsync(first, CancellationToken.None))!;
        var second = await h.AddReadyAgentAsync("dee");
        // The second agent pauses (through the Api) just before the transfer reaches the engine.
        var ready = (await h.Agents.GetAsync(second, CancellationToken.None))!;
        Assert.NotNull(await h.Agents.TryChangeAsync(second, ready.Version, AgentState.Paused, "break", null, null, null, 0, CancellationToken.None));

        await Control(h, first, c => c with { TransferToAgent = second, TransferId = 1 });
        h.Run(TimeSpan.FromSeconds(1));

        Assert.Equal(("on_call", row.AttemptId), ((await h.Agents.GetAsync(first, CancellationToken.None))!.State, row.AttemptId));
        Assert.Equal("paused", (await h.Agents.GetAsync(second, CancellationToken.None))!.State);
        var failed = OutboxEvents.Read<TransferFailed>(await h.ScalarAsync<string>(
            "SELECT payload_json FROM outbox WHERE agent_id = @first AND kind = 'transfer_failed'", new { first }));
        Assert.Equal(new TransferFailed(row.AttemptId!.Value, "", "agent_not_ready", second), failed);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_transfers"));

        // The customer talks on with the first agent (the call was never put on hold) and the call is the first agent's.
        h.Run(TimeSpan.FromSeconds(55));
        var attempt = (await h.QueryAsync<(string Outcome, long AgentId, double Talk)>(
            "SELECT outcome, agent_id, talk_seconds FROM call_attempts WHERE id = @id", new { id = row.AttemptId })).Single();
        Assert.Equal(("connected", first, 60.0), attempt);
    }

    [Theory]
    [Dialects]
    public async Task APausedAgentDialsAContactByHandIsConnectedAndIsPausedAgainAfterward(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000053", nextEligibleAt: Start.AddDays(3).ToUnixTimeMilliseconds());
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await AddPausedAgentAsync(h, "eve");

        await ManualDial(h, agent, contact);
        h.Run(TimeSpan.FromSeconds(1));
        var dialing = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal(("reserved", "manual", (long?)contact), (dialing.State, dialing.Reason, dialing.ContactId));
        h.Run(TimeSpan.FromSeconds(5));

        var onCall = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal(("on_call", (long?)contact), (onCall.State, onCall.ContactId));
        var attempt = (await h.QueryAsync<(long AgentId, long Manual, long ContactId)>(
            "SELECT agent_id, manual, contact_id FROM call_attempts WHERE id = @id", new { id = onCall.AttemptId })).Single();
        Assert.Equal((agent, 1L, contact), attempt);

        // The call ends, wrap-up, the disposition: the agent is paused again, not made ready.
        h.Run(TimeSpan.FromSeconds(70));
        var after = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal(("paused", "manual"), (after.State, after.Reason));
        Assert.Equal(("connected", "done"), (await h.QueryAsync<(string, string)>(
            "SELECT outcome, disposition FROM call_attempts WHERE id = @id", new { id = onCall.AttemptId })).Single());
    }

    [Fact]
    public async Task AManualDialOutsideTheContactsCallingHoursIsRefusedWithItsReasonAndChangesNothing()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { CallingWindow = new CallingWindow { Start = "08:00", End = "21:00" } });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        // 15:00 UTC is 23:00 in Shanghai: outside the contact's calling hours.
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+8613800000054", timeZone: "Asia/Shanghai", nextEligibleAt: 1234);
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await AddPausedAgentAsync(h, "fay");

        await ManualDial(h, agent, contact);
        h.Run(TimeSpan.FromSeconds(5));

        var refused = OutboxEvents.Read<ManualDialRefused>(await h.ScalarAsync<string>(
            "SELECT payload_json FROM outbox WHERE agent_id = @agent AND kind = 'manual_dial_refused'", new { agent }))!;
        Assert.Equal((contact, "+8613800000054"), (refused.ContactId, refused.Phone));
        Assert.Contains("window", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(0, h.Carrier.Dials);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts"));
        var state = (await h.QueryAsync<(string State, long Next, long Attempts)>(
            "SELECT state, next_eligible_at, attempts FROM contacts WHERE id = @contact", new { contact })).Single();
        Assert.Equal(("new", 1234L, 0L), state);
        Assert.Equal("paused", (await h.Agents.GetAsync(agent, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task AManualDialOfANumberOnTheDoNotCallListIsRefusedAndTheContactBecomesDnc()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000055", nextEligibleAt: Start.AddDays(3).ToUnixTimeMilliseconds());
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        await h.ExecuteAsync("INSERT INTO dnc_entries (phone, campaign_id, source, created_at) VALUES ('+15550000055', 0, 'test', 0)");
        var agent = await AddPausedAgentAsync(h, "gil");

        await ManualDial(h, agent, contact);
        h.Run(TimeSpan.FromSeconds(5));

        Assert.Equal("dnc", OutboxEvents.Read<ManualDialRefused>(await h.ScalarAsync<string>(
            "SELECT payload_json FROM outbox WHERE agent_id = @agent AND kind = 'manual_dial_refused'", new { agent }))!.Reason);
        Assert.Equal("dnc", await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @contact", new { contact }));
        Assert.Equal(0, h.Carrier.Dials);
    }

    [Fact]
    public async Task AManualDialWhileTheAgentIsNotPausedIsRefused()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000056", nextEligibleAt: Start.AddDays(3).ToUnixTimeMilliseconds());
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("hal");

        await ManualDial(h, agent, contact);
        h.Run(TimeSpan.FromSeconds(5));

        Assert.Equal("agent_busy", OutboxEvents.Read<ManualDialRefused>(await h.ScalarAsync<string>(
            "SELECT payload_json FROM outbox WHERE agent_id = @agent AND kind = 'manual_dial_refused'", new { agent }))!.Reason);
        Assert.Equal(0, h.Carrier.Dials);
        Assert.Equal("new", await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @contact", new { contact }));
    }

    [Fact]
    public async Task AConsultedAgentTalksToTheFirstWhileTheCustomerWaitsOnHoldThenTakesTheCallWhenCompleted()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000057");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var first = await h.AddReadyAgentAsync("ida");
        h.Run(TimeSpan.FromSeconds(10));
        var row = (await h.Agents.GetAsync(first, CancellationToken.None))!;
        var second = await h.AddReadyAgentAsync("jon");

        await Control(h, first, c => c with { Hold = true, Consult = new ConsultControl(1, AgentId: second) });
        h.Run(TimeSpan.FromSeconds(1));
        // The consulted agent is on the call (its desk shows the customer), the first agent still has it, the customer waits.
        Assert.Equal(("on_call", row.AttemptId), ((await h.Agents.GetAsync(second, CancellationToken.None))!.State, (await h.Agents.GetAsync(second, CancellationToken.None))!.AttemptId));
        Assert.Equal("on_call", (await h.Agents.GetAsync(first, CancellationToken.None))!.State);
        var call = h.Engine.Calls.Single();
        Assert.True(call.Held);
        Assert.Equal(second, call.ConsultAgent!.Id);

        // Longer than the customer had left to say: on hold, the conversation stands still.
        h.Run(TimeSpan.FromSeconds(90));
        Assert.Single(h.Engine.Calls);

        await Control(h, first, c => c with { Consult = c.Consult! with { Complete = true } });
        h.Run(TimeSpan.FromSeconds(1));
        Assert.Equal("wrap_up", (await h.Agents.GetAsync(first, CancellationToken.None))!.State);
        Assert.Equal(second, call.Agent!.Id);
        Assert.False(call.Held);
        Assert.Equal(("consult", (long?)second), (await h.QueryAsync<(string, long?)>(
            "SELECT kind, to_agent_id FROM call_transfers WHERE attempt_id = @id", new { id = row.AttemptId })).Single());

        h.Run(TimeSpan.FromSeconds(65));
        Assert.Equal(("connected", second), (await h.QueryAsync<(string, long)>(
            "SELECT outcome, agent_id FROM call_attempts WHERE id = @id", new { id = row.AttemptId })).Single());
    }

    [Fact]
    public async Task ACancelledConsultationReleasesTheNumberAndTheAgentTalksOnWithTheCustomer()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000058");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var first = await h.AddReadyAgentAsync("kai");
        h.Run(TimeSpan.FromSeconds(10));
        var row = (await h.Agents.GetAsync(first, CancellationToken.None))!;
        var call = h.Engine.Calls.Single();
        // Talked 6 s so far (answered at 4 s).
        await Control(h, first, c => c with { Hold = true, Consult = new ConsultControl(1, To: "+15550009990") });
        h.Run(TimeSpan.FromSeconds(6));
        Assert.Equal(2, h.Carrier.Dials);
        Assert.True(call.ConsultAnswered);
        Assert.True(call.Held);

        await Control(h, first, c => c with { Hold = false, Consult = c.Consult! with { Cancel = true } });
        h.Run(TimeSpan.FromSeconds(1));
        Assert.False(call.Consulting);
        Assert.False(call.Held);
        Assert.Equal("on_call", (await h.Agents.GetAsync(first, CancellationToken.None))!.State);

        // The customer takes up the conversation where it was: 54 s left.
        h.Run(TimeSpan.FromSeconds(60));
        var attempt = (await h.QueryAsync<(string Outcome, long AgentId, double Talk)>(
            "SELECT outcome, agent_id, talk_seconds FROM call_attempts WHERE id = @id", new { id = row.AttemptId })).Single();
        Assert.Equal(("connected", first), (attempt.Outcome, attempt.AgentId));
        // 6 s talked, 6 s on hold during the consultation, then the 54 s left.
        Assert.Equal(66.0, attempt.Talk);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_transfers"));
    }

    [Fact]
    public async Task WhenTheConsultedNumberHangsUpTheCustomerIsBackWithTheAgentOnHoldUntilResumed()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000059");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 30));
        var first = await h.AddReadyAgentAsync("lou");
        h.Run(TimeSpan.FromSeconds(10));
        var row = (await h.Agents.GetAsync(first, CancellationToken.None))!;
        var call = h.Engine.Calls.Single();

        await Control(h, first, c => c with { Hold = true, Consult = new ConsultControl(1, To: "+15550009991") });
        // The number answers after 4 s and talks 30 s, then hangs up.
        h.Run(TimeSpan.FromSeconds(40));

        Assert.False(call.Consulting);
        Assert.True(call.Held);
        Assert.Equal(CallPhase.Connected, call.Phase);
        var ended = OutboxEvents.Read<TransferFailed>(await h.ScalarAsync<string>(
            "SELECT payload_json FROM outbox WHERE agent_id = @first AND kind = 'transfer_failed'", new { first }));
        Assert.Equal(new TransferFailed(row.AttemptId!.Value, "+15550009991", "consult_ended", null, 1), ended);

        // Resumed by the agent: the customer talks on (24 s left) and ends the call.
        await Control(h, first, c => c with { Hold = false });
        h.Run(TimeSpan.FromSeconds(30));
        Assert.Equal(CallPhase.Ended, call.Phase);
        Assert.Equal("connected", await h.ScalarAsync<string>("SELECT outcome FROM call_attempts WHERE id = @id", new { id = row.AttemptId }));
    }

    /// <summary>What the Api does for a control from the desk: the agent's controls for the call in progress, changed, compare-and-set; then the engine's poll.</summary>
    internal static async Task Control(EngineHarness h, long agent, Func<CallControls, CallControls> change)
    {
        var row = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        var current = row.Controls is { } c && c.AttemptId == row.AttemptId ? c : new CallControls(row.AttemptId!.Value);
        Assert.NotNull(await h.Agents.TryControlAsync(agent, row.Version, change(current), CancellationToken.None));
        await h.SyncAgentsAsync();
    }

    /// <summary>What the Api does for a manual dial: the request on the agent's row; then the engine's poll.</summary>
    internal static async Task ManualDial(EngineHarness h, long agent, long contact)
    {
        var row = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.NotNull(await h.Agents.TryRequestAsync(agent, row.Version, AgentRequest.ManualDial(h.CampaignId, contact), CancellationToken.None));
        await h.SyncAgentsAsync();
    }

    /// <summary>An agent signed in to the campaign and paused (so that the pacer gives it no call).</summary>
    internal static async Task<long> AddPausedAgentAsync(EngineHarness h, string username)
    {
        var id = await h.AddReadyAgentAsync(username);
        var row = (await h.Agents.GetAsync(id, CancellationToken.None))!;
        Assert.Equal("ready", row.State);
        Assert.NotNull(await h.Agents.TryChangeAsync(id, row.Version, AgentState.Paused, "break", null, null, null, h.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            CancellationToken.None));
        await h.SyncAgentsAsync();
        return id;
    }
}
