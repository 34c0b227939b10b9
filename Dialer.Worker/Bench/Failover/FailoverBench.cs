using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dialer.Worker.Bench.Crash;
using Dialer.Worker.Simulation;

namespace Dialer.Worker.Bench.Failover;

/// <summary>How a failover run goes: the Workers, the campaigns, the kills and how long each phase lasts.</summary>
public sealed record FailoverBenchOptions
{
    /// <summary>Workers running at once (a killed one is replaced by a new Worker under a new id, never restarted).</summary>
    public int Workers { get; init; } = 3;

    public int Kills { get; init; } = 3;

    public int Campaigns { get; init; } = 3;

    public int ContactsPerCampaign { get; init; } = 10_000;

    public int MaxAttempts { get; init; } = 3;

    /// <summary>Simulated agents of each campaign (Dialing:SimulatedAgents).</summary>
    public int AgentsPerCampaign { get; init; } = 20;

    /// <summary>Dialing:LeaseSeconds of every Worker.</summary>
    public int LeaseSeconds { get; init; } = 15;

    /// <summary>"sqlite" or "postgres".</summary>
    public string Provider { get; init; } = "sqlite";

    /// <summary>With postgres: a connection string to the server the run makes its database on.</summary>
    public string? PostgresServer { get; init; }

    /// <summary>Seconds of dialing before the first kill, and between a takeover and the next kill.</summary>
    public double DialSecondsBetweenKills { get; init; } = 15;

    /// <summary>Seconds of dialing after the last takeover (calls per second after).</summary>
    public double DialSecondsAfter { get; init; } = 15;

    public int Seed { get; init; } = 20261209;

    /// <summary>Fast simulated calls (as the crash run's).</summary>
    public SimulationProfile Simulation { get; init; } = new CrashBenchOptions().Simulation;

    public bool Keep { get; init; }

    /// <summary>The goal: every takeover within the lease time + 15 s.</summary>
    public double TakeoverGoalSeconds => LeaseSeconds + 15;

    /// <summary>How long the run waits for a takeover before it calls it missing.</summary>
    public TimeSpan TakeoverLimit => TimeSpan.FromSeconds(LeaseSeconds + 45);
}

/// <summary>One kill: whom, when, what it ran, and how soon each of its campaigns dialed again on another Worker.</summary>
public sealed record FailoverKill
{
    public int Number { get; init; }

    public string WorkerId { get; init; } = "";

    public int ProcessId { get; init; }

    /// <summary>Seconds into the run (from the campaigns' first call).</summary>
    public double AtSeconds { get; init; }

    /// <summary>The campaigns whose leases the killed Worker held.</summary>
    public IReadOnlyList<long> Campaigns { get; init; } = [];

    /// <summary>Per campaign it held: seconds from the kill to that campaign's first attempt by another Worker (null: none came).</summary>
    public IReadOnlyList<double?> TakeoverSeconds { get; init; } = [];

    /// <summary>Per campaign it held: the Worker that made that first attempt.</summary>
    public IReadOnlyList<string?> TakenOverBy { get; init; } = [];

    /// <summary>Campaigns (of all) that made no attempt after the kill within the takeover limit.</summary>
    public IReadOnlyList<long> SilentCampaigns { get; init; } = [];

    /// <summary>The Worker started in its place once its campaigns were taken over.</summary>
    public string ReplacedBy { get; init; } = "";
}

/// <summary>What a failover run measured.</summary>
public sealed record FailoverBenchResult
{
    public string Provider { get; init; } = "";

    public int Workers { get; init; }

    public int LeaseSeconds { get; init; }

    public double TakeoverGoalSeconds { get; init; }

    public IReadOnlyList<long> CampaignIds { get; init; } = [];

    public IReadOnlyList<FailoverKill> Kills { get; init; } = [];

    public double TakeoverSecondsMax => Kills.SelectMany(k => k.TakeoverSeconds).Select(s => s ?? double.PositiveInfinity).DefaultIfEmpty(0).Max();

    public double CallsPerSecondBefore { get; init; }

    public double CallsPerSecondAfter { get; init; }

    /// <summary>Campaigns that made no attempt in the last phase (after the last takeover).</summary>
    public IReadOnlyList<long> SilentAtEnd { get; init; } = [];

    public double? FirstDialSeconds { get; init; }

    public double TotalSeconds { get; init; }

    public bool Settled { get; init; }

    public IReadOnlyList<string> UnexpectedWorkerExits { get; init; } = [];

    public FailoverInvariants Invariants { get; init; } = new();

    public long Lost => Invariants.Lost;

    public long Doubled => Invariants.Doubled;

    public string? WorkFolder { get; init; }

    public string Tails { get; init; } = "";

    public IReadOnlyList<string> Problems(int expectedKills)
    {
        var problems = Invariants.Problems().ToList();
        if (FirstDialSeconds is null)
        {
            problems.Add("the campaigns never all dialed");
        }

        if (Kills.Count < expectedKills)
        {
            problems.Add($"{Kills.Count} kills of {expectedKills}");
        }

        foreach (var kill in Kills)
        {
            for (var i = 0; i < kill.Campaigns.Count; i++)
            {
                if (kill.TakeoverSeconds[i] is not { } s)
                {
                    problems.Add($"kill {kill.Number}: campaign {kill.Campaigns[i]} of {kill.WorkerId} was not taken over");
                }
                else if (s > TakeoverGoalSeconds)
                {
                    problems.Add(Invariant($"kill {kill.Number}: campaign {kill.Campaigns[i]} taken over after {s:0.0} s (> {TakeoverGoalSeconds:0} s)"));
                }
            }

            if (kill.SilentCampaigns.Count > 0)
            {
                problems.Add($"kill {kill.Number}: campaigns {string.Join(", ", kill.SilentCampaigns)} did not dial after it");
            }
        }

        if (SilentAtEnd.Count > 0)
        {
            problems.Add($"campaigns {string.Join(", ", SilentAtEnd)} did not dial after the last takeover");
        }

        if (!Settled)
        {
            problems.Add("calls still in flight 60 s after the campaigns were paused");
        }

        problems.AddRange(UnexpectedWorkerExits.Select(e => "a Worker exited by itself: " + e));
        return problems;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Failover with real processes: the real Api and several Workers (from their build outputs) on one database with the
/// simulated carrier; several predictive campaigns, each with its own simulated agents, spread over the Workers by
/// their leases. Then, again and again, the Worker that holds the most campaigns is killed with SIGKILL and never
/// restarted; the run measures how soon each of its campaigns dials again on another Worker, then starts a new Worker
/// under a new id in its place (so that the number of Workers holds), and in the end pauses the campaigns, lets the
/// calls end and checks the database: nothing lost, nothing dialed twice, statistics equal to the attempts.
/// </summary>
public sealed class FailoverBench(FailoverBenchOptions options, BuildOutputs build, TimeProvider time, TextWriter? progress = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public async Task<FailoverBenchResult> RunAsync(CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        var work = Directory.CreateTempSubdirectory("dialer-failover-").FullName;
        var dataDir = Path.Combine(work, "data");
        Directory.CreateDirectory(dataDir);
        var port = DialerProcess.FreePort();
        var workers = new List<(string Id, DialerProcess Process)>();
        var dead = new HashSet<string>();
        var exits = new List<string>();
        DialerProcess? api = null;
        var database = await FailoverDatabase.CreateAsync(options.Provider, options.PostgresServer, dataDir, ct);
        try
        {
            var apiEnvironment = CrashBench.ApiEnvironment(dataDir);
            Merge(apiEnvironment, database.Environment);
            api = DialerProcess.Start("api", build.ApiDll, ["--urls", $"http://127.0.0.1:{port}"], apiEnvironment, Path.Combine(work, "api.log"));
            using var client = CrashApiClient.For(port, CrashBench.AdminKey);
            await client.WaitHealthyAsync(api, TimeSpan.FromSeconds(90), ct);

            var zone = CrashContacts.ZoneAtLocalHour(14, time.GetUtcNow());
            var campaignIds = new List<long>();
            for (var c = 0; c < options.Campaigns; c++)
            {
                var id = await client.CreateCampaignAsync($"Failover {c + 1}", zone, options.MaxAttempts, ct);
                var csv = Path.Combine(work, $"contacts-{c + 1}.csv");
                CrashContacts.Write(csv, options.ContactsPerCampaign, zone, first: (c * options.ContactsPerCampaign) + 1);
                var import = await client.WaitImportAsync(await client.ImportAsync(id, csv, ct), TimeSpan.FromMinutes(3), ct);
                if (import.Status != "completed" || import.Imported != options.ContactsPerCampaign)
                {
                    throw new InvalidOperationException($"the list of campaign {id} did not import whole: {import}");
                }

                campaignIds.Add(id);
            }

            Say($"{options.Campaigns} predictive campaigns ({string.Join(", ", campaignIds)}) of {options.ContactsPerCampaign} contacts each on {database.Provider}; starting {options.Workers} Workers (lease {options.LeaseSeconds} s)");
            for (var i = 1; i <= options.Workers; i++)
            {
                StartWorker();
            }

            // Every Worker registered before the campaigns start, so that each counts the others in its fair share.
            var registering = Stopwatch.StartNew();
            while (await Read((db, token) => FailoverChecks.LiveWorkersAsync(db, NowMs - 60_000, token), ct) < options.Workers)
            {
                EnsureRunning();
                if (registering.Elapsed > TimeSpan.FromSeconds(90))
                {
                    throw new TimeoutException($"the Workers did not all register within 90 s:\n{Tails()}");
                }

                await Task.Delay(Poll, ct);
            }

            var startedAt = NowMs;
            foreach (var id in campaignIds)
            {
                await client.StartCampaignAsync(id, ct);
            }

            var firstDial = await WaitAllDialAsync(campaignIds, campaignIds.ToDictionary(id => id, _ => 0L), "", ct);
            var dialStart = NowMs;
            double? firstDialSeconds = firstDial.Values.All(v => v is not null) ? (firstDial.Values.Max(v => v!.Value.QueuedAt) - startedAt) / 1000.0 : null;
            Say(firstDialSeconds is { } f
                ? Invariant($"every campaign dialing {f:0.0} s after the start; held by {await HoldersTextAsync(ct)}")
                : $"not every campaign dialed within {options.TakeoverLimit.TotalSeconds:0} s\n{Tails()}");

            var kills = new List<FailoverKill>();
            long? firstKillMs = null;
            var lastTakeoverMs = dialStart;
            while (firstDialSeconds is not null && kills.Count < options.Kills)
            {
                await DialAsync(TimeSpan.FromSeconds(options.DialSecondsBetweenKills), ct);
                var holders = await Read((db, token) => FailoverChecks.HoldersAsync(db, NowMs, token), ct);
                var victim = holders.Values.Where(w => !dead.Contains(w) && workers.Any(x => x.Id == w))
                    .GroupBy(w => w).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).FirstOrDefault();
                if (victim is null)
                {
                    Say($"no live Worker of this run holds a lease (leases: {await HoldersTextAsync(ct)}); no more kills");
                    break;
                }

                var held = holders.Where(h => h.Value == victim).Select(h => h.Key).Order().ToList();
                var lastIds = new Dictionary<long, long>();
                foreach (var id in campaignIds)
                {
                    lastIds[id] = await Read((db, token) => FailoverChecks.LastAttemptIdAsync(db, id, token), ct);
                }

                var process = workers.Single(w => w.Id == victim).Process;
                var killMs = NowMs;
                await process.KillAsync();
                dead.Add(victim);
                firstKillMs ??= killMs;
                var after = await WaitAllDialAsync(campaignIds, lastIds, victim, ct);
                var takeovers = held.Select(id => after[id] is { } a ? Math.Max(0, (a.QueuedAt - killMs) / 1000.0) : (double?)null).ToList();
                var replacement = StartWorker();
                var kill = new FailoverKill
                {
                    Number = kills.Count + 1,
                    WorkerId = victim,
                    ProcessId = process.Id,
                    AtSeconds = (killMs - dialStart) / 1000.0,
                    Campaigns = held,
                    TakeoverSeconds = takeovers,
                    TakenOverBy = [.. held.Select(id => after[id]?.WorkerId)],
                    SilentCampaigns = [.. campaignIds.Where(id => after[id] is null)],
                    ReplacedBy = replacement,
                };
                kills.Add(kill);
                lastTakeoverMs = Math.Max(killMs, after.Values.Where(a => a is not null).Select(a => a!.Value.QueuedAt).DefaultIfEmpty(killMs).Max());
                Say(Invariant($"kill {kill.Number}: SIGKILL to {victim} (pid {kill.ProcessId}), which ran campaigns {string.Join(", ", held)}: taken over after {string.Join(", ", takeovers.Select(Seconds))} s by {string.Join(", ", kill.TakenOverBy.Select(w => w ?? "nobody"))}; {replacement} started in its place"));
                if (takeovers.Any(t => t is null))
                {
                    break; // A campaign nobody took over is the finding; more kills would add nothing.
                }
            }

            await DialAsync(TimeSpan.FromSeconds(options.DialSecondsAfter), ct);
            var pauseMs = NowMs;
            var silentAtEnd = await SilentSinceAsync(campaignIds, lastTakeoverMs, pauseMs, ct);
            var beforeMs = firstKillMs ?? pauseMs;
            var before = await Read((db, token) => FailoverChecks.AttemptsBetweenAsync(db, dialStart, beforeMs, token), ct);
            var afterCount = await Read((db, token) => FailoverChecks.AttemptsBetweenAsync(db, lastTakeoverMs, pauseMs, token), ct);
            Say("pausing the campaigns; letting the last calls end");
            foreach (var id in campaignIds)
            {
                await client.PauseCampaignAsync(id, ct);
            }

            var settle = Stopwatch.StartNew();
            var settled = false;
            while (settle.Elapsed < TimeSpan.FromSeconds(60) && !(settled = await Read(FailoverChecks.SettledAsync, ct)))
            {
                EnsureRunning();
                await Task.Delay(Poll * 2, ct);
            }

            var invariants = await Read((db, token) => FailoverChecks.CheckAsync(db, campaignIds, options.MaxAttempts, token), ct);
            return new FailoverBenchResult
            {
                Provider = database.Provider,
                Workers = options.Workers,
                LeaseSeconds = options.LeaseSeconds,
                TakeoverGoalSeconds = options.TakeoverGoalSeconds,
                CampaignIds = campaignIds,
                Kills = kills,
                CallsPerSecondBefore = Rate(before, dialStart, beforeMs),
                CallsPerSecondAfter = Rate(afterCount, lastTakeoverMs, pauseMs),
                SilentAtEnd = silentAtEnd,
                FirstDialSeconds = firstDialSeconds,
                TotalSeconds = total.Elapsed.TotalSeconds,
                Settled = settled,
                UnexpectedWorkerExits = exits,
                Invariants = invariants,
                WorkFolder = options.Keep ? work : null,
                Tails = Tails(),
            };
        }
        finally
        {
            foreach (var (_, process) in workers)
            {
                await process.DisposeAsync();
            }

            if (api is not null)
            {
                await api.DisposeAsync();
            }

            await database.DisposeAsync(keep: options.Keep);
            if (!options.Keep)
            {
                CrashBench.TryDelete(work);
            }
        }

        string StartWorker()
        {
            var id = $"failover-w{workers.Count + 1}";
            var environment = new CrashBench(new CrashBenchOptions
            {
                LeaseSeconds = options.LeaseSeconds,
                SimulatedAgents = options.AgentsPerCampaign,
                Seed = options.Seed + workers.Count,
                Simulation = options.Simulation,
            }, build, time).WorkerEnvironment(dataDir);
            Merge(environment, database.Environment);
            environment["Dialing__WorkerId"] = id;
            workers.Add((id, DialerProcess.Start(id, build.WorkerDll, [], environment, Path.Combine(work, $"{id}.log"))));
            return id;
        }

        // A Worker that exits without being killed is a finding: noted once, not restarted.
        void EnsureRunning()
        {
            foreach (var (id, process) in workers)
            {
                if (!dead.Contains(id) && process.HasExited)
                {
                    dead.Add(id);
                    exits.Add($"{id} with code {process.ExitCode}\n{process.Tail}");
                    Say($"{id} exited by itself with code {process.ExitCode}");
                }
            }
        }

        async Task DialAsync(TimeSpan span, CancellationToken token)
        {
            var dialing = Stopwatch.StartNew();
            while (dialing.Elapsed < span)
            {
                EnsureRunning();
                await Task.Delay(Poll * 2, token);
            }
        }

        // Per campaign: its first attempt after lastIds[campaign] not made by `notBy`, or null within the takeover limit.
        async Task<Dictionary<long, (long QueuedAt, string WorkerId)?>> WaitAllDialAsync(IReadOnlyList<long> ids, Dictionary<long, long> lastIds, string notBy,
            CancellationToken token)
        {
            var found = ids.ToDictionary(id => id, _ => ((long QueuedAt, string WorkerId)?)null);
            var waiting = Stopwatch.StartNew();
            while (waiting.Elapsed < options.TakeoverLimit && found.Values.Any(v => v is null))
            {
                foreach (var id in ids.Where(id => found[id] is null))
                {
                    found[id] = await Read((db, t) => FailoverChecks.FirstAttemptAfterAsync(db, id, lastIds[id], notBy, t), token);
                }

                EnsureRunning();
                await Task.Delay(Poll, token);
            }

            return found;
        }

        async Task<List<long>> SilentSinceAsync(IReadOnlyList<long> ids, long fromMs, long toMs, CancellationToken token)
        {
            var silent = new List<long>();
            foreach (var id in ids)
            {
                var first = await Read((db, t) => FailoverChecks.FirstQueuedFromAsync(db, id, fromMs, t), token);
                if (first is null || first >= toMs)
                {
                    silent.Add(id);
                }
            }

            return silent;
        }

        async Task<string> HoldersTextAsync(CancellationToken token)
        {
            var holders = await Read((db, t) => FailoverChecks.HoldersAsync(db, NowMs, t), token);
            return holders.Count == 0 ? "nobody" : string.Join(", ", holders.OrderBy(h => h.Key).Select(h => $"{h.Key} → {h.Value}"));
        }

        string Tails() => string.Join("\n", workers.Select(w => $"--- {w.Id}{(dead.Contains(w.Id) ? " (dead)" : "")}:\n{w.Process.Tail}"));

        async Task<T> Read<T>(Func<DbConnection, CancellationToken, Task<T>> query, CancellationToken token)
        {
            await using var connection = await database.Factory.OpenAsync(token);
            return await query(connection, token);
        }
    }

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static double Rate(long attempts, long fromMs, long toMs) => toMs > fromMs ? attempts / ((toMs - fromMs) / 1000.0) : 0;

    private static void Merge(Dictionary<string, string> into, IReadOnlyDictionary<string, string> from)
    {
        foreach (var (key, value) in from)
        {
            into[key] = value;
        }
    }

    private static string Seconds(double? s) => s is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "never";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private void Say(string line) => progress?.WriteLine(line);
}
