using System.Globalization;
using Dialer.Worker.Bench.Crash;
using Xunit.Abstractions;

namespace Dialer.Tests.Crash;

/// <summary>
/// Crash safety with the real processes: the Api and the Worker from their build outputs on a SQLite file, a
/// predictive campaign of 5,000 contacts on the simulated carrier, and the Worker killed with SIGKILL five times at
/// random (seeded) moments and restarted under the same worker id (the harness of scripts/bench-crash).
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class WorkerCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task WorkerKilledFiveTimesLosesNothingDialsNothingTwiceAndResumesWithinTenSeconds()
    {
        var options = new CrashBenchOptions { Kills = 5, Contacts = 5_000, TimeLimit = TimeSpan.FromSeconds(240) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));

        var result = await new CrashBench(options, BuildOutputs.Locate(), TimeProvider.System, new OutputWriter(output)).RunAsync(timeout.Token);

        output.WriteLine(Dialer.Worker.Cli.BenchCrashCommand.Table(result, null, result.Problems(10)));
        Assert.True(result.FirstDialSeconds is not null, "the first Worker never dialed:\n" + result.WorkerTail);
        Assert.Equal(5, result.Kills);
        Assert.Equal(5_000, result.Contacts);
        // Worked in about 90 s alone on 2 cores; the limit only bounds a run that stopped dialing, and the list counts
        // as worked when nothing is left to dial once the last calls have settled.
        Assert.Equal(0, result.Invariants.Unworked);
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Doubled);
        Assert.Equal(result.Invariants.EndedAttempts, result.Invariants.StatsAttempts);
        Assert.Equal(result.Attempts, result.Invariants.EndedAttempts);
        Assert.Equal(0, result.Invariants.AttemptCounterMismatches);
        Assert.Equal(0, result.Invariants.AgentsInInvalidState);
        Assert.Equal(0, result.Invariants.AgentsOnEndedAttempts);
        Assert.Equal(0, result.Invariants.AgentsBusy);
        Assert.Empty(result.UnexpectedWorkerExits);
        Assert.All(result.ResumeSeconds, s => Assert.InRange(s ?? double.PositiveInfinity, 0, 10));
        Assert.Empty(result.Problems(10));
    }
}

/// <summary>
/// The Api killed with SIGKILL while it imports a 300,000-row list, then started again on the same data folder: the
/// import ends completed with counts that add up and exactly its rows, or failed with nothing of it left.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class ApiImportCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ApiKilledDuringAnImportLeavesItCompletedOrFailedWithNothingHalfWritten()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));

        var result = await new ImportCrash(BuildOutputs.Locate(), new OutputWriter(output)).RunAsync(300_000, keep: false, timeout.Token);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"status at kill {result.StatusAtKill} after {result.KilledAfterSeconds:0.00} s; after restart {result.Outcome}: total {result.Total}, imported {result.Imported}, duplicates {result.Duplicates}, invalid {result.Invalid}, dnc {result.Dnc}, contacts {result.Contacts}, error rows {result.ErrorRows}"));
        Assert.True(result.KilledMidImport, $"the kill came after the import was {result.StatusAtKill}");
        Assert.Equal(0, result.ContactsAtKill);
        Assert.Contains(result.Outcome, new[] { "completed", "failed" });
        if (result.Outcome == "completed")
        {
            Assert.Equal(300_000, result.Total);
            Assert.Equal(result.Total, result.Imported + result.Duplicates + result.Invalid + result.Dnc);
            Assert.Equal(result.Imported, result.Contacts);
            Assert.Equal(0, result.ContactsOutsideList);
            Assert.Equal(result.Total - result.Imported, result.ErrorRows);
        }
        else
        {
            Assert.Equal(0, result.Contacts);
            Assert.Equal(0, result.ErrorRows);
        }

        Assert.Empty(result.Problems());
    }
}

/// <summary>The crash runs take real time on real processes: they run alone, not beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrashCollection
{
    public const string Name = "Crash";
}

/// <summary>The harness's progress lines into the test's output.</summary>
internal sealed class OutputWriter(ITestOutputHelper output) : StringWriter(CultureInfo.InvariantCulture)
{
    public override void WriteLine(string? value)
    {
        try
        {
            output.WriteLine(value ?? "");
        }
        catch (InvalidOperationException)
        {
            // the test has ended
        }
    }
}
