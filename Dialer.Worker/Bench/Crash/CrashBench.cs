using System.Diagnostics;
using System.Globalization;
using Dialer.Worker.Simulation;
using Microsoft.Data.Sqlite;

namespace Dialer.Worker.Bench.Crash;

/// <summary>How a crash run goes: the list, the simulated carrier and agents, when and how often the Worker is killed.</summary>
public sealed record CrashBenchOptions
{
    public int Kills { get; init; } = 5;

    public int Contacts { get; init; } = 5_000;

    public int MaxAttempts { get; init; } = 2;

    /// <summary>Seeds the kill moments (and the simulated carrier).</summary>
    public int Seed { get; init; } = 20261205;

    public int SimulatedAgents { get; init; } = 100;

    /// <summary>Dialing:LeaseSeconds of the Worker.</summary>
    public int LeaseSeconds { get; init; } = 5;

    /// <summary>Each kill comes at a random moment this many seconds (uniform) after the dialing started or resumed.</summary>
    public double KillAfterMinSeconds { get; init; } = 2;

    public double KillAfterMaxSeconds { get; init; } = 6;

    /// <summary>The run ends when the list is worked or after this long (from the start of the campaign).</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How long a restarted Worker may take to dial again before the run gives up waiting for it.</summary>
    public TimeSpan ResumeLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fast simulated calls, so that a list of thousands is worked in about a minute.</summary>
    public SimulationProfile Simulation { get; init; } = new()
    {
        LiveAnswerRate = 0.45,
        MachineRate = 0.25,
        BusyRate = 0.25,
        InvalidRate = 0.05,
        RingSeconds = Distribution.Uniform(1, 3),
        TalkSeconds = Distribution.Uniform(0.5, 1.5),
        WrapSeconds = Distribution.Uniform(0.2, 0.5),
    };

    /// <summary>Settings given to every Worker start besides those above (Name=value, as environment variables).</summary>
    public IReadOnlyDictionary<string, string> WorkerSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Keep the temporary folder (database and process logs) for a look afterwards.</summary>
    public bool Keep { get; init; }
}

/// <summary>What a crash run measured.</summary>
public sealed record CrashBenchResult
{
    public int Kills { get; init; }

    public long Contacts { get; init; }

    public long Attempts { get; init; }

    public long Lost => Invariants.Lost;

    public long Doubled => Invariants.Doubled;

    /// <summary>Per restart: seconds from starting the new Worker to the next new call_attempts row (null: none came).</summary>
    public IReadOnlyList<double?> ResumeSeconds { get; init; } = [];

    public double ResumeSecondsMax => ResumeSeconds.Count == 0 ? 0 : ResumeSeconds.Max(s => s ?? double.PositiveInfinity);

    /// <summary>Seconds from the first Worker's start to its first attempt (not a restart: for comparison).</summary>
    public double? FirstDialSeconds { get; init; }

    /// <summary>Seconds from the start of the campaign until the list was worked (or the time limit).</summary>
    public double DialingSeconds { get; init; }

    public double TotalSeconds { get; init; }

    public bool ListWorked { get; init; }

    /// <summary>Worker exits the run did not cause (exit codes), each followed by a restart after 1 s.</summary>
    public IReadOnlyList<int> UnexpectedWorkerExits { get; init; } = [];

    public CrashInvariants Invariants { get; init; } = new();

    public string? WorkFolder { get; init; }

    public string WorkerTail { get; init; } = "";

    public IReadOnlyList<string> Problems(double resumeLimitSeconds)
    {
        var problems = Invariants.Problems().ToList();
        if (FirstDialSeconds is null)
        {
            problems.Add("the first Worker never dialed");
        }

        if (!ListWorked)
        {
            problems.Add("the list was not worked within the time limit");
        }

        for (var i = 0; i < ResumeSeconds.Count; i++)
        {
            if (ResumeSeconds[i] is not { } s)
            {
                problems.Add($"restart {i + 1}: no new attempt came");
            }
            else if (s > resumeLimitSeconds)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"restart {i + 1}: dialing resumed after {s:0.0} s (> {resumeLimitSeconds:0} s)"));
            }
        }

        if (UnexpectedWorkerExits.Count > 0)
        {
            problems.Add($"the Worker exited by itself {UnexpectedWorkerExits.Count} times (codes {string.Join(", ", UnexpectedWorkerExits)})");
        }

        return problems;
    }
}

/// <summary>
/// Crash safety with real processes on one machine: starts the real Api and one Worker from their build outputs on
/// a fresh SQLite file (simulated carrier, simulated agents), creates a predictive campaign through the API, imports
/// a list and starts it, then kills the Worker with SIGKILL at random moments and restarts it under the same
/// worker id, until the list is worked. Measures how soon each restarted Worker dials again, and afterwards checks
/// the invariants in the SQLite file (read-only): nothing lost, nothing done twice, statistics and agents right.
/// </summary>
public sealed class CrashBench(CrashBenchOptions options, BuildOutputs build, TimeProvider time, TextWriter? progress = null)
{
    public const string AdminKey = "dk_crash_bench_admin_key_0123456789";
    public const string WorkerId = "crash-bench-worker";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public async Task<CrashBenchResult> RunAsync(CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        var work = Directory.CreateTempSubdirectory("dialer-crash-").FullName;
        var dataDir = Path.Combine(work, "data");
        Directory.CreateDirectory(dataDir);
        var port = DialerProcess.FreePort();
        var starts = 0;
        DialerProcess? api = null;
        DialerProcess? worker = null;
        try
        {
            api = DialerProcess.Start("api", build.ApiDll, ["--urls", $"http://127.0.0.1:{port}"], ApiEnvironment(dataDir), Path.Combine(work, "api.log"));
            using var client = CrashApiClient.For(port, AdminKey);
            await client.WaitHealthyAsync(api, TimeSpan.FromSeconds(60), ct);

            var zone = CrashContacts.ZoneAtLocalHour(14, time.GetUtcNow());
            var campaignId = await client.CreateCampaignAsync("Crash safety", zone, options.MaxAttempts, ct);
            var csv = Path.Combine(work, "contacts.csv");
            CrashContacts.Write(csv, options.Contacts, zone);
            var import = await client.WaitImportAsync(await client.ImportAsync(campaignId, csv, ct), TimeSpan.FromMinutes(2), ct);
            if (import.Status != "completed" || import.Imported != options.Contacts)
            {
                throw new InvalidOperationException($"the list did not import whole: {import}");
            }

            Say($"{options.Contacts} contacts imported into campaign {campaignId} (time zone {zone}); starting it and the Worker");
            await client.StartCampaignAsync(campaignId, ct);
            var dialing = Stopwatch.StartNew();
            await using var db = CrashChecks.OpenReadOnly(Path.Combine(dataDir, "dialer.db"));

            var exits = new List<int>();
            worker = StartWorker();
            var firstDial = await WaitForAttemptAsync(0, time.GetUtcNow(), ct);
            Say(firstDial is { } first
                ? string.Create(CultureInfo.InvariantCulture, $"first call {first:0.0} s after the Worker started")
                : $"the Worker did not dial within {options.ResumeLimit.TotalSeconds:0} s; no kills\n{worker.Tail}");

            var random = new Random(options.Seed);
            var resumes = new List<double?>();
            var kills = 0;
            var stalled = firstDial is null;
            while (firstDial is not null && kills < options.Kills && dialing.Elapsed < options.TimeLimit)
            {
                var wait = TimeSpan.FromSeconds(options.KillAfterMinSeconds + (random.NextDouble() * (options.KillAfterMaxSeconds - options.KillAfterMinSeconds)));
                if (await RunUntilWorkedAsync(wait, ct))
                {
                    break;
                }

                await worker.KillAsync();
                kills++;
                var lastId = await CrashChecks.LastAttemptIdAsync(db, ct);
                var restartAt = time.GetUtcNow();
                await worker.DisposeAsync();
                worker = StartWorker();
                var resume = await WaitForAttemptAsync(lastId, restartAt, ct);
                resumes.Add(resume);
                Say(string.Create(CultureInfo.InvariantCulture,
                    $"kill {kills} (SIGKILL after {wait.TotalSeconds:0.0} s of dialing; last attempt id {lastId}): dialing resumed {(resume is { } r ? $"{r:0.00} s" : "never")} after the restart"));
                if (resume is null)
                {
                    // A Worker that does not dial again after a restart is the finding; more kills would add nothing.
                    stalled = true;
                    break;
                }
            }

            // A Worker that stopped dialing gets a last 10 s, not the whole time limit.
            var left = options.TimeLimit - dialing.Elapsed;
            var worked = await RunUntilWorkedAsync(stalled && left > TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(10) : left, ct);
            var dialingSeconds = dialing.Elapsed.TotalSeconds;
            Say(string.Create(CultureInfo.InvariantCulture, $"{(worked ? "list worked" : "time limit reached")} after {dialingSeconds:0.0} s; letting the last calls settle"));
            var settle = Stopwatch.StartNew();
            while (settle.Elapsed < TimeSpan.FromSeconds(20) && !await CrashChecks.SettledAsync(db, campaignId, ct))
            {
                await EnsureWorkerAsync(ct);
                await Task.Delay(Poll * 4, ct);
            }

            var invariants = await CrashChecks.CheckAsync(db, campaignId, options.MaxAttempts, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
            return new CrashBenchResult
            {
                Kills = kills,
                Contacts = invariants.Contacts,
                Attempts = invariants.Attempts,
                ResumeSeconds = resumes,
                FirstDialSeconds = firstDial,
                DialingSeconds = dialingSeconds,
                TotalSeconds = total.Elapsed.TotalSeconds,
                ListWorked = worked,
                UnexpectedWorkerExits = exits,
                Invariants = invariants,
                WorkFolder = options.Keep ? work : null,
                WorkerTail = worker.Tail,
            };

            // Runs the Worker (restarting it if it dies by itself) for up to `limit`; true when the list is worked.
            async Task<bool> RunUntilWorkedAsync(TimeSpan limit, CancellationToken token)
            {
                var running = Stopwatch.StartNew();
                while (true)
                {
                    if (await CrashChecks.UnworkedAsync(db, campaignId, time.GetUtcNow().ToUnixTimeMilliseconds(), token) == 0)
                    {
                        return true;
                    }

                    if (running.Elapsed >= limit)
                    {
                        return false;
                    }

                    await EnsureWorkerAsync(token);
                    await Task.Delay(Poll * 4, token);
                }
            }

            // Seconds from `startedAt` to the queued_at of the first attempt after `afterId`; null if none within the limit.
            async Task<double?> WaitForAttemptAsync(long afterId, DateTimeOffset startedAt, CancellationToken token)
            {
                var waiting = Stopwatch.StartNew();
                while (waiting.Elapsed < options.ResumeLimit)
                {
                    if (await CrashChecks.FirstQueuedAfterAsync(db, afterId, token) is { } queuedAt)
                    {
                        return Math.Max(0, (queuedAt - startedAt.ToUnixTimeMilliseconds()) / 1000.0);
                    }

                    if (await CrashChecks.UnworkedAsync(db, campaignId, time.GetUtcNow().ToUnixTimeMilliseconds(), token) == 0)
                    {
                        return null;
                    }

                    await EnsureWorkerAsync(token);
                    await Task.Delay(Poll, token);
                }

                return null;
            }

            // A Worker that exited without being killed is reported and started again after 1 s (as scripts/run does).
            async Task EnsureWorkerAsync(CancellationToken token)
            {
                if (worker is { HasExited: true })
                {
                    exits.Add(worker.ExitCode);
                    Say($"the Worker exited by itself with code {worker.ExitCode}; restarting it in 1 s\n{worker.Tail}");
                    await worker.DisposeAsync();
                    await Task.Delay(TimeSpan.FromSeconds(1), token);
                    worker = StartWorker();
                }
            }
        }
        finally
        {
            if (worker is not null)
            {
                await worker.DisposeAsync();
            }

            if (api is not null)
            {
                await api.DisposeAsync();
            }

            SqliteConnection.ClearAllPools();
            if (!options.Keep)
            {
                TryDelete(work);
            }
        }

        DialerProcess StartWorker()
        {
            starts++;
            return DialerProcess.Start("worker", build.WorkerDll, [], WorkerEnvironment(dataDir), Path.Combine(work, $"worker-{starts}.log"));
        }
    }

    /// <summary>The Api on the data folder, with the bootstrap admin key and no demo data.</summary>
    public static Dictionary<string, string> ApiEnvironment(string dataDir) => new()
    {
        ["DIALER_DATA_DIR"] = dataDir,
        ["DIALER_BOOTSTRAP_ADMIN_KEY"] = AdminKey,
        ["DIALER_DEMO"] = "0",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
    };

    /// <summary>The Worker: stable id, short lease, simulated carrier (no trunk) with fast calls, simulated agents.</summary>
    public Dictionary<string, string> WorkerEnvironment(string dataDir)
    {
        var s = options.Simulation;
        var env = new Dictionary<string, string>
        {
            ["DIALER_DATA_DIR"] = dataDir,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Information",
            ["Dialing__WorkerId"] = WorkerId,
            ["Dialing__LeaseSeconds"] = Invariant(options.LeaseSeconds),
            ["Dialing__SimulatedAgents"] = Invariant(options.SimulatedAgents),
            ["Telephony__Trunk__Host"] = "",
            ["Telephony__Simulation__Seed"] = Invariant(options.Seed),
            ["Telephony__Simulation__LiveAnswerRate"] = Invariant(s.LiveAnswerRate),
            ["Telephony__Simulation__MachineRate"] = Invariant(s.MachineRate),
            ["Telephony__Simulation__BusyRate"] = Invariant(s.BusyRate),
            ["Telephony__Simulation__InvalidRate"] = Invariant(s.InvalidRate),
        };
        AddDistribution("RingSeconds", s.RingSeconds);
        AddDistribution("TalkSeconds", s.TalkSeconds);
        AddDistribution("WrapSeconds", s.WrapSeconds);
        foreach (var (key, value) in options.WorkerSettings)
        {
            env[key] = value;
        }

        return env;

        void AddDistribution(string name, Distribution d)
        {
            var prefix = $"Telephony__Simulation__{name}__";
            env[prefix + "Dist"] = d.Dist;
            env[prefix + "Value"] = Invariant(d.Value);
            env[prefix + "Min"] = Invariant(d.Min);
            env[prefix + "Max"] = Invariant(d.Max);
            env[prefix + "Mean"] = Invariant(d.Mean);
            env[prefix + "Cv"] = Invariant(d.Cv);
        }
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    private void Say(string line) => progress?.WriteLine(line);

    internal static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS to clean
        }
        catch (UnauthorizedAccessException)
        {
            // left for the OS to clean
        }
    }
}
