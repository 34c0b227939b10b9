using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Dialer.Db.Imports;

/// <summary>
/// SQLite bulk path: statements prepared once and re-bound for every row (parameters, never text), in
/// large IMMEDIATE transactions committed at each checkpoint, a large page cache while it runs.
/// </summary>
internal sealed class SqliteContactWriter : IContactWriter
{
    private const string InsertContact = """
        INSERT OR IGNORE INTO contacts (campaign_id, list_id, phone, name, time_zone, account_id, custom_json, state, created_at, updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'new', ?8, ?8)
        """;

    private const string InsertError = "INSERT OR REPLACE INTO import_errors (import_id, row_number, kind, reason, raw) VALUES (?1, ?2, ?3, ?4, ?5)";

    private const string Progress = "UPDATE imports SET total = ?2, imported = ?3, duplicates = ?4, invalid = ?5, dnc = ?6 WHERE id = ?1";

    private static readonly TimeSpan BetweenTransactions = TimeSpan.FromMilliseconds(20);

    private readonly SqliteConnection connection;
    private readonly sqlite3 handle;
    private readonly sqlite3_stmt insert;
    private readonly sqlite3_stmt error;
    private readonly sqlite3_stmt progress;
    private bool inTransaction;

    private SqliteContactWriter(SqliteConnection connection, long importId, long campaignId, long listId, long now)
    {
        this.connection = connection;
        handle = connection.Handle!;
        Exec("PRAGMA cache_size = -262144");
        insert = Prepare(InsertContact);
        error = Prepare(InsertError);
        progress = Prepare(Progress);
        Check(raw.sqlite3_bind_int64(insert, 1, campaignId));
        Check(raw.sqlite3_bind_int64(insert, 2, listId));
        Check(raw.sqlite3_bind_int64(insert, 8, now));
        Check(raw.sqlite3_bind_int64(error, 1, importId));
        Check(raw.sqlite3_bind_int64(progress, 1, importId));
        Begin();
    }

    public static async Task<SqliteContactWriter> OpenAsync(DbConnectionFactory db, long importId, long campaignId, long listId, long now, CancellationToken ct)
    {
        var connection = (SqliteConnection)await db.OpenAsync(ct);
        try
        {
            return new SqliteContactWriter(connection, importId, campaignId, listId, now);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public bool Insert(in ContactRow row, ReadOnlySpan<byte> utf8)
    {
        Text(insert, 3, row.PhoneUtf8, utf8);
        Text(insert, 4, row.Name, utf8);
        Text(insert, 5, row.TimeZone, utf8);
        Text(insert, 6, row.Account, utf8);
        Text(insert, 7, row.CustomJson, utf8);
        Step(insert);
        return raw.sqlite3_changes(handle) == 1;
    }

    public void Error(in RowError e)
    {
        Check(raw.sqlite3_bind_int64(error, 2, e.Line));
        Text(error, 3, e.Kind);
        Text(error, 4, e.Reason);
        Text(error, 5, e.Raw);
        Step(error);
    }

    public async Task CheckpointAsync(ImportCounts counts, bool last, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Check(raw.sqlite3_bind_int64(progress, 2, counts.Total));
        Check(raw.sqlite3_bind_int64(progress, 3, counts.Imported));
        Check(raw.sqlite3_bind_int64(progress, 4, counts.Duplicates));
        Check(raw.sqlite3_bind_int64(progress, 5, counts.Invalid));
        Check(raw.sqlite3_bind_int64(progress, 6, counts.Dnc));
        Step(progress);
        Exec("COMMIT");
        inTransaction = false;
        if (!last)
        {
            // A breath between transactions lets a writer waiting on busy_timeout (the Worker) take the lock.
            await Task.Delay(BetweenTransactions, ct);
            Begin();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (inTransaction)
        {
            raw.sqlite3_exec(handle, "ROLLBACK");
        }

        raw.sqlite3_finalize(insert);
        raw.sqlite3_finalize(error);
        raw.sqlite3_finalize(progress);
        raw.sqlite3_exec(handle, "PRAGMA cache_size = -2000");
        await connection.DisposeAsync();
    }

    private void Begin()
    {
        Exec("BEGIN IMMEDIATE");
        inTransaction = true;
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
