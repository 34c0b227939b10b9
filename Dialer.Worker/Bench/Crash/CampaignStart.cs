using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Dialer.Worker.Bench.Crash;

/// <summary>What one start of a campaign on fresh processes measured.</summary>
public sealed record CampaignStartResult
{
    /// <summary>Seconds from the start request to the first call_attempts row (null: none within the limit).</summary>
    public double? FirstCallSeconds { get; init; }

    /// <summary>call_attempts rows when the run ended.</summary>
    public long Attempts { get; init; }

    /// <summary>The agents' rows when the run ended (user, state, campaigns), for a report.</summary>
    public string Agents { get; init; } = "";

    /// <summary>Contacts by state when the run ended, for a report.</summary>
    public string Contacts { get; init; } = "";

    public string WorkerTail { get; init; } = "";

    public string? WorkFolder { get; init; }
}

/// <summary>
/// A campaign started as a manager starts one on a new installation: the real Api and Worker from their build
/// outputs on a fresh data folder (no demo data, simulated carrier and the Worker's default simulated agents), a
/// predictive care campaign open 08:00–21:00 every day in a zone where it is mid-morning, a list of Chinese mobiles
/// imported with that zone per row, then start. Measures how soon the first call is placed.
/// </summary>
public sealed class CampaignStart(BuildOutputs build, TimeProvider time, TextWriter? progress = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Runs once: waits up to <paramref name="limit"/> after the start for the first call. <paramref name="simulatedAgents"/>
    /// sets Dialing:SimulatedAgents (null: the Worker's default, five). The temporary folder (database and process logs)
    /// is kept when asked, or when no call came (its path in the result).
    /// </summary>
    public async Task<CampaignStartResult> RunAsync(int contacts, int? simulatedAgents, TimeSpan limit, bool keep, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("dialer-start-").FullName;
        var dataDir = Path.Combine(work, "data");
        Directory.CreateDirectory(dataDir);
        var port = DialerProcess.FreePort();
        DialerProcess? api = null;
        DialerProcess? worker = null;
        var dialed = false;
        try
        {
            api = DialerProcess.Start("api", build.ApiDll, ["--urls", $"http://127.0.0.1:{port}"], CrashBench.ApiEnvironment(dataDir), Path.Combine(work, "api.log"));
            using var client = CrashApiClient.For(port, CrashBench.AdminKey);
            await client.WaitHealthyAsync(api, TimeSpan.FromSeconds(60), ct);
            // As scripts/run does: the Worker runs before the campaign exists.
            worker = DialerProcess.Start("worker", build.WorkerDll, [], WorkerEnvironment(dataDir, simulatedAgents), Path.Combine(work, "worker.log"));

            var zone = CrashContacts.ZoneAtLocalHour(10, time.GetUtcNow());
            var campaignId = await client.CreateCampaignAsync("Start", zone, maxAttempts: 3, ct);
            var csv = Path.Combine(work, "contacts.csv");
            CrashContacts.Write(csv, contacts, zone);
            var import = await client.WaitImportAsync(await client.ImportAsync(campaignId, csv, ct), TimeSpan.FromMinutes(2), ct);
            if (import.Status != "completed" || import.Imported != contacts)
            {
                throw new InvalidOperationException($"the list did not import whole: {import}");
            }

            await client.StartCampaignAsync(campaignId, ct);
            var started = time.GetUtcNow();
            var waiting = Stopwatch.StartNew();
            await using var db = CrashChecks.OpenReadOnly(Path.Combine(dataDir, "dialer.db"));
            double? first = null;
            while (waiting.Elapsed < limit)
            {
                if (worker.HasExited)
                {
                    throw new InvalidOperationException($"the Worker exited with code {worker.ExitCode}:\n{worker.Tail}");
                }

                if (await CrashChecks.FirstQueuedAfterAsync(db, 0, ct) is { } queuedAt)
                {
                    first = Math.Max(0, (queuedAt - started.ToUnixTimeMilliseconds()) / 1000.0);
                    break;
                }

                await Task.Delay(Poll, ct);
            }

            dialed = first is not null;
            var result = new CampaignStartResult
            {
                FirstCallSeconds = first,
                Attempts = await db.ExecuteScalarAsync<long>(new CommandDefinition(CrashChecks.Sql.Attempts, new { campaignId }, cancellationToken: ct)),
                Agents = string.Join("; ", await db.QueryAsync<string>(new CommandDefinition(AgentsSql, cancellationToken: ct))),
                Contacts = string.Join("; ", await db.QueryAsync<string>(new CommandDefinition(ContactsSql, new { campaignId }, cancellationToken: ct))),
                WorkerTail = worker.Tail,
                WorkFolder = keep || !dialed ? work : null,
            };
            progress?.WriteLine(first is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"campaign {campaignId} (zone {zone}, {simulatedAgents?.ToString(CultureInfo.InvariantCulture) ?? "default"} simulated agents): first call {s:0.00} s after the start")
                : $"campaign {campaignId} (zone {zone}, {simulatedAgents?.ToString(CultureInfo.InvariantCulture) ?? "default"} simulated agents): no call within {limit.TotalSeconds:0} s; agents {result.Agents}; contacts {result.Contacts}; kept {work}");
            return result;
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
            if (!keep && dialed)
            {
                CrashBench.TryDelete(work);
            }
        }
    }

    private const string AgentsSql = """
        SELECT COALESCE(u.sip_username, u.id) || ' ' || s.state || ' v' || s.version || ' ' || s.campaigns_json
        FROM agent_states s JOIN users u ON u.id = s.agent_id ORDER BY u.id
        """;

    private const string ContactsSql = """
        SELECT state || ' ' || COUNT(*) || ' (next_eligible_at max ' || MAX(next_eligible_at) || ')'
        FROM contacts WHERE campaign_id = @campaignId GROUP BY state
        """;

    /// <summary>The Worker as scripts/run starts it without a trunk: defaults but for the data folder and its id.</summary>
    private static Dictionary<string, string> WorkerEnvironment(string dataDir, int? simulatedAgents)
    {
        var env = new Dictionary<string, string>
        {
            ["DIALER_DATA_DIR"] = dataDir,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Information",
            ["Dialing__WorkerId"] = "start-worker",
            ["Telephony__Trunk__Host"] = "",
        };
        if (simulatedAgents is { } agents)
        {
            env["Dialing__SimulatedAgents"] = agents.ToString(CultureInfo.InvariantCulture);
        }

        return env;
    }
}
