using Dapper;
using Dialer.Db;
using Dialer.Db.Agents;
using Dialer.Tests.Db;
using Dialer.Worker.Engine;
using Dialer.Worker.Media;

namespace Dialer.Tests.Engine;

/// <summary>
/// A supervisor on an agent's call (listen, whisper, barge): the stored requests (supervisor_monitors, real SQLite files
/// and PostgreSQL databases through the real migrations) carried out by the engine's monitors on the virtual clock,
/// over the simulated carrier. The audio itself is checked over real RTP in CallMonitorTests.
/// </summary>
public sealed class SupervisorMonitorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [Dialects]
    public async Task TheSupervisorIsRungPutOnTheCallSwitchedAndTakenOffWhenTheCallEnds(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var campaign = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign());
        await EngineHarness.AddContactAsync(db, campaign, "+15550001001");
        await using var h = await EngineHarness.StartAsync(db, campaign, EngineHarness.Campaign(), Start, EngineHarness.Everyone("live", 4, 60));
        var supervisor = await SupervisorAsync(db, "sup1");
        var agent = await h.AddReadyAgentAsync("erin");
        h.Run(TimeSpan.FromSeconds(10));
        var call = h.Engine.FindAgent(agent)!.Call;
        Assert.Equal(CallPhase.Connected, call?.Phase);

        var store = new SupervisorMonitorStore(db.Factory);
        var updates = new List<MonitorUpdate>();
        var monitors = new SupervisorMonitors(h.Engine, h.Carrier, h.Loop, updates.Add);
        var row = await store.RequestAsync(supervisor, agent, MonitorModes.Listen, Now(h), CancellationToken.None);
        await ApplyAsync(h, store, monitors, updates);
        h.Run(TimeSpan.FromSeconds(3));
        await ApplyAsync(h, store, monitors, updates);

        Assert.Equal(MonitorMode.Listen, monitors.ModeOf(row.Id));
        var on = await store.GetAsync(row.Id, CancellationToken.None);
        Assert.Equal((MonitorStates.On, call!.AttemptId), (on!.State, on.AttemptId));

        Assert.True(await store.SetModeAsync(row.Id, supervisor, MonitorModes.Whisper, Now(h), CancellationToken.None));
        await ApplyAsync(h, store, monitors, updates);
        Assert.Equal(MonitorMode.Whisper, monitors.ModeOf(row.Id));
        Assert.False(await store.SetModeAsync(row.Id, agent, MonitorModes.Barge, Now(h), CancellationToken.None)); // not the agent's

        h.Run(TimeSpan.FromSeconds(70)); // the customer hangs up after 60 s
        await ApplyAsync(h, store, monitors, updates);
        var ended = await store.GetAsync(row.Id, CancellationToken.None);
        Assert.Equal((MonitorStates.Ended, MonitorStates.CallEnded), (ended!.State, ended.Reason));
        Assert.Equal(0, monitors.Count);
        Assert.Equal([MonitorStates.Calling, MonitorStates.On, MonitorStates.Ended], updates.Select(u => u.State));
    }

    [Theory]
    [Dialects]
    public async Task AMonitorWaitsForTheAgentsNextCallAndEndsWhenTheSupervisorLeaves(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var campaign = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign());
        await using var h = await EngineHarness.StartAsync(db, campaign, EngineHarness.Campaign(), Start, EngineHarness.Everyone("live", 4, 60));
        var supervisor = await SupervisorAsync(db, "sup1");
        var agent = await h.AddReadyAgentAsync("erin");
        var store = new SupervisorMonitorStore(db.Factory);
        var updates = new List<MonitorUpdate>();
        var monitors = new SupervisorMonitors(h.Engine, h.Carrier, h.Loop, updates.Add);
        var row = await store.RequestAsync(supervisor, agent, MonitorModes.Barge, Now(h), CancellationToken.None);

        h.Run(TimeSpan.FromSeconds(5));
        await ApplyAsync(h, store, monitors, updates);
        Assert.Empty(updates); // no call yet: waiting

        await EngineHarness.AddContactAsync(db, campaign, "+15550001001");
        h.Run(TimeSpan.FromSeconds(15));
        await ApplyAsync(h, store, monitors, updates);
        h.Run(TimeSpan.FromSeconds(3));
        await ApplyAsync(h, store, monitors, updates);
        Assert.Equal(MonitorMode.Barge, monitors.ModeOf(row.Id));

        Assert.True(await store.AskToLeaveAsync(row.Id, supervisor, Now(h), CancellationToken.None));
        await ApplyAsync(h, store, monitors, updates);
        var ended = await store.GetAsync(row.Id, CancellationToken.None);
        Assert.Equal((MonitorStates.Ended, MonitorStates.Left), (ended!.State, ended.Reason));
        Assert.Equal(0, monitors.Count);
        Assert.Equal(CallPhase.Connected, h.Engine.FindAgent(agent)!.Call?.Phase); // the call goes on
    }

    [Theory]
    [Dialects]
    public async Task ASupervisorHasOneMonitorAtATimeAndLeavingEndsItAtOnce(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var store = new SupervisorMonitorStore(db.Factory);
        var supervisor = await SupervisorAsync(db, "sup1");
        var agent = await SupervisorAsync(db, "agent1");
        var ct = CancellationToken.None;

        var first = await store.RequestAsync(supervisor, agent, MonitorModes.Listen, 1, ct);
        await store.UpdateAsync(first.Id, MonitorStates.On, 7, null, 2, ct);
        var second = await store.RequestAsync(supervisor, agent, MonitorModes.Whisper, 3, ct);
        var replaced = await store.GetAsync(first.Id, ct); // ended at once: the Worker carrying it takes it off the call
        Assert.Equal((MonitorStates.Ended, MonitorStates.Left, true), (replaced!.State, replaced.Reason, replaced.EndRequested));
        Assert.Equal(second.Id, (await store.CurrentAsync(supervisor, ct))!.Id);
        Assert.Equal("sup1-sip", second.SupervisorSipUser);

        Assert.True(await store.AskToLeaveAsync(second.Id, supervisor, 4, ct));
        var left = await store.GetAsync(second.Id, ct);
        Assert.Equal((MonitorStates.Ended, MonitorStates.Left), (left!.State, left.Reason));
        Assert.False(await store.AskToLeaveAsync(second.Id, supervisor, 5, ct));
        await store.UpdateAsync(second.Id, MonitorStates.On, null, null, 6, ct); // an ended monitor stays ended
        Assert.Equal(MonitorStates.Ended, (await store.GetAsync(second.Id, ct))!.State);
        Assert.Empty(await store.OpenAsync(ct));
    }

    private static long Now(EngineHarness h) => h.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static async Task<long> SupervisorAsync(TestDatabase db, string username)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>("""
            INSERT INTO users (username, display_name, role, password_hash, sip_username, created_at)
            VALUES (@username, @username, 'manager', 'x', @sip, 0) RETURNING id
            """, new { username, sip = username + "-sip" });
    }

    /// <summary>What the live runner does every poll: the open monitors applied on the loop, their updates written.</summary>
    private static async Task ApplyAsync(EngineHarness h, SupervisorMonitorStore store, SupervisorMonitors monitors, List<MonitorUpdate> updates)
    {
        var written = updates.Count;
        monitors.Apply(await store.OpenAsync(CancellationToken.None));
        h.Run(TimeSpan.FromMilliseconds(200));
        foreach (var u in updates.Skip(written).ToList())
        {
            await store.UpdateAsync(u.Id, u.State, u.AttemptId, u.Reason, Now(h), CancellationToken.None);
        }
    }
}
