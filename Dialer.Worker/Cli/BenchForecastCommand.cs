using System.Globalization;
using System.Text;
using Dialer.Worker.Bench;

namespace Dialer.Worker.Cli;

/// <summary>
/// bench-forecast [--json] [--tiny] [--only=NAME]: the forecast's accuracy against the pacing simulation (see <see cref="ForecastBench"/>).
/// Prints a table, or with --json an array of objects with scenario, completionDayError and dailyLiveErrorPercent.
/// --tiny runs one small scenario only (for the test of the output's shape); --only=NAME the scenarios whose name contains NAME.
/// </summary>
internal static class BenchForecastCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        var json = args.Contains("--json");
        var only = args.FirstOrDefault(a => a.StartsWith("--only=", StringComparison.Ordinal))?["--only=".Length..];
        var scenarios = args.Contains("--tiny") ? [ForecastBench.Tiny()]
            : ForecastBench.Scenarios().Where(s => only is null || s.Name.Contains(only, StringComparison.Ordinal)).ToList();
        var results = scenarios.AsParallel().AsOrdered().WithDegreeOfParallelism(Math.Max(1, Environment.ProcessorCount)).Select(ForecastBench.Run).ToList();
        if (json)
        {
            Console.WriteLine(ForecastBench.Json(results));
        }
        else
        {
            Console.WriteLine(Table(results));
        }

        return Task.FromResult(0);
    }

    public static string Table(IEnumerable<ForecastBenchResult> results)
    {
        var s = new StringBuilder();
        s.AppendLine("| scenario | tuned | contacts | agents | h/day | worked (day) | forecast (day) | error (days) | live/day | forecast live/day | error % |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            s.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {(r.Tuned ? "yes" : "no")} | {r.Contacts} | {r.Agents} | {r.HoursPerDay:0.#} | {r.ActualWorkedDay} | {r.ForecastWorkedDay?.ToString(CultureInfo.InvariantCulture) ?? "-"} | {r.CompletionDayError?.ToString("+0;-0;0", CultureInfo.InvariantCulture) ?? "-"} | {r.ActualDailyLive:0.0} | {r.ForecastDailyLive:0.0} | {r.DailyLiveErrorPercent:+0.0;-0.0;0.0} |"));
        }

        return s.ToString().TrimEnd();
    }
}
