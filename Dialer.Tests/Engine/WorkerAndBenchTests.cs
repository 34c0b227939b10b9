using Dialer.Worker.Bench;
using Dialer.Worker.Clock;
using Dialer.Worker.Hosting;
using Dialer.Worker.Pacing;

namespace Dialer.Tests.Engine;

public sealed class WorkerAndBenchTests
{
    [Fact]
    public async Task AWorkerIdLiveInAnotherProcessIsRefusedAndOneLeftByADeadProcessIsTakenOver()
    {
        await using var db = await Dialer.Tests.Db.TestDatabase.CreateAsync(Dialer.Db.SqlDialect.Sqlite);
        var leases = new Dialer.Db.Dialing.CampaignLeaseStore(db.Factory);
        var options = new DialingOptions { WorkerId = "w1", LeaseSeconds = 15 };
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

        // Live on another host a moment ago: refused, with the reason and the fix.
        await leases.RegisterAsync(new Dialer.Db.Dialing.WorkerRow { WorkerId = "w1", Host = "other-host", ProcessId = 42, StartedAt = now, HeartbeatAt = now, JobStorage = "inmemory" },
            CancellationToken.None);
        var problem = await Dialer.Worker.WorkerHost.RegisterAsync(leases, options, "inmemory", TimeProvider.System);
        Assert.NotNull(problem);
        Assert.Contains("Another Worker runs as 'w1'", problem);
        Assert.Contains("Dialing:WorkerId", problem);

        // Left by a process of this host that is gone (killed): taken over at once, no waiting for the heartbeat to age.
        await leases.RegisterAsync(new Dialer.Db.Dialing.WorkerRow { WorkerId = "w1", Host = Environment.MachineName, ProcessId = int.MaxValue, StartedAt = now, HeartbeatAt = now, JobStorage = "inmemory" },
            CancellationToken.None);
        Assert.Null(await Dialer.Worker.WorkerHost.RegisterAsync(leases, options, "inmemory", TimeProvider.System));
        var row = await leases.GetWorkerAsync("w1", CancellationToken.None);
        Assert.Equal(Environment.ProcessId, row!.ProcessId);

        // Another host's row whose heartbeat is older than three lease times: that worker is gone.
        await leases.RegisterAsync(new Dialer.Db.Dialing.WorkerRow { WorkerId = "w1", Host = "other-host", ProcessId = 42, StartedAt = now - 60_000, HeartbeatAt = now - 60_000, JobStorage = "inmemory" },
            CancellationToken.None);
        Assert.Null(await Dialer.Worker.WorkerHost.RegisterAsync(leases, options, "inmemory", TimeProvider.System));
    }

    [Fact]
    public void TheVirtualClockFiresTimersInTimeOrderAndCancelledOnesNever()
    {
        var clock = new VirtualTimeProvider(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero));
        var fired = new List<string>();
        using var late = clock.CreateTimer(_ => fired.Add($"late@{clock.GetUtcNow():ss}"), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add($"early@{clock.GetUtcNow():ss}"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        var cancelled = clock.CreateTimer(_ => fired.Add("cancelled"), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var periodic = clock.CreateTimer(_ => fired.Add($"tick@{clock.GetUtcNow():ss}"), null, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4));
        cancelled.Dispose();

        clock.Advance(TimeSpan.FromSeconds(9));

        Assert.Equal(["early@02", "tick@04", "late@05", "tick@08"], fired);
        Assert.Equal(9, clock.GetUtcNow().Second);
    }

    [Fact]
    public void OnADayOfTheBaseCasePredictiveHoldsTheCapAndKeepsAgentsBusierThanProgressive()
    {
        var scenario = Scenario.Load(Path.Combine(RepoRoot(), "scripts", "scenarios", "base.json")) with { Days = 1 };

        var predictive = BenchRunner.Run(scenario, _ => new PredictivePacer());
        var again = BenchRunner.Run(scenario, _ => new PredictivePacer());
        var progressive = BenchRunner.Run(scenario, _ => new ProgressivePacer());

        Assert.InRange(predictive.AbandonPercent, 0, scenario.AbandonCapPercent);
        Assert.Equal(0, progressive.AbandonPercent);
        Assert.True(predictive.Occupancy > progressive.Occupancy + 0.1, $"{predictive.Occupancy} vs {progressive.Occupancy}");
        // Deterministic from the seed.
        Assert.Equal(predictive with { WallSeconds = 0 }, again with { WallSeconds = 0 });
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dialer.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Dialer.sln not found above the test binaries");
    }
}

public sealed class ClaimRecoveryTests
{
    [Fact]
    public async Task StaleClaimsComeBackButNeverWhileTheirCallIsUp()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign());
        var onCall = await EngineHarness.AddContactAsync(db, campaignId, "+15550000031");
        var abandoned = await EngineHarness.AddContactAsync(db, campaignId, "+15550000032");
        var store = new Dialer.Db.Dialing.ContactClaimStore(db.Factory);
        var now = new DateTimeOffset(2026, 1, 5, 15, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var claimedAt = now - (60 * 60_000);
        Assert.NotNull(await store.ClaimNextAsync(campaignId, "dead-worker", claimedAt, CancellationToken.None));
        Assert.NotNull(await store.ClaimNextAsync(campaignId, "dead-worker", claimedAt, CancellationToken.None));
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "INSERT INTO call_attempts (campaign_id, contact_id, phone, queued_at) VALUES (@campaignId, @onCall, 'x', @claimedAt)",
                new { campaignId, onCall, claimedAt });
        }

        var recovered = await store.RecoverClaimsAsync(null, now - (15 * 60_000), now, CancellationToken.None);

        Assert.Equal(1, recovered);
        await using var check = await db.Factory.OpenAsync(CancellationToken.None);
        Assert.Equal("dialing", await Dapper.SqlMapper.ExecuteScalarAsync<string>(check, "SELECT state FROM contacts WHERE id = @onCall", new { onCall }));
        Assert.Equal("retry", await Dapper.SqlMapper.ExecuteScalarAsync<string>(check, "SELECT state FROM contacts WHERE id = @abandoned", new { abandoned }));
    }
}

public sealed class AgentLegsTests
{
    [Fact]
    public void TwoCampaignsShareOneAgentPhoneLegAndTheLastToLeaveHangsUp()
    {
        var carrier = new CountingCarrier();
        var legs = new Dialer.Worker.Engine.AgentLegs(carrier);
        var a = new NullObserver();
        var b = new NullObserver();
        var request = new Dialer.Worker.Telephony.AgentLegRequest(7, "agent7");

        var first = legs.Acquire(request, a);
        var second = legs.Acquire(request, b);
        Assert.Same(first, second);
        Assert.Equal(1, carrier.Opened);

        legs.Release(7, a);
        Assert.Equal(0, carrier.HungUp);
        legs.Release(7, b);
        Assert.Equal(1, carrier.HungUp);
        Assert.Equal(0, legs.Count);
    }

    private sealed class CountingCarrier : Dialer.Worker.Telephony.ITelephony
    {
        public int Opened { get; private set; }

        public int HungUp { get; set; }

        public string Name => "counting";

        public Dialer.Worker.Telephony.ICallLeg Dial(Dialer.Worker.Telephony.DialRequest request, Dialer.Worker.Telephony.ICallObserver observer) =>
            throw new NotSupportedException();

        public Dialer.Worker.Telephony.ICallLeg OpenAgentLeg(Dialer.Worker.Telephony.AgentLegRequest request, Dialer.Worker.Telephony.ICallObserver observer)
        {
            Opened++;
            return new Leg(this);
        }

        private sealed class Leg(CountingCarrier carrier) : Dialer.Worker.Telephony.ICallLeg
        {
            public string Id => "leg";

            public void Hangup() => carrier.HungUp++;

            public void Bridge(Dialer.Worker.Telephony.ICallLeg other)
            {
            }

            public void Unbridge()
            {
            }

            public void Hold(bool on)
            {
            }

            public void Mute(bool on)
            {
            }

            public void Play(Dialer.Worker.Telephony.Prompt prompt, Action? then = null)
            {
            }

            public void SendDtmf(string digits)
            {
            }
        }
    }

    private sealed class NullObserver : Dialer.Worker.Telephony.ICallObserver
    {
        public void OnRinging(Dialer.Worker.Telephony.ICallLeg leg)
        {
        }

        public void OnAnswered(Dialer.Worker.Telephony.ICallLeg leg, Dialer.Worker.Telephony.CallAnswer answer)
        {
        }

        public void OnMachineDetected(Dialer.Worker.Telephony.ICallLeg leg, bool isMachine)
        {
        }

        public void OnDtmf(Dialer.Worker.Telephony.ICallLeg leg, char digit)
        {
        }

        public void OnEnded(Dialer.Worker.Telephony.ICallLeg leg, Dialer.Worker.Telephony.CallEnd end)
        {
        }
    }
}
