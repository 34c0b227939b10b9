using System.Collections.Concurrent;
using Dialer.Db;
using Dialer.Db.Model;
using Dialer.Tests.Db;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Engine;

/// <summary>
/// The desk's call controls through the real engine on a virtual clock: the Api's write (agent_states.call_controls,
/// compare-and-set), the engine's poll of the stored rows, and what reaches the customer's leg on the simulated carrier.
/// </summary>
public sealed class CallControlsTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [Dialects]
    public async Task HangingUpFromTheDeskEndsTheCallAndTheAgentWrapsUp(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000041");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("ivan");
        h.Run(TimeSpan.FromSeconds(10));
        var row = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal("on_call", row.State);

        // A pause asked during the call, then the hang-up.
        Assert.NotNull(await h.Agents.TryRequestAsync(agent, row.Version, AgentRequest.Pause("break"), CancellationToken.None));
        await h.SyncAgentsAsync();
        await Control(h, agent, c => c with { Hangup = true });
        h.Run(TimeSpan.FromSeconds(1));

        var wrap = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal("wrap_up", wrap.State);
        // Wrap-up keeps the pause asked for: it is carried out when wrap-up ends.
        Assert.Equal(AgentRequest.Pause("break"), wrap.PendingRequest);
        h.Run(TimeSpan.FromSeconds(definition.WrapUpSeconds));
        var after = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal(("paused", "break", (AgentRequest?)null), (after.State, after.Reason, after.PendingRequest));
        var attempt = (await h.QueryAsync<(string Outcome, double Talk)>("SELECT outcome, talk_seconds FROM call_attempts WHERE id = @id",
            new { id = row.AttemptId })).Single();
        Assert.Equal("connected", attempt.Outcome);
        Assert.True(attempt.Talk < 60, $"talked {attempt.Talk} s: the customer, not the agent, ended the call");
        Assert.Null(after.Controls);
    }

    [Theory]
    [Dialects]
    public async Task AHeldCustomerWaitsAndTalksOnForTheRestOfTheConversationOnceResumed(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000042");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("judy");
        h.Run(TimeSpan.FromSeconds(10));
        var before = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal("on_call", before.State);

        await Control(h, agent, c => c with { Hold = true });
        h.Run(TimeSpan.FromSeconds(90));
        // Held longer than the customer had left to say: still on the call, and the time in state is the call's.
        var held = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal(("on_call", before.Since), (held.State, held.Since));
        Assert.True(held.Controls!.Hold);

        await Control(h, agent, c => c with { Hold = false });
        h.Run(TimeSpan.FromSeconds(120));

        var talk = await h.ScalarAsync<double>("SELECT talk_seconds FROM call_attempts WHERE id = @id", new { id = before.AttemptId });
        Assert.Equal(150.0, talk);
    }

    [Fact]
    public async Task HoldAndMuteReachTheCustomersLegOnceEachAndControlsOfAnotherCallAreIgnored()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000043");
        var seen = new ConcurrentQueue<string>();
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60),
            around: carrier => new ControlsSeen(carrier, seen));
        var agent = await h.AddReadyAgentAsync("kim");
        h.Run(TimeSpan.FromSeconds(10));
        var row = (await h.Agents.GetAsync(agent, CancellationToken.None))!;

        // Controls naming another attempt (left from an earlier call) do nothing.
        var stale = await h.Agents.TryControlAsync(agent, row.Version, new CallControls(row.AttemptId!.Value + 1000, Hold: true, Hangup: true), CancellationToken.None);
        Assert.NotNull(stale);
        await h.SyncAgentsAsync();
        h.Run(TimeSpan.FromSeconds(1));
        Assert.Empty(seen);

        await Control(h, agent, c => c with { Mute = true });
        await Control(h, agent, c => c with { Mute = true, Hold = true });
        await Control(h, agent, c => c with { Hold = true });
        await Control(h, agent, c => c with { Hold = false, Mute = false });
        h.Run(TimeSpan.FromSeconds(1));

        // The third write changed nothing: nothing reached the leg for it.
        Assert.Equal(["mute:True", "hold:True", "hold:False", "mute:False"], seen.ToArray());
        Assert.Equal("on_call", (await h.Agents.GetAsync(agent, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task ABlindTransferPutsTheCustomerThroughWhenTheNumberAnswersAndTheAgentWrapsUp()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000044");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("lena");
        h.Run(TimeSpan.FromSeconds(10));
        var row = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal("on_call", row.State);

        await Control(h, agent, c => c with { TransferTo = "+15550009999" });
        h.Run(TimeSpan.FromSeconds(2));
        // The number rings (4 s): the customer waits on hold, the agent is still on the call.
        Assert.Equal(2, h.Carrier.Dials);
        Assert.Equal("on_call", (await h.Agents.GetAsync(agent, CancellationToken.None))!.State);

        h.Run(TimeSpan.FromSeconds(4));
        // Answered: the customer talks to the number, the agent wraps up; the attempt goes on.
        Assert.Equal("wrap_up", (await h.Agents.GetAsync(agent, CancellationToken.None))!.State);
        Assert.Null(await h.ScalarAsync<long?>("SELECT ended_at FROM call_attempts WHERE id = @id", new { id = row.AttemptId }));

        h.Run(TimeSpan.FromSeconds(70));
        var attempt = (await h.QueryAsync<(string Outcome, long? EndedAt)>("SELECT outcome, ended_at FROM call_attempts WHERE id = @id",
            new { id = row.AttemptId })).Single();
        Assert.Equal("connected", attempt.Outcome);
        Assert.NotNull(attempt.EndedAt);
        Assert.Equal("ready", (await h.Agents.GetAsync(agent, CancellationToken.None))!.State);
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT COUNT(*) FROM agent_state_log WHERE agent_id = @agent AND state = 'wrap_up'", new { agent }));
    }

    [Fact]
    public async Task AnUnansweredTransferGivesTheCustomerBackToTheAgentAndSaysWhy()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000045");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("mona");
        h.Run(TimeSpan.FromSeconds(10));
        var row = (await h.Agents.GetAsync(agent, CancellationToken.None))!;

        h.Carrier.Profile = EngineHarness.Everyone("busy");
        await Control(h, agent, c => c with { TransferTo = "+15550009998" });
        h.Run(TimeSpan.FromSeconds(10));

        var back = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal(("on_call", row.AttemptId), (back.State, back.AttemptId));
        var failed = OutboxEvents.Read<TransferFailed>(await h.ScalarAsync<string>(
            "SELECT payload_json FROM outbox WHERE agent_id = @agent AND kind = 'transfer_failed'", new { agent }));
        Assert.Equal(new TransferFailed(row.AttemptId!.Value, "+15550009998", "Busy Here"), failed);

        // Back with the agent, the customer talks on and ends the call as usual.
        h.Run(TimeSpan.FromSeconds(80));
        Assert.Equal("connected", await h.ScalarAsync<string>("SELECT outcome FROM call_attempts WHERE id = @id", new { id = row.AttemptId }));
        Assert.NotEqual("on_call", (await h.Agents.GetAsync(agent, CancellationToken.None))!.State);
    }

    /// <summary>What the Api does for a control from the desk: the agent's controls for the call in progress, changed, compare-and-set; then the engine's poll.</summary>
    private static async Task Control(EngineHarness h, long agent, Func<CallControls, CallControls> change)
    {
        var row = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        var current = row.Controls is { } c && c.AttemptId == row.AttemptId ? c : new CallControls(row.AttemptId!.Value);
        Assert.NotNull(await h.Agents.TryControlAsync(agent, row.Version, change(current), CancellationToken.None));
        await h.SyncAgentsAsync();
    }

    /// <summary>The carrier with each customer leg's hold and mute noted.</summary>
    private sealed class ControlsSeen(ITelephony carrier, ConcurrentQueue<string> seen) : ITelephony
    {
        public string Name => carrier.Name;

        public ICallLeg Dial(DialRequest request, ICallObserver observer) => new Leg(carrier.Dial(request, observer), seen);

        public ICallLeg OpenAgentLeg(AgentLegRequest request, ICallObserver observer) => carrier.OpenAgentLeg(request, observer);

        private sealed class Leg(ICallLeg inner, ConcurrentQueue<string> seen) : ICallLeg
        {
            public string Id => inner.Id;

            public void Hangup() => inner.Hangup();

            public void Bridge(ICallLeg other) => inner.Bridge(other);

            public void Unbridge() => inner.Unbridge();

            public void Hold(bool on)
            {
                seen.Enqueue($"hold:{on}");
                inner.Hold(on);
            }

            public void Mute(bool on)
            {
                seen.Enqueue($"mute:{on}");
                inner.Mute(on);
            }

            public void Play(Prompt prompt, Action? then = null) => inner.Play(prompt, then);

            public void StopPlayback() => inner.StopPlayback();

            public void SendDtmf(string digits) => inner.SendDtmf(digits);

            public void AwaitBeep(TimeSpan giveUp, Action<bool> then) => inner.AwaitBeep(giveUp, then);
        }
    }
}
