using Dialer.Db.Dialing;
using Dialer.Db.Model;

namespace Dialer.Tests.Engine;

/// <summary>
/// A disposition recorded while the call is still up (agent on_call), as the Api writes it: it survives the
/// end of the call, its callback schedules the contact, and the agent has no wrap-up left to do.
/// </summary>
public sealed class DispositionDuringCallTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ACallbackGivenOnTheCallIsKeptWhenTheCallEndsAndTheAgentSkipsWrapUp()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { Dispositions = ["done", "callback"], CallbackOpenAfterMinutes = 30 });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000031");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("ivan");
        h.Run(TimeSpan.FromSeconds(10));
        var onCall = await h.Agents.GetAsync(agent, CancellationToken.None);
        Assert.Equal("on_call", onCall!.State);
        var attemptId = onCall.AttemptId!.Value;

        // What the Api writes for POST /api/agent/disposition while the agent is on the call.
        var at = Start.AddDays(1).ToUnixTimeMilliseconds();
        var callback = new ContactNext(ContactState.Callback, at, "callback", CallbackAt: at, CallbackAgentId: agent, CallbackOpenAt: at + (30 * 60_000));
        Assert.True(await new AttemptStore(db.Factory).DisposeAsync(attemptId, agent, "callback", "call me tomorrow", """{"satisfied":"yes"}""", 0,
            callback, h.Clock.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None));
        await h.SyncAgentsAsync();
        Assert.Equal("dialing", await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @contact", new { contact }));

        h.Run(TimeSpan.FromSeconds(60));

        var attempt = (await h.QueryAsync<(string Outcome, string Disposition, string Notes, string Survey, double? Wrap)>(
            "SELECT outcome, disposition, notes, survey_json, wrap_seconds FROM call_attempts WHERE id = @attemptId", new { attemptId })).Single();
        Assert.Equal(("connected", "callback", "call me tomorrow", """{"satisfied":"yes"}""", 0.0), attempt);
        var row = (await h.QueryAsync<(string State, long Next, string Reason, long CallbackAt, long Owner, long OpenAt, string LastOutcome)>(
            "SELECT state, next_eligible_at, eligible_reason, callback_at, callback_agent_id, callback_open_at, last_outcome FROM contacts WHERE id = @contact",
            new { contact })).Single();
        Assert.Equal((ContactState.Callback, at, "callback", at, agent, at + (30 * 60_000), "connected"), row);
        // The disposition is done: the agent is ready when the call ends, with no wrap-up in between.
        var state = await h.Agents.GetAsync(agent, CancellationToken.None);
        Assert.Equal(("ready", (long?)null), (state!.State, state.AttemptId));
        var log = await h.Agents.LogAsync(agent, CancellationToken.None);
        Assert.Equal(["ready", "reserved", "on_call", "ready"], log.Select(l => l.State).ToArray());
        Assert.Equal(AgentState.Ready, AgentStateOf(h, agent));
    }

    [Fact]
    public async Task ADispositionWithoutCallbackGivenOnTheCallIsKeptAndTheContactFollowsTheOutcome()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { Dispositions = ["done", "callback"] });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000032");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("judy");
        h.Run(TimeSpan.FromSeconds(10));
        var attemptId = (await h.Agents.GetAsync(agent, CancellationToken.None))!.AttemptId!.Value;

        Assert.True(await new AttemptStore(db.Factory).DisposeAsync(attemptId, agent, "done", "paid in full", null, 0, null,
            h.Clock.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None));
        await h.SyncAgentsAsync();
        h.Run(TimeSpan.FromSeconds(60));

        var attempt = (await h.QueryAsync<(string Disposition, string Notes)>(
            "SELECT disposition, notes FROM call_attempts WHERE id = @attemptId", new { attemptId })).Single();
        Assert.Equal(("done", "paid in full"), attempt);
        Assert.Equal(ContactState.Done, await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @contact", new { contact }));
        Assert.Equal("ready", (await h.Agents.GetAsync(agent, CancellationToken.None))!.State);
        var log = await h.Agents.LogAsync(agent, CancellationToken.None);
        Assert.DoesNotContain("wrap_up", log.Select(l => l.State));
    }

    [Fact]
    public async Task APauseAskedForDuringTheCallStillAppliesWhenTheDispositionWasGivenOnTheCall()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000033");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("kate");
        h.Run(TimeSpan.FromSeconds(10));
        var onCall = (await h.Agents.GetAsync(agent, CancellationToken.None))!;

        // The Api's pause during a call is a request; then the disposition, still on the call.
        await h.Agents.TryRequestAsync(agent, onCall.Version, AgentRequest.Pause("break"), CancellationToken.None);
        await h.SyncAgentsAsync();
        Assert.True(await new AttemptStore(db.Factory).DisposeAsync(onCall.AttemptId!.Value, agent, "done", null, null, 0, null,
            h.Clock.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None));
        h.Run(TimeSpan.FromSeconds(60));

        var state = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal(("paused", "break"), (state.State, state.Reason));
        Assert.Equal("done", await h.ScalarAsync<string>("SELECT disposition FROM call_attempts WHERE id = @id", new { id = onCall.AttemptId }));
    }

    private static AgentState AgentStateOf(EngineHarness h, long agent) => h.Engine.FindAgent(agent)!.State;
}
