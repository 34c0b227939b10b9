using System.Globalization;
using System.Text;
using System.Text.Json;
using Dialer.Worker.Bench.Crash;
using Dialer.Worker.Bench.Failover;

namespace Dialer.Worker.Cli;

/// <summary>
/// bench-failover [--workers N] [--kills N] [--provider sqlite|postgres] [--campaigns N] [--contacts N] [--agents N]
/// [--lease-seconds N] [--dial-seconds N] [--seed N] [--keep] [--json]: the real Api and N Workers (from their build
/// outputs; builds nothing) on one database, predictive campaigns spread over the Workers, and the Worker holding the
/// most campaigns killed with SIGKILL --kills times, never restarted (a new Worker under a new id replaces it once
/// its campaigns are taken over). PostgreSQL (the default when DIALER_TEST_POSTGRES names a server) gets a new
/// database on that server. Prints markdown tables, or with --json one object. Exit code 1 when a goal or an
/// invariant does not hold.
/// </summary>
internal static class BenchFailoverCommand
{
    public const string PostgresVariable = "DIALER_TEST_POSTGRES";

    private const string Usage =
        "usage: bench-failover [--workers N] [--kills N] [--provider sqlite|postgres] [--campaigns N] [--contacts N] [--agents N] [--lease-seconds N] [--dial-seconds N] [--seed N] [--keep] [--json]";

    public static async Task<int> RunAsync(string[] args)
    {
        var json = args.Contains("--json");
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        var options = new FailoverBenchOptions
        {
            Keep = args.Contains("--keep"),
            Provider = string.IsNullOrWhiteSpace(server) ? "sqlite" : "postgres",
            PostgresServer = server,
        };
        try
        {
            var dial = Int(args, "--dial-seconds");
            options = options with
            {
                Workers = Int(args, "--workers") ?? options.Workers,
                Kills = Int(args, "--kills") ?? options.Kills,
                Campaigns = Int(args, "--campaigns") ?? options.Campaigns,
                ContactsPerCampaign = Int(args, "--contacts") ?? options.ContactsPerCampaign,
                AgentsPerCampaign = Int(args, "--agents") ?? options.AgentsPerCampaign,
                LeaseSeconds = Int(args, "--lease-seconds") ?? options.LeaseSeconds,
                DialSecondsBetweenKills = dial ?? options.DialSecondsBetweenKills,
                DialSecondsAfter = dial ?? options.DialSecondsAfter,
                Seed = Int(args, "--seed") ?? options.Seed,
                Provider = Text(args, "--provider") ?? options.Provider,
            };
            if (options.Provider is not ("sqlite" or "postgres"))
            {
                throw new FormatException("--provider is sqlite or postgres");
            }

            if (options.Provider == "postgres" && string.IsNullOrWhiteSpace(server))
            {
                throw new FormatException($"postgres needs a server: set {PostgresVariable} (scripts/bench-failover starts a throwaway one)");
            }

            if (options.Workers < 2 || options.Campaigns < 1 || options.LeaseSeconds < 3)
            {
                throw new FormatException("--workers needs 2 or more, --campaigns 1 or more, --lease-seconds 3 or more");
            }
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"bench-failover: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        // Progress goes to stderr, so that --json leaves stdout to the one object.
        var result = await new FailoverBench(options, BuildOutputs.Locate(), TimeProvider.System, Console.Error).RunAsync(stop.Token);
        var problems = result.Problems(options.Kills);
        Console.WriteLine(json ? Json(result, problems) : Table(result, problems));
        if (problems.Count > 0 && !json)
        {
            Console.Error.WriteLine("last lines of the Workers:\n" + result.Tails);
        }

        return problems.Count == 0 ? 0 : 1;
    }

    public static string Table(FailoverBenchResult r, IReadOnlyList<string> problems)
    {
        var i = r.Invariants;
        var w = new StringBuilder();
        w.AppendLine("| provider | workers | lease s | kills | campaigns | contacts | attempts | calls/s before | calls/s after | takeover s max (goal) | lost | doubled |");
        w.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        w.AppendLine(Invariant(
            $"| {r.Provider} | {r.Workers} | {r.LeaseSeconds} | {r.Kills.Count} | {r.CampaignIds.Count} | {i.Contacts} | {i.Attempts} | {r.CallsPerSecondBefore:0.0} | {r.CallsPerSecondAfter:0.0} | {Seconds(r.TakeoverSecondsMax)} (≤ {r.TakeoverGoalSeconds:0}) | {r.Lost} | {r.Doubled} |"));
        w.AppendLine();
        w.AppendLine("| kill | at s | Worker killed (SIGKILL, not restarted) | its campaigns | takeover s (each) | taken over by | campaigns silent after | replaced by |");
        w.AppendLine("|---:|---:|---|---|---|---|---|---|");
        foreach (var k in r.Kills)
        {
            w.AppendLine(Invariant(
                $"| {k.Number} | {k.AtSeconds:0.0} | {k.WorkerId} | {string.Join(", ", k.Campaigns)} | {string.Join(", ", k.TakeoverSeconds.Select(s => Seconds(s)))} | {string.Join(", ", k.TakenOverBy.Select(b => b ?? "nobody"))} | {(k.SilentCampaigns.Count == 0 ? "none" : string.Join(", ", k.SilentCampaigns))} | {k.ReplacedBy} |"));
        }

        w.AppendLine();
        w.AppendLine("| check | found |");
        w.AppendLine("|---|---:|");
        w.AppendLine(Invariant($"| contacts left dialing or claimed | {i.ContactsClaimed} |"));
        w.AppendLine(Invariant($"| attempts without an end | {i.OpenAttempts} |"));
        w.AppendLine(Invariant($"| contacts.attempts ≠ their rows | {i.AttemptCounterMismatches} |"));
        w.AppendLine(Invariant($"| contacts done without an attempt | {i.DoneWithoutAttempts} |"));
        w.AppendLine(Invariant($"| contacts over maxAttempts | {i.OverMaxAttempts} |"));
        w.AppendLine(Invariant($"| overlapping attempt pairs | {i.OverlappingPairs} |"));
        w.AppendLine(Invariant($"| one call on two attempts | {i.SharedCallIds} |"));
        w.AppendLine(Invariant($"| daily stats attempts / ended attempts | {i.Stats.Attempts} / {i.Counted.Attempts} |"));
        w.AppendLine(Invariant($"| daily stats abandoned / live answered (%) | {i.Stats.Abandoned} / {i.Stats.LiveAnswered} ({i.Stats.AbandonPercent:0.00} %) |"));
        w.AppendLine(Invariant($"| attempts abandoned / live answered (%) | {i.Counted.Abandoned} / {i.Counted.LiveAnswered} ({i.Counted.AbandonPercent:0.00} %) |"));
        w.AppendLine(Invariant($"| campaigns whose daily stats differ from their attempts | {i.CampaignsWithStatsMismatch} |"));
        w.AppendLine(Invariant($"| agents in an invalid state / reserved or on a call for an ended attempt / still so | {i.AgentsInInvalidState} / {i.AgentsOnEndedAttempts} / {i.AgentsBusy} |"));
        w.AppendLine(Invariant($"| agents left in wrap-up by the final pause (not a problem) | {i.AgentsInWrapUp} |"));
        w.AppendLine(Invariant($"| attempts ended as worker_lost | {i.WorkerLostAttempts} |"));
        w.AppendLine(Invariant($"| Worker exits not caused by a kill | {r.UnexpectedWorkerExits.Count} |"));
        w.AppendLine();
        w.AppendLine(Invariant(
            $"outcomes: {string.Join(", ", i.Outcomes.Select(o => $"{o.Key} {o.Value}"))}; every campaign dialing {(r.FirstDialSeconds is { } f ? f.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "never")} after the start; total {r.TotalSeconds:0.0} s"));
        w.Append(problems.Count == 0 ? "problems: none" : "problems:\n- " + string.Join("\n- ", problems));
        if (r.WorkFolder is not null)
        {
            w.Append("\nkept: " + r.WorkFolder);
        }

        return w.ToString();
    }

    private static string Json(FailoverBenchResult r, IReadOnlyList<string> problems) => JsonSerializer.Serialize(new
    {
        provider = r.Provider,
        workers = r.Workers,
        leaseSeconds = r.LeaseSeconds,
        kills = r.Kills.Count,
        takeoverSecondsMax = Math.Round(r.TakeoverSecondsMax, 2),
        takeoverGoalSeconds = r.TakeoverGoalSeconds,
        takeoverSeconds = r.Kills.SelectMany(k => k.TakeoverSeconds).Select(s => s is { } v ? Math.Round(v, 2) : (double?)null),
        lost = r.Lost,
        doubled = r.Doubled,
        callsPerSecondBefore = Math.Round(r.CallsPerSecondBefore, 2),
        callsPerSecondAfter = Math.Round(r.CallsPerSecondAfter, 2),
        contacts = r.Invariants.Contacts,
        attempts = r.Invariants.Attempts,
        killed = r.Kills,
        invariants = r.Invariants,
        totalSeconds = Math.Round(r.TotalSeconds, 1),
        problems,
    }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    private static int? Int(string[] args, string name) =>
        Text(args, name) is not { } text ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value
        : throw new FormatException($"{name} needs a whole number ≥ 0");

    private static string? Text(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0)
        {
            return null;
        }

        return i + 1 < args.Length ? args[i + 1] : throw new FormatException($"{name} needs a value");
    }

    private static string Seconds(double? s) =>
        s is { } v && !double.IsInfinity(v) ? v.ToString("0.0", CultureInfo.InvariantCulture) : "never";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
