using System.Globalization;
using System.Text;
using System.Text.Json;
using Dialer.Worker.Bench.Crash;

namespace Dialer.Worker.Cli;

/// <summary>
/// bench-crash [--kills N] [--contacts N] [--seed N] [--agents N] [--time-limit SECONDS] [--import-rows N] [--keep] [--json]:
/// the real Api and Worker (from their build outputs; builds nothing) on a fresh SQLite file, a predictive campaign
/// worked while the Worker is killed with SIGKILL N times and restarted, then the invariants checked in the file;
/// and the Api killed during an import of --import-rows rows (0: skipped). Prints a markdown table, or with --json
/// one object. Exit code 1 when an invariant does not hold.
/// </summary>
internal static class BenchCrashCommand
{
    public const double ResumeLimitSeconds = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var json = args.Contains("--json");
        var options = new CrashBenchOptions { Keep = args.Contains("--keep") };
        var importRows = 300_000;
        try
        {
            options = options with
            {
                Kills = Int(args, "--kills") ?? options.Kills,
                Contacts = Int(args, "--contacts") ?? options.Contacts,
                Seed = Int(args, "--seed") ?? options.Seed,
                SimulatedAgents = Int(args, "--agents") ?? options.SimulatedAgents,
                TimeLimit = Int(args, "--time-limit") is { } limit ? TimeSpan.FromSeconds(limit) : options.TimeLimit,
            };
            importRows = Int(args, "--import-rows") ?? importRows;
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"bench-crash: {e.Message}");
            Console.Error.WriteLine("usage: bench-crash [--kills N] [--contacts N] [--seed N] [--agents N] [--time-limit SECONDS] [--import-rows N] [--keep] [--json]");
            return 2;
        }

        var build = BuildOutputs.Locate();
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        // Progress goes to stderr, so that --json leaves stdout to the one object.
        var result = await new CrashBench(options, build, TimeProvider.System, Console.Error).RunAsync(stop.Token);
        var import = importRows > 0 ? await new ImportCrash(build, Console.Error).RunAsync(importRows, options.Keep, stop.Token) : null;
        var problems = result.Problems(ResumeLimitSeconds).Concat(import?.Problems().Select(p => "import: " + p) ?? []).ToList();
        Console.WriteLine(json ? Json(result, import, problems) : Table(result, import, problems));
        if (problems.Count > 0 && !json)
        {
            Console.Error.WriteLine("last lines of the Worker:\n" + result.WorkerTail);
        }

        return problems.Count == 0 ? 0 : 1;
    }

    private static int? Int(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0)
        {
            return null;
        }

        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new FormatException($"{name} needs a whole number ≥ 0");
        }

        return value;
    }

    public static string Table(CrashBenchResult r, ImportCrashResult? import, IReadOnlyList<string> problems)
    {
        var i = r.Invariants;
        var w = new StringBuilder();
        w.AppendLine("| kills | contacts | attempts | lost | doubled | resume s (each restart) | resume s max | list worked in s | total s |");
        w.AppendLine("|---:|---:|---:|---:|---:|---|---:|---:|---:|");
        w.AppendLine(Invariant($"| {r.Kills} | {r.Contacts} | {r.Attempts} | {r.Lost} | {r.Doubled} | {Resumes(r)} | {r.ResumeSecondsMax:0.00} | {(r.ListWorked ? r.DialingSeconds.ToString("0.0", CultureInfo.InvariantCulture) : "not worked")} | {r.TotalSeconds:0.0} |"));
        w.AppendLine();
        w.AppendLine("| check | found |");
        w.AppendLine("|---|---:|");
        w.AppendLine(Invariant($"| contacts left dialing or claimed | {i.ContactsClaimed} |"));
        w.AppendLine(Invariant($"| attempts without an end | {i.OpenAttempts} |"));
        w.AppendLine(Invariant($"| contacts never attempted | {i.NeverAttempted} |"));
        w.AppendLine(Invariant($"| contacts still to work | {i.Unworked} |"));
        w.AppendLine(Invariant($"| contacts over maxAttempts | {i.OverMaxAttempts} |"));
        w.AppendLine(Invariant($"| overlapping attempt pairs | {i.OverlappingPairs} |"));
        w.AppendLine(Invariant($"| daily stats attempts / ended attempts | {i.StatsAttempts} / {i.EndedAttempts} |"));
        w.AppendLine(Invariant($"| contacts.attempts ≠ their rows | {i.AttemptCounterMismatches} |"));
        w.AppendLine(Invariant($"| agents in an invalid state / on an ended attempt / still busy | {i.AgentsInInvalidState} / {i.AgentsOnEndedAttempts} / {i.AgentsBusy} |"));
        w.AppendLine(Invariant($"| attempts ended as worker_lost | {i.WorkerLostAttempts} |"));
        w.AppendLine(Invariant($"| Worker exits not caused by a kill | {r.UnexpectedWorkerExits.Count} |"));
        w.AppendLine();
        w.AppendLine(Invariant($"outcomes: {string.Join(", ", i.Outcomes.Select(o => $"{o.Key} {o.Value}"))}; first call {(r.FirstDialSeconds is { } f ? f.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "never")} after the first Worker start"));
        if (import is not null)
        {
            w.AppendLine(Invariant(
                $"Api killed (SIGKILL) {import.KilledAfterSeconds:0.00} s into a {import.Rows:N0}-row import (status {import.StatusAtKill}, {import.ContactsAtKill} contacts committed): after the restart {import.Outcome} in {import.FinishedAfterRestartSeconds:0.0} s — total {import.Total} = imported {import.Imported} + duplicates {import.Duplicates} + invalid {import.Invalid} + dnc {import.Dnc}; contacts {import.Contacts}, error rows {import.ErrorRows}, lists {import.Lists}"));
        }

        w.Append(problems.Count == 0 ? "problems: none" : "problems:\n- " + string.Join("\n- ", problems));
        if (r.WorkFolder is not null)
        {
            w.Append("\nkept: " + r.WorkFolder);
        }

        return w.ToString();
    }

    private static string Json(CrashBenchResult r, ImportCrashResult? import, IReadOnlyList<string> problems) => JsonSerializer.Serialize(new
    {
        kills = r.Kills,
        contacts = r.Contacts,
        attempts = r.Attempts,
        lost = r.Lost,
        doubled = r.Doubled,
        resumeSecondsMax = Math.Round(r.ResumeSecondsMax, 2),
        resumeSeconds = r.ResumeSeconds.Select(s => s is { } v ? Math.Round(v, 2) : (double?)null),
        listWorked = r.ListWorked,
        dialingSeconds = Math.Round(r.DialingSeconds, 1),
        totalSeconds = Math.Round(r.TotalSeconds, 1),
        invariants = r.Invariants,
        importAfterApiKill = import,
        problems,
    }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    private static string Resumes(CrashBenchResult r) =>
        r.ResumeSeconds.Count == 0 ? "—" : string.Join(", ", r.ResumeSeconds.Select(s => s is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "never"));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
