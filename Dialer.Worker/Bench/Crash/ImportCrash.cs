using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Dialer.Worker.Bench.Crash;

/// <summary>What happened to an import whose Api was killed with SIGKILL while it ran, after the Api was started again.</summary>
public sealed record ImportCrashResult
{
    public int Rows { get; init; }

    /// <summary>Seconds from the upload's answer to the kill.</summary>
    public double KilledAfterSeconds { get; init; }

    /// <summary>The import's status in the database right after the kill (running: the kill came in the middle).</summary>
    public string StatusAtKill { get; init; } = "";

    /// <summary>Bytes of the WAL file when the kill came (rows written but not committed go there).</summary>
    public long WalBytesAtKill { get; init; }

    /// <summary>Contacts of the campaign visible (committed) right after the kill.</summary>
    public long ContactsAtKill { get; init; }

    /// <summary>completed or failed (or still running/queued when the restarted Api did not finish it in time).</summary>
    public string Outcome { get; init; } = "";

    public string? Error { get; init; }

    public long Total { get; init; }

    public long Imported { get; init; }

    public long Duplicates { get; init; }

    public long Invalid { get; init; }

    public long Dnc { get; init; }

    /// <summary>Contacts of the campaign after the restart.</summary>
    public long Contacts { get; init; }

    /// <summary>Contacts of the campaign not in the import's final list (left over from the killed run).</summary>
    public long ContactsOutsideList { get; init; }

    /// <summary>import_errors rows of the import after the restart.</summary>
    public long ErrorRows { get; init; }

    /// <summary>call_lists rows of the campaign (a re-run makes a new list; the killed run's stays, empty).</summary>
    public long Lists { get; init; }

    /// <summary>Seconds from the restart of the Api until the import was completed or failed.</summary>
    public double FinishedAfterRestartSeconds { get; init; }

    public bool KilledMidImport => StatusAtKill is "running" or "queued";

    /// <summary>What does not hold: completed with counts that add up and exactly its rows, or failed with nothing left.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!KilledMidImport)
        {
            problems.Add($"the kill came too late: the import was already {StatusAtKill}");
        }

        switch (Outcome)
        {
            case "completed":
                if (Total != Rows)
                {
                    problems.Add($"completed with total {Total}, the file has {Rows} rows");
                }

                if (Imported + Duplicates + Invalid + Dnc != Total)
                {
                    problems.Add($"counts do not add up: imported {Imported} + duplicates {Duplicates} + invalid {Invalid} + dnc {Dnc} != total {Total}");
                }

                if (Contacts != Imported)
                {
                    problems.Add($"{Contacts} contacts in the campaign, the import says {Imported}");
                }

                if (ContactsOutsideList != 0)
                {
                    problems.Add($"{ContactsOutsideList} contacts outside the import's list (left by the killed run)");
                }

                if (ErrorRows != Total - Imported)
                {
                    problems.Add($"{ErrorRows} error rows, expected {Total - Imported}");
                }

                break;
            case "failed":
                if (Contacts != 0 || ErrorRows != 0)
                {
                    problems.Add($"failed but left {Contacts} contacts and {ErrorRows} error rows");
                }

                break;
            default:
                problems.Add($"the import did not finish after the restart: {Outcome}");
                break;
        }

        return problems;
    }
}

/// <summary>
/// The Api killed with SIGKILL during a large import: starts the real Api on a fresh data folder, uploads a list,
/// kills the Api once the import is running and has written rows (its WAL grows: nothing is committed before the
/// end of a list smaller than one commit), starts it again on the same folder, and reads what became of the import.
/// </summary>
public sealed class ImportCrash(BuildOutputs build, TextWriter? progress = null)
{
    /// <summary>WAL growth after the import started running that counts as rows written.</summary>
    private const long ProgressBytes = 2L << 20;

    public async Task<ImportCrashResult> RunAsync(int rows, bool keep, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("dialer-import-crash-").FullName;
        var dataDir = Path.Combine(work, "data");
        Directory.CreateDirectory(dataDir);
        var dbFile = Path.Combine(dataDir, "dialer.db");
        var port = DialerProcess.FreePort();
        var env = CrashBench.ApiEnvironment(dataDir);
        var api = DialerProcess.Start("api", build.ApiDll, ["--urls", $"http://127.0.0.1:{port}"], env, Path.Combine(work, "api-1.log"));
        try
        {
            using var client = CrashApiClient.For(port, CrashBench.AdminKey);
            await client.WaitHealthyAsync(api, TimeSpan.FromSeconds(60), ct);
            var campaignId = await client.CreateCampaignAsync("Import crash", "Asia/Shanghai", 3, ct);
            var csv = Path.Combine(work, "contacts.csv");
            CrashContacts.Write(csv, rows, "Asia/Shanghai", invalidEvery: 97, duplicateEvery: 101);
            var importId = await client.ImportAsync(campaignId, csv, ct);
            var sinceUpload = Stopwatch.StartNew();

            // Running, then rows written (the WAL grows), then the kill.
            long walAtStart = -1;
            var running = new Stopwatch();
            while (sinceUpload.Elapsed < TimeSpan.FromSeconds(60))
            {
                var report = await client.GetImportAsync(importId, ct);
                if (report.Status is "completed" or "failed")
                {
                    break;
                }

                if (report.Status == "running")
                {
                    if (walAtStart < 0)
                    {
                        walAtStart = WalBytes(dbFile);
                        running.Start();
                    }
                    else if (WalBytes(dbFile) - walAtStart >= ProgressBytes || report.Total > 0 || running.Elapsed > TimeSpan.FromMilliseconds(200))
                    {
                        break;
                    }
                }

                await Task.Delay(10, ct);
            }

            var walAtKill = WalBytes(dbFile);
            await api.KillAsync();
            var killedAfter = sinceUpload.Elapsed.TotalSeconds;
            string statusAtKill;
            long contactsAtKill;
            await using (var db = CrashChecks.OpenReadOnly(dbFile))
            {
                statusAtKill = await db.ExecuteScalarAsync<string>(new CommandDefinition(Sql.Status, new { importId }, cancellationToken: ct)) ?? "";
                contactsAtKill = await db.ExecuteScalarAsync<long>(new CommandDefinition(Sql.Contacts, new { campaignId }, cancellationToken: ct));
            }

            progress?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Api killed {killedAfter:0.00} s after the upload of {rows} rows: import {statusAtKill}, WAL {walAtKill / 1e6:0.0} MB, {contactsAtKill} contacts committed; restarting the Api"));
            await api.DisposeAsync();
            SqliteConnection.ClearAllPools();

            api = DialerProcess.Start("api", build.ApiDll, ["--urls", $"http://127.0.0.1:{port}"], env, Path.Combine(work, "api-2.log"));
            var restarted = Stopwatch.StartNew();
            await client.WaitHealthyAsync(api, TimeSpan.FromSeconds(60), ct);
            ImportReport final;
            try
            {
                final = await client.WaitImportAsync(importId, TimeSpan.FromMinutes(3), ct);
            }
            catch (TimeoutException)
            {
                final = await client.GetImportAsync(importId, ct);
            }

            var finishedAfter = restarted.Elapsed.TotalSeconds;
            await using var check = CrashChecks.OpenReadOnly(dbFile);
            var args = new { importId, campaignId, listId = final.ListId ?? -1 };
            Task<long> Count(string sql) => check.ExecuteScalarAsync<long>(new CommandDefinition(sql, args, cancellationToken: ct));
            return new ImportCrashResult
            {
                Rows = rows,
                KilledAfterSeconds = killedAfter,
                StatusAtKill = statusAtKill,
                WalBytesAtKill = walAtKill,
                ContactsAtKill = contactsAtKill,
                Outcome = final.Status,
                Error = final.Error,
                Total = final.Total,
                Imported = final.Imported,
                Duplicates = final.Duplicates,
                Invalid = final.Invalid,
                Dnc = final.Dnc,
                Contacts = await Count(Sql.Contacts),
                ContactsOutsideList = await Count(Sql.ContactsOutsideList),
                ErrorRows = await Count(Sql.ErrorRows),
                Lists = await Count(Sql.Lists),
                FinishedAfterRestartSeconds = finishedAfter,
            };
        }
        finally
        {
            await api.DisposeAsync();
            SqliteConnection.ClearAllPools();
            if (!keep)
            {
                CrashBench.TryDelete(work);
            }
        }
    }

    private static long WalBytes(string dbFile) => new FileInfo(dbFile + "-wal") is { Exists: true } wal ? wal.Length : 0;

    internal static class Sql
    {
        public const string Status = "SELECT status FROM imports WHERE id = @importId";

        public const string Contacts = "SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaignId";

        public const string ContactsOutsideList = """
            SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaignId AND (list_id IS NULL OR list_id <> @listId)
            """;

        public const string ErrorRows = "SELECT COUNT(*) FROM import_errors WHERE import_id = @importId";

        public const string Lists = "SELECT COUNT(*) FROM call_lists WHERE campaign_id = @campaignId";
    }
}
