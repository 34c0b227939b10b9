using System.Collections.Concurrent;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Dialer.Db.Reminders;
using Dialer.Worker.Engine;
using Dialer.Worker.Hosting;
using Dialer.Worker.Pacing;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Engine;

/// <summary>
/// The engine's writes go to a queue that runs them in order off its loop (<see cref="DbWriteQueue"/>): a write held up,
/// as on a slow disk, delays neither the loop nor its timers; the order of writes is kept; stopping drains them. The
/// engine runs on the virtual clock against a real SQLite file, its writes on a real consumer task.
/// </summary>
public sealed class EngineWritesTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);

    /// <summary>A step of the virtual clock that a loop waiting for a held write would never finish.</summary>
    private static readonly TimeSpan Stuck = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TheAbandonTimerFiresOnTimeWhileAWriteIsHeldUp()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { Mode = "predictive" });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var onDnc = await EngineHarness.AddContactAsync(db, campaignId, "+15550000071");
        var live = await EngineHarness.AddContactAsync(db, campaignId, "+15550000072");
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "INSERT INTO dnc_entries (phone, campaign_id, source, created_at) VALUES ('+15550000071', 0, 'test', 0)");
        }

        // Every write waits until the test lets it go, as on a disk that has stopped answering.
        var disk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new ConcurrentQueue<string>();
        var writes = DbWriteQueue.Start(beforeEach: async (what, ct) =>
        {
            await disk.Task.WaitAsync(ct);
            ran.Enqueue(what);
        });
        // No agent: the one call dialed (without one) that a person answers waits 2 s for an agent, then is abandoned.
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 3, 60),
            pacer: new DialOnce(), writes: writes);

        // The DNC contact is given back (a queued write, held up) before the other one is dialed.
        await RunAsync(h, TimeSpan.FromSeconds(1));
        var call = Assert.Single(h.Engine.Calls);
        Assert.Equal(live, call.Contact.Id);
        Assert.Equal(1, writes.Pending);
        await RunAsync(h, TimeSpan.FromSeconds(3));
        var answeredAt = Assert.IsType<DateTimeOffset>(call.AnsweredAt);
        Assert.Equal(CallPhase.WaitingForAgent, call.Phase);

        await RunAsync(h, answeredAt + CampaignEngine.AbandonAfter - TimeSpan.FromMilliseconds(1) - h.Clock.GetUtcNow());
        Assert.Equal(0, h.Engine.Abandons.TotalAbandoned);
        await RunAsync(h, TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, h.Engine.Abandons.TotalAbandoned);
        Assert.Equal(answeredAt + CampaignEngine.AbandonAfter, h.Clock.GetUtcNow());

        // The abandoned call ends; its result is queued behind the held release. Nothing of it is written yet.
        await RunAsync(h, TimeSpan.FromMinutes(1));
        Assert.Empty(h.Engine.Calls);
        Assert.Equal(CallOutcome.Abandoned, call.Outcome);
        Assert.Equal(2, writes.Pending);
        Assert.Empty(ran);
        Assert.Equal("dialing", await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @onDnc", new { onDnc }));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE ended_at IS NOT NULL"));

        disk.SetResult();
        await writes.DrainAsync(CancellationToken.None);
        Assert.Equal([$"release of contact {onDnc}", $"result of attempt {call.AttemptId}"], ran.ToArray());
        Assert.Equal((ContactState.Dnc, "dnc"), (await h.QueryAsync<(string, string)>("SELECT state, eligible_reason FROM contacts WHERE id = @onDnc", new { onDnc })).Single());
        Assert.Equal("abandoned", await h.ScalarAsync<string>("SELECT outcome FROM call_attempts WHERE id = @id", new { id = call.AttemptId }));
    }

    [Fact]
    public async Task AConnectedAgentsWrapUpWaitsForTheResultAndTheDispositionIsWrittenAfterIt()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000073");
        var disk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new ConcurrentQueue<string>();
        var writes = DbWriteQueue.Start(beforeEach: async (what, ct) =>
        {
            if (what.StartsWith("result of", StringComparison.Ordinal))
            {
                await disk.Task.WaitAsync(ct);
            }

            ran.Enqueue(what);
        });
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 3, 20), writes: writes);
        var agent = await h.AddReadyAgentAsync("lena");

        // Answered at 3 s, 20 s of talk: the call has ended at 30 s, its result held up.
        await RunAsync(h, TimeSpan.FromSeconds(30));
        var slot = h.Engine.FindAgent(agent)!;
        var attemptId = slot.Call!.AttemptId;
        Assert.Equal((AgentState.OnCall, CallPhase.Ended), (slot.State, slot.Call.Phase));
        Assert.False(h.Engine.IsIdle);

        // Whether the agent gave a disposition on the call is the result's answer: the wrap-up starts once it is written.
        disk.SetResult();
        await UntilWrittenAsync(writes);
        await RunAsync(h, TimeSpan.FromMilliseconds(1));
        Assert.Equal(AgentState.WrapUp, slot.State);
        Assert.True(h.Engine.IsIdle);

        // The simulated agent records its disposition after 5 s of wrap-up.
        await RunAsync(h, TimeSpan.FromSeconds(6));
        await UntilWrittenAsync(writes);
        Assert.Equal(AgentState.Ready, slot.State);
        var order = ran.ToList();
        Assert.True(order.IndexOf($"result of attempt {attemptId}") < order.IndexOf($"disposition of attempt {attemptId}"), string.Join(", ", order));
        Assert.Equal(("connected", "done"), (await h.QueryAsync<(string, string)>(
            "SELECT outcome, disposition FROM call_attempts WHERE id = @attemptId", new { attemptId })).Single());
        // The agent's page events in the order the engine published them.
        var events = await h.QueryAsync<(string Kind, string Payload)>("SELECT kind, payload_json FROM outbox WHERE agent_id = @agent ORDER BY id", new { agent });
        Assert.Equal(
            ["agent_state:reserved", "agent_state:on_call", "call_connected", "agent_state:wrap_up", "call_ended", "agent_state:ready"],
            events.Select(e => e.Kind == "agent_state"
                ? $"{e.Kind}:{System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.GetProperty("state").GetString()}"
                : e.Kind).ToArray());
        await writes.DrainAsync(CancellationToken.None);
    }

    [Fact]
    public async Task WritesRunInTheOrderQueuedAndAFailedOneDoesNotStopTheNext()
    {
        var done = new ConcurrentQueue<int>();
        var writes = DbWriteQueue.Start();
        var slow = writes.Enqueue("slow", async ct =>
        {
            await Task.Delay(200, ct);
            done.Enqueue(1);
            return 1;
        }, -1);
        writes.Enqueue("failing", _ => throw new InvalidOperationException("disk full"));
        var fast = writes.Enqueue("fast", ct =>
        {
            done.Enqueue(3);
            return Task.FromResult(3);
        }, -1);

        Assert.Equal((1, 3), (await slow, await fast));
        Assert.Equal([1, 3], done.ToArray());
        await writes.DrainAsync(CancellationToken.None);
    }

    [Fact]
    public async Task DrainingWaitsForEveryQueuedWriteAndCancellingItCancelsTheOneRunning()
    {
        var disk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new ConcurrentQueue<string>();
        var writes = DbWriteQueue.Start(beforeEach: (_, ct) => disk.Task.WaitAsync(ct));
        foreach (var name in new[] { "a", "b", "c" })
        {
            writes.Enqueue(name, _ =>
            {
                done.Enqueue(name);
                return Task.CompletedTask;
            });
        }

        var drained = writes.DrainAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(drained.IsCompleted);
        Assert.Equal(3, writes.Pending);
        disk.SetResult();
        await drained.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["a", "b", "c"], done.ToArray());
        Assert.Equal(0, writes.Pending);
        // Drained: a later write is not run, and its answer is the failure value.
        Assert.Equal(-1, await writes.Enqueue("late", _ => Task.FromResult(1), -1));

        var never = DbWriteQueue.Start(beforeEach: (_, ct) => Task.Delay(Timeout.Infinite, ct));
        var held = never.Enqueue("held", _ => Task.FromResult(1), -1);
        var dropped = never.Enqueue("dropped", _ => Task.FromResult(2), -2);
        using var limit = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await never.DrainAsync(limit.Token).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((-1, -2), (await held, await dropped));
    }

    [Fact]
    public async Task AQueuedWriteUnderAnOlderEpochChangesNothingAndTheLeaseIsLostOnce()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var leases = new CampaignLeaseStore(db.Factory);
        var campaignId = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign());
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000074");
        var t = Start.ToUnixTimeMilliseconds();
        var old = new LeaseFence(campaignId, (await leases.TryTakeAsync(campaignId, "a", t, 15_000, CancellationToken.None))!.Value);
        var lost = 0;
        var writes = DbWriteQueue.Start();
        var clock = new Dialer.Worker.Clock.VirtualTimeProvider(Start);
        var ports = new DbDialingPorts(new ContactClaimStore(db.Factory), new AttemptStore(db.Factory), new AgentStateStore(db.Factory),
            new ReminderStore(db.Factory, clock), "a", "simulated", clock, CancellationToken.None)
        {
            Writes = writes,
            Fence = old,
            LeaseLost = () => Interlocked.Increment(ref lost),
        };
        var runtime = new CampaignRuntime(campaignId, EngineHarness.Campaign());
        var claimed = ports.ClaimNext(runtime, Start)!;
        Assert.Equal(contact, claimed.Id);

        // Another worker takes the lease; this engine's queued writes find it moved on.
        await leases.TryTakeAsync(campaignId, "b", t + 16_000, 15_000, CancellationToken.None);
        ports.Defer(claimed, new ContactUpdate(ContactState.Retry, Start.AddMinutes(10), "test"), Start);
        ports.Defer(claimed, new ContactUpdate(ContactState.Retry, Start.AddMinutes(10), "test"), Start);
        await writes.DrainAsync(CancellationToken.None);

        Assert.Equal(1, lost);
        Assert.True(ports.IsLeaseLost);
        Assert.Equal(("dialing", "a"), (await QueryAsync<(string, string)>(db, "SELECT state, locked_by FROM contacts WHERE id = @contact", new { contact })).Single());
        // Lost: nothing more is claimed or started.
        Assert.Null(ports.ClaimNext(runtime, Start));
        Assert.Null(ports.Start(runtime, claimed, Start, null));
    }

    [Fact]
    public async Task AnOwnedCallbackGivenBackKeepsItsOwnerAndTheTimeItOpensToAnyone()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign());
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000075");
        var t = Start.ToUnixTimeMilliseconds();
        var openAt = t + 3_600_000;
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            var agent = await Dapper.SqlMapper.ExecuteScalarAsync<long>(c,
                "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ('owner', 'owner', 'agent', 'x', 0) RETURNING id");
            await Dapper.SqlMapper.ExecuteAsync(c, """
                UPDATE contacts SET state = 'callback', next_eligible_at = @t, callback_at = @t, callback_agent_id = @agent, callback_open_at = @openAt
                WHERE id = @contact
                """, new { t, agent, openAt, contact });
        }

        var clock = new Dialer.Worker.Clock.VirtualTimeProvider(Start);
        var ports = new DbDialingPorts(new ContactClaimStore(db.Factory), new AttemptStore(db.Factory), new AgentStateStore(db.Factory),
            new ReminderStore(db.Factory, clock), "a", "simulated", clock, CancellationToken.None) { Writes = DbWriteQueue.Inline() };
        var runtime = new CampaignRuntime(campaignId, EngineHarness.Campaign());
        var owner = (await QueryAsync<long>(db, "SELECT callback_agent_id FROM contacts WHERE id = @contact", new { contact })).Single();
        var claimed = ports.ClaimOwnedCallback(runtime, owner, Start)!;

        // Not dialable now (outside the window, say): given back as a callback for later.
        ports.Defer(claimed, new ContactUpdate(ContactState.Callback, Start.AddHours(2), "window"), Start);

        Assert.Equal(("callback", (long?)owner, (long?)openAt),
            (await QueryAsync<(string, long?, long?)>(db, "SELECT state, callback_agent_id, callback_open_at FROM contacts WHERE id = @contact", new { contact })).Single());
    }

    private static async Task<IReadOnlyList<T>> QueryAsync<T>(Dialer.Tests.Db.TestDatabase db, string sql, object args)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        return [.. await Dapper.SqlMapper.QueryAsync<T>(c, sql, args)];
    }

    /// <summary>Advances the virtual clock on another thread: a loop that waited for a held write would not come back.</summary>
    private static async Task RunAsync(EngineHarness h, TimeSpan span) =>
        await Task.Run(() => h.Run(span)).WaitAsync(Stuck);

    /// <summary>
    /// Waits (in real time) until the queue has run everything; what a write posts back to the loop is posted by then.
    /// The clock is not advanced meanwhile: the virtual clock is not thread-safe.
    /// </summary>
    private static async Task UntilWrittenAsync(DbWriteQueue writes)
    {
        var until = DateTime.UtcNow + Stuck;
        while (writes.Pending > 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(10);
        }

        Assert.Equal(0, writes.Pending);
    }

    /// <summary>One call dialed without an agent, then nothing.</summary>
    private sealed class DialOnce : IPacer
    {
        private bool dialed;

        public string Name => "once";

        public PacingPlan Plan(CampaignEngine engine)
        {
            if (dialed)
            {
                return PacingPlan.None;
            }

            dialed = true;
            return new PacingPlan(1, 0);
        }
    }
}
