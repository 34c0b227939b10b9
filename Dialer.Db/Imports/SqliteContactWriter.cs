using Dialer.Db.Model;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Dialer.Db.Imports;

/// <summary>
/// SQLite bulk path: statements prepared once and re-bound for every row (parameters, never text), 32 rows
/// per INSERT, in large IMMEDIATE transactions committed at each checkpoint; the WAL is copied into the main
/// file on another connection while the next transaction is written, not inside the commit. Every INSERT is
/// OR IGNORE, so that no statement can fail halfway and SQLite keeps no statement journal (which would copy
/// each index page a statement touches). A 32-row statement that inserts fewer rows met numbers inserted
/// meanwhile by someone else; its rows are looked up to know which.
/// </summary>
internal sealed class SqliteContactWriter : IContactWriter
{
    private const int RowsPerStatement = 32;

    private const string InsertContact = $"""
        INSERT OR IGNORE INTO contacts (campaign_id, list_id, phone, name, time_zone, account_id, custom_json, state, created_at, updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '{ContactState.New}', ?8, ?8)
        """;

    // Values per row: phone, name, time_zone, account_id, custom_json (?1…?160); then campaign, list, now.
    private static readonly string InsertContacts =
        "INSERT OR IGNORE INTO contacts (campaign_id, list_id, phone, name, time_zone, account_id, custom_json, state, created_at, updated_at) VALUES "
        + string.Join(", ", Enumerable.Range(0, RowsPerStatement).Select(r =>
            $"(?{(RowsPerStatement * 5) + 1}, ?{(RowsPerStatement * 5) + 2}, ?{(r * 5) + 1}, ?{(r * 5) + 2}, ?{(r * 5) + 3}, ?{(r * 5) + 4}, ?{(r * 5) + 5}, '{ContactState.New}', ?{(RowsPerStatement * 5) + 3}, ?{(RowsPerStatement * 5) + 3})"));

    private const string ListOf = "SELECT list_id FROM contacts WHERE campaign_id = ?1 AND phone = ?2";

    private const string InsertError = "INSERT OR REPLACE INTO import_errors (import_id, row_number, kind, reason, raw, code, reason_zh) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

    private const string Progress = "UPDATE imports SET total = ?2, imported = ?3, duplicates = ?4, invalid = ?5, dnc = ?6 WHERE id = ?1";

    private const string Complete = $"UPDATE imports SET status = '{ImportStatus.Completed}', completed_at = ?2 WHERE id = ?1";

    private static readonly TimeSpan BetweenTransactions = TimeSpan.FromMilliseconds(20);

    private readonly SqliteConnection connection;
    private readonly sqlite3 handle;
    private readonly sqlite3_stmt insert;
    private readonly sqlite3_stmt insertMany;
    private readonly sqlite3_stmt listOf;
    private readonly sqlite3_stmt error;
    private readonly sqlite3_stmt progress;
    private readonly sqlite3_stmt complete;
    private readonly DbConnectionFactory db;
    private Task walCopy = Task.CompletedTask;
    private readonly long campaignId;
    private readonly long listId;
    private bool inTransaction;

    private SqliteContactWriter(DbConnectionFactory db, SqliteConnection connection, long importId, long campaignId, long listId, long now)
    {
        this.connection = connection;
        handle = connection.Handle!;
        this.campaignId = campaignId;
        this.listId = listId;
        this.db = db;
        // Hot index pages stay in 32 MiB; the table pages, written once, go out to the WAL.
        Exec("PRAGMA cache_size = -32768");
        // Commits here do not copy the WAL into the main file (the automatic checkpoint would, on the writer's
        // time); CheckpointAsync does that beside the writing instead.
        Exec("PRAGMA wal_autocheckpoint = 0");
        // Foreign keys are checked once per transaction below (campaign and list exist while we hold the
        // write lock) instead of twice per row.
        Exec("PRAGMA foreign_keys = OFF");
        insert = Prepare(InsertContact);
        insertMany = Prepare(InsertContacts);
        listOf = Prepare(ListOf);
        error = Prepare(InsertError);
        progress = Prepare(Progress);
        complete = Prepare(Complete);
        Check(raw.sqlite3_bind_int64(insert, 1, campaignId));
        Check(raw.sqlite3_bind_int64(insert, 2, listId));
        Check(raw.sqlite3_bind_int64(insert, 8, now));
        Check(raw.sqlite3_bind_int64(listOf, 1, campaignId));
        Check(raw.sqlite3_bind_int64(insertMany, (RowsPerStatement * 5) + 1, campaignId));
        Check(raw.sqlite3_bind_int64(insertMany, (RowsPerStatement * 5) + 2, listId));
        Check(raw.sqlite3_bind_int64(insertMany, (RowsPerStatement * 5) + 3, now));
        Check(raw.sqlite3_bind_int64(error, 1, importId));
        Check(raw.sqlite3_bind_int64(progress, 1, importId));
        Check(raw.sqlite3_bind_int64(complete, 1, importId));
        Begin();
    }

    public static async Task<SqliteContactWriter> OpenAsync(DbConnectionFactory db, long importId, long campaignId, long listId, long now, CancellationToken ct)
    {
        var connection = (SqliteConnection)await db.OpenAsync(ct);
        try
        {
            return new SqliteContactWriter(db, connection, importId, campaignId, listId, now);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void Insert(ImportChunk chunk, List<int> rows, List<int> conflicts)
    {
        var utf8 = chunk.Utf8;
        var full = rows.Count - (rows.Count % RowsPerStatement);
        for (var start = 0; start < full; start += RowsPerStatement)
        {
            for (var k = 0; k < RowsPerStatement; k++)
            {
                Bind(insertMany, k * 5, chunk.Rows[rows[start + k]], utf8);
            }

            Step(insertMany);
            if (raw.sqlite3_changes(handle) != RowsPerStatement)
            {
                FindConflicts(chunk, rows, start, conflicts);
            }
        }

        InsertOneByOne(chunk, rows, full, rows.Count - full, conflicts);
    }

    private void InsertOneByOne(ImportChunk chunk, List<int> rows, int start, int count, List<int> conflicts)
    {
        var utf8 = chunk.Utf8;
        for (var k = start; k < start + count; k++)
        {
            Bind(insert, 2, chunk.Rows[rows[k]], utf8);
            Step(insert);
            if (raw.sqlite3_changes(handle) != 1)
            {
                conflicts.Add(rows[k]);
            }
        }
    }

    /// <summary>
    /// Rows of one statement that were not inserted: their number is in the campaign under another list (or
    /// none). Within this import every number is unique (the importer drops repeats before the writer).
    /// </summary>
    private void FindConflicts(ImportChunk chunk, List<int> rows, int start, List<int> conflicts)
    {
        var utf8 = chunk.Utf8;
        for (var k = start; k < start + RowsPerStatement; k++)
        {
            Text(listOf, 2, chunk.Rows[rows[k]].PhoneUtf8, utf8);
            var rc = raw.sqlite3_step(listOf);
            var ours = rc == raw.SQLITE_ROW && raw.sqlite3_column_type(listOf, 0) == raw.SQLITE_INTEGER && raw.sqlite3_column_int64(listOf, 0) == listId;
            raw.sqlite3_reset(listOf);
            if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
            {
                Check(rc);
            }

            if (!ours)
            {
                conflicts.Add(rows[k]);
            }
        }
    }

    /// <summary>Binds the row's five values at parameters offset+1 … offset+5.</summary>
    private void Bind(sqlite3_stmt stmt, int offset, in ContactRow row, ReadOnlySpan<byte> utf8)
    {
        Text(stmt, offset + 1, row.PhoneUtf8, utf8);
        Text(stmt, offset + 2, row.Name, utf8);
        Text(stmt, offset + 3, row.TimeZone, utf8);
        Text(stmt, offset + 4, row.Account, utf8);
        Text(stmt, offset + 5, row.CustomJson, utf8);
    }

    public void Error(in RowError e)
    {
        Check(raw.sqlite3_bind_int64(error, 2, e.Line));
        Text(error, 3, e.Kind);
        Text(error, 4, e.Reason);
        Text(error, 5, e.Raw);
        Text(error, 6, e.Code);
        Text(error, 7, e.ReasonZh);
        Step(error);
    }

    public async Task CheckpointAsync(ImportCounts counts, long? completedAt, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Check(raw.sqlite3_bind_int64(progress, 2, counts.Total));
        Check(raw.sqlite3_bind_int64(progress, 3, counts.Imported));
        Check(raw.sqlite3_bind_int64(progress, 4, counts.Duplicates));
        Check(raw.sqlite3_bind_int64(progress, 5, counts.Invalid));
        Check(raw.sqlite3_bind_int64(progress, 6, counts.Dnc));
        Step(progress);
        if (completedAt is { } at)
        {
            Check(raw.sqlite3_bind_int64(complete, 2, at));
            Step(complete);
        }

        // One copy of the WAL into the main file at a time: the one started at the previous checkpoint ends first.
        await walCopy;
        Exec("COMMIT");
        inTransaction = false;
        if (completedAt is not null)
        {
            // The import is complete and visible; its pages go into the main file before the writer lets go. A
            // copy that fails here costs nothing but time: the next automatic checkpoint copies them.
            try
            {
                await CopyWalAsync(ct);
            }
            catch (SqliteException)
            {
            }

            return;
        }

        // The copy runs on another connection while the next transaction is written.
        walCopy = Task.Run(() => CopyWalAsync(ct), ct);
        // A breath between transactions lets a writer waiting on busy_timeout (the Worker) take the lock.
        await Task.Delay(BetweenTransactions, ct);
        Begin();
    }

    /// <summary>A passive checkpoint: copies committed WAL pages into the main file without blocking readers or the writer.</summary>
    private async Task CopyWalAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var command = c.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (inTransaction)
        {
            raw.sqlite3_exec(handle, "ROLLBACK");
        }

        raw.sqlite3_finalize(insert);
        raw.sqlite3_finalize(insertMany);
        raw.sqlite3_finalize(listOf);
        raw.sqlite3_finalize(error);
        raw.sqlite3_finalize(progress);
        raw.sqlite3_finalize(complete);
        await walCopy.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        raw.sqlite3_exec(handle, "PRAGMA cache_size = -2000");
        raw.sqlite3_exec(handle, "PRAGMA foreign_keys = ON");
        raw.sqlite3_exec(handle, "PRAGMA wal_autocheckpoint = 1000");
        await connection.DisposeAsync();
    }

    private void Begin()
    {
        Exec("BEGIN IMMEDIATE");
        inTransaction = true;
        Check(raw.sqlite3_prepare_v2(handle, "SELECT (SELECT COUNT(*) FROM campaigns WHERE id = ?1) + (SELECT COUNT(*) FROM call_lists WHERE id = ?2 AND campaign_id = ?1)", out var parents));
        try
        {
            Check(raw.sqlite3_bind_int64(parents, 1, campaignId));
            Check(raw.sqlite3_bind_int64(parents, 2, listId));
            if (raw.sqlite3_step(parents) != raw.SQLITE_ROW || raw.sqlite3_column_int64(parents, 0) != 2)
            {
                throw new InvalidDataException($"campaign {campaignId} or its call list {listId} no longer exists");
            }
        }
        finally
        {
            raw.sqlite3_finalize(parents);
        }
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(handle, sql, out var stmt));
        return stmt;
    }

    private void Text(sqlite3_stmt stmt, int index, Utf8Text value, ReadOnlySpan<byte> utf8) =>
        Check(value.IsNull ? raw.sqlite3_bind_null(stmt, index) : raw.sqlite3_bind_text(stmt, index, value.In(utf8)));

    private void Text(sqlite3_stmt stmt, int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(stmt, index) : raw.sqlite3_bind_text(stmt, index, value));

    private void Step(sqlite3_stmt stmt)
    {
        var rc = raw.sqlite3_step(stmt);
        raw.sqlite3_reset(stmt);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
    }

    private void Exec(string sql) => Check(raw.sqlite3_exec(handle, sql));

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(handle).utf8_to_string(), rc);
        }
    }
}
