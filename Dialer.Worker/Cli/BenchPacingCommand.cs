using System.Globalization;
using System.Text.Json;
using Dialer.Db.Model;
using Dialer.Worker.Bench;
using Dialer.Worker.Pacing;

namespace Dialer.Worker.Cli;

/// <summary>
/// bench-pacing SCENARIO.json... [--json]: for each scenario runs, on a virtual clock, our predictive pacer,
/// progressive, every fixed ratio 1.0–3.0 (reporting the best in hindsight within the cap) and the VICIdial
/// ADAPT_TAPERED emulation; prints a table (or JSON).
/// </summary>
internal static class BenchPacingCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        var json = args.Contains("--json");
        var only = args.FirstOrDefault(a => a.StartsWith("--only=", StringComparison.Ordinal))?["--only=".Length..];
        var files = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine("usage: bench-pacing SCENARIO.json... [--json]");
            return Task.FromResult(2);
        }

        if (only is not null && !BenchSuite.IsPacer(only))
        {
            Console.Error.WriteLine($"bench-pacing: --only={only}: unknown pacer (predictive, progressive, fixed-1.0 … fixed-3.0, vicidial-adapt-tapered)");
            return Task.FromResult(2);
        }

        var scenarios = new List<Scenario>();
        foreach (var file in files)
        {
            try
            {
                scenarios.Add(Scenario.Load(file));
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
            {
                // Scenario's own refusals already start with the file's path.
                Console.Error.WriteLine(ex is InvalidDataException && ex.Message.StartsWith(file, StringComparison.Ordinal)
                    ? $"bench-pacing: {ex.Message}"
                    : $"bench-pacing: {file}: {ex.Message}");
                return Task.FromResult(2);
            }
        }

        if (scenarios.GroupBy(sc => sc.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            Console.Error.WriteLine($"bench-pacing: {twice.Count()} scenarios are named '{twice.Key}': give each a name of its own (the results are kept by name)");
            return Task.FromResult(2);
        }

        if (only is not null)
        {
            // Tuning aid: one pacer per scenario, no comparison.
            foreach (var scenario in scenarios)
            {
                var r = BenchRunner.Run(scenario, s => BenchSuite.Make(only, s));
                Console.WriteLine(BenchSuite.Table([new SuiteRow(scenario, r)]).Split('\n')[2]);
            }

            return Task.FromResult(0);
        }

        var results = BenchSuite.Run(scenarios, progress: json ? null : Console.Error);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(results.Select(r => r.Reported), new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        }
        else
        {
            Console.WriteLine(BenchSuite.Table(results));
            Console.WriteLine(BenchSuite.Verdict(results));
        }

        return Task.FromResult(0);
    }
}

/// <summary>All pacers over all scenarios, runs spread over the cores (each run is independent and deterministic).</summary>
public static class BenchSuite
{
    public static readonly double[] Ratios = Enumerable.Range(10, 21).Select(i => i / 10.0).ToArray();

    /// <summary>True for a name <see cref="Make"/> knows: predictive, progressive, fixed-R (R from 1 to 3), vicidial-adapt-tapered.</summary>
    public static bool IsPacer(string name) =>
        name is CampaignModes.Predictive or CampaignModes.Progressive or "vicidial-adapt-tapered"
        || (name.StartsWith("fixed-", StringComparison.Ordinal)
            && double.TryParse(name[6..], NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 1 and <= 3);

    public static IPacer Make(string name, Scenario s) => name switch
    {
        CampaignModes.Predictive => new PredictivePacer(),
        CampaignModes.Progressive => new ProgressivePacer(),
        "vicidial-adapt-tapered" => new AdaptTaperedPacer(TimeSpan.FromHours(s.HoursPerDay), BenchRunner.FirstDay),
        _ when name.StartsWith("fixed-", StringComparison.Ordinal) => new FixedRatioPacer(double.Parse(name[6..], CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"unknown pacer {name}"),
    };

    public static IReadOnlyList<SuiteRow> Run(IReadOnlyList<Scenario> scenarios, TextWriter? progress = null)
    {
        var jobs = new List<(Scenario Scenario, string Kind, Func<Scenario, IPacer> Make)>();
        foreach (var scenario in scenarios)
        {
            jobs.Add((scenario, CampaignModes.Predictive, _ => new PredictivePacer()));
            jobs.Add((scenario, CampaignModes.Progressive, _ => new ProgressivePacer()));
            foreach (var ratio in Ratios)
            {
                jobs.Add((scenario, "fixed", _ => new FixedRatioPacer(ratio)));
            }

            jobs.Add((scenario, "adapt", s => new AdaptTaperedPacer(TimeSpan.FromHours(s.HoursPerDay), BenchRunner.FirstDay)));
        }

        var results = new BenchResult[jobs.Count];
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            results[i] = BenchRunner.Run(jobs[i].Scenario, jobs[i].Make);
            if (jobs[i].Kind != "fixed")
            {
                progress?.WriteLine($"  {results[i].Scenario,-24} {results[i].Pacer,-24} {results[i].WallSeconds,6:0.00} s");
            }
        });

        var rows = new List<SuiteRow>();
        foreach (var scenario in scenarios)
        {
            var mine = results.Where(r => r.Scenario == scenario.Name).ToList();
            var fixedRuns = mine.Where(r => r.Ratio is not null).ToList();
            var best = fixedRuns.Where(r => r.AbandonPercent <= scenario.AbandonCapPercent)
                .OrderByDescending(r => r.Occupancy).FirstOrDefault() ?? fixedRuns.OrderBy(r => r.Ratio).First();
            rows.Add(new SuiteRow(scenario, mine.First(r => r.Pacer == CampaignModes.Predictive)));
            rows.Add(new SuiteRow(scenario, mine.First(r => r.Pacer == CampaignModes.Progressive)));
            rows.Add(new SuiteRow(scenario, best with { Pacer = "best-fixed-ratio" }));
            rows.Add(new SuiteRow(scenario, mine.First(r => r.Pacer == "vicidial-adapt-tapered")));
        }

        return rows;
    }

    public static string Table(IReadOnlyList<SuiteRow> rows)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"{"scenario",-26} {"pacer",-24} {"occup",6} {"talkMin/h",9} {"aband%",7} {"worstDay%",9} {"live/agent-h",12} {"wait s",7} {"wall s",7}");
        w.WriteLine(new string('-', 113));
        foreach (var row in rows)
        {
            var r = row.Result;
            var pacer = r.Ratio is { } ratio ? $"{r.Pacer} ({ratio:0.0})" : r.Pacer;
            var flag = r.AbandonPercent > row.Scenario.AbandonCapPercent ? " OVER CAP" : "";
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Scenario,-26} {pacer,-24} {r.Occupancy,6:0.000} {r.TalkMinutesPerAgentHour,9:0.00} {r.AbandonPercent,7:0.00} {r.WorstDayAbandonPercent,9:0.00} {r.LiveContactsPerAgentHour,12:0.00} {r.MeanAgentWaitSeconds,7:0.0} {r.WallSeconds,7:0.00}{flag}"));
        }

        return w.ToString();
    }

    /// <summary>The goals: predictive within the cap everywhere; on the base case occupancy and the margins.</summary>
    public static string Verdict(IReadOnlyList<SuiteRow> rows)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        var predictive = rows.Where(r => r.Result.Pacer == CampaignModes.Predictive).ToList();
        var over = predictive.Where(r => r.Result.AbandonPercent > r.Scenario.AbandonCapPercent).Select(r => r.Scenario.Name).ToList();
        w.WriteLine(over.Count == 0
            ? "predictive within the abandon cap over the run on every scenario: yes"
            : $"predictive over the cap on: {string.Join(", ", over)}");
        foreach (var p in predictive.Where(r => r.Scenario.Name.StartsWith("base", StringComparison.Ordinal)))
        {
            var name = p.Scenario.Name;
            var progressive = rows.First(r => r.Scenario.Name == name && r.Result.Pacer == CampaignModes.Progressive).Result;
            var best = rows.First(r => r.Scenario.Name == name && r.Result.Pacer == "best-fixed-ratio").Result;
            var r = p.Result;
            var ok = r.Occupancy >= 0.90 && r.AbandonPercent <= 3 && r.WorstDayAbandonPercent <= 3
                     && r.Occupancy - best.Occupancy >= 0.05 && r.Occupancy - progressive.Occupancy >= 0.15;
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: predictive occupancy {r.Occupancy:0.000} (goal ≥ 0.90), abandons {r.AbandonPercent:0.00} % run / {r.WorstDayAbandonPercent:0.00} % worst day (≤ 3), " +
                $"+{100 * (r.Occupancy - best.Occupancy):0.0} points over best fixed ratio (≥ 5), +{100 * (r.Occupancy - progressive.Occupancy):0.0} over progressive (≥ 15): {(ok ? "MET" : "NOT MET")}"));
        }

        return w.ToString();
    }
}

public sealed record SuiteRow(Scenario Scenario, BenchResult Result)
{
    public object Reported => new
    {
        scenario = Result.Scenario,
        pacer = Result.Pacer,
        ratio = Result.Ratio,
        occupancy = Math.Round(Result.Occupancy, 4),
        talkMinutesPerAgentHour = Math.Round(Result.TalkMinutesPerAgentHour, 3),
        abandonPercent = Math.Round(Result.AbandonPercent, 3),
        worstDayAbandonPercent = Math.Round(Result.WorstDayAbandonPercent, 3),
        liveContactsPerAgentHour = Math.Round(Result.LiveContactsPerAgentHour, 3),
        meanAgentWaitSeconds = Math.Round(Result.MeanAgentWaitSeconds, 2),
        wallSeconds = Math.Round(Result.WallSeconds, 3),
    };
}
