using Dapper;

namespace Dialer.Db.Maintenance;

/// <summary>
/// Deletes Idempotency-Keys and sign-in sessions past their time, <see cref="BatchSize"/> rows per statement.
/// Each statement commits on its own, so a large purge takes the SQLite write lock many times briefly instead
/// of once for long: an import or the engine waiting on the same file gets its turn between batches.
/// </summary>
public sealed class HousekeepingStore(DbConnectionFactory db)
{
    /// <summary>Rows deleted per statement.</summary>
    internal const int BatchSize = 5_000;

    /// <summary>Deletes the Idempotency-Keys created before <paramref name="createdBefore"/> (epoch ms); answers how many.</summary>
    public Task<int> PurgeIdempotencyKeysAsync(long createdBefore, CancellationToken ct) =>
        PurgeAsync(
            db.Sql(Sql.PurgeIdempotencyKeys),
            new { before = createdBefore, limit = BatchSize },
            ct);

    /// <summary>Deletes the sessions expired at <paramref name="now"/> (epoch ms); answers how many.</summary>
    public Task<int> PurgeExpiredSessionsAsync(long now, CancellationToken ct) =>
        PurgeAsync(
            db.Sql(Sql.PurgeSessions),
            new { now, limit = BatchSize },
            ct);

    /// <summary>Runs the batch statement until one deletes less than a full batch.</summary>
    private async Task<int> PurgeAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var total = 0;
        while (true)
        {
            var deleted = await c.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
            total += deleted;
            if (deleted < BatchSize)
            {
                return total;
            }
        }
    }

    private static class Sql
    {
        // Neither SQLite (unless built with it) nor PostgreSQL has DELETE … LIMIT: the batch is chosen by the row's
        // address (rowid, ctid) in a subquery. SQL Server deletes TOP (n).
        public static readonly DialectSql PurgeIdempotencyKeys = new(
            Sqlite: """
                DELETE FROM idempotency_keys
                WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE created_at < @before LIMIT @limit)
                """,
            SqlServer: """
                DELETE TOP (@limit) FROM idempotency_keys WHERE created_at < @before
                """,
            Postgres: """
                DELETE FROM idempotency_keys
                WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < @before LIMIT @limit)
                """);

        // A session is valid while expires_at > now (UserStore.FindBySession): expired is the rest.
        public static readonly DialectSql PurgeSessions = new(
            Sqlite: """
                DELETE FROM user_sessions
                WHERE rowid IN (SELECT rowid FROM user_sessions WHERE expires_at <= @now LIMIT @limit)
                """,
            SqlServer: """
                DELETE TOP (@limit) FROM user_sessions WHERE expires_at <= @now
                """,
            Postgres: """
                DELETE FROM user_sessions
                WHERE ctid IN (SELECT ctid FROM user_sessions WHERE expires_at <= @now LIMIT @limit)
                """);
    }
}
