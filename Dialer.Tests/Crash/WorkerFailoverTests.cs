using Dialer.Worker.Bench.Crash;
using Dialer.Worker.Bench.Failover;
using Xunit.Abstractions;

namespace Dialer.Tests.Crash;

/// <summary>
/// Failover with the real processes (the harness of scripts/bench-failover): the Api and three Workers on one
/// database — PostgreSQL when DIALER_TEST_POSTGRES names a server (scripts/test starts one), else a SQLite file — with
/// the simulated carrier, three running predictive campaigns with their own simulated agents, and the Worker that
/// holds the most campaigns killed with SIGKILL three times, never restarted (a new Worker under a new id replaces
/// each once its campaigns are taken over).
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class WorkerFailoverTests(ITestOutputHelper output)
{
    private const int LeaseSeconds = 5;

    [Fact]
    public async Task KilledWorkersCampaignsAreTakenOverWithinTheLeaseTimeWithNothingLostOrDialedTwice()
    {
        var server = Environment.GetEnvironmentVariable("DIALER_TEST_POSTGRES");
        var options = new FailoverBenchOptions
        {
            Workers = 3,
            Kills = 3,
            Campaigns = 3,
            ContactsPerCampaign = 2_000,
            AgentsPerCampaign = 8,
            LeaseSeconds = LeaseSeconds,
            DialSecondsBetweenKills = 6,
            DialSecondsAfter = 6,
            Provider = string.IsNullOrWhiteSpace(server) ? "sqlite" : "postgres",
            PostgresServer = server,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));

        var result = await new FailoverBench(options, BuildOutputs.Locate(), TimeProvider.System, new OutputWriter(output)).RunAsync(timeout.Token);

        var problems = result.Problems(options.Kills);
        output.WriteLine(Dialer.Worker.Cli.BenchFailoverCommand.Table(result, problems));
        Assert.True(result.FirstDialSeconds is not null, "the campaigns never all dialed:\n" + result.Tails);
        Assert.Equal(3, result.Kills.Count);
        Assert.All(result.Kills, kill =>
        {
            Assert.NotEmpty(kill.Campaigns);
            Assert.All(kill.TakeoverSeconds, s => Assert.InRange(s ?? double.PositiveInfinity, 0, LeaseSeconds + 15));
            Assert.All(kill.TakenOverBy, by => Assert.NotEqual(kill.WorkerId, by));
            Assert.Empty(kill.SilentCampaigns);
        });
        Assert.Empty(result.SilentAtEnd);
        Assert.True(result.Settled, "calls still in flight after the pause");
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Doubled);
        Assert.Equal(result.Invariants.Counted, result.Invariants.Stats);
        Assert.Equal(result.Invariants.Attempts, result.Invariants.Stats.Attempts);
        Assert.Equal(0, result.Invariants.AgentsOnEndedAttempts);
        Assert.Equal(0, result.Invariants.AgentsBusy);
        Assert.Empty(result.UnexpectedWorkerExits);
        Assert.Empty(problems);
    }
}
