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
            db.Dialect == SqlDialect.Sqlite ? Sql.PurgeIdempotencyKeysSqlite : Sql.PurgeIdempotencyKeysSqlServer,
            new { before = createdBefore, limit = BatchSize },
            ct);

    /// <summary>Deletes the sessions expired at <paramref name="now"/> (epoch ms); answers how many.</summary>
    public Task<int> PurgeExpiredSessionsAsync(long now, CancellationToken ct) =>
        PurgeAsync(
            db.Dialect == SqlDialect.Sqlite ? Sql.PurgeSessionsSqlite : Sql.PurgeSessionsSqlServer,
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
        // SQLite has no DELETE … LIMIT unless built with it: the batch is chosen by rowid.
        public const string PurgeIdempotencyKeysSqlite = """
            DELETE FROM idempotency_keys
            WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE created_at < @before LIMIT @limit)
            """;

        public const string PurgeIdempotencyKeysSqlServer = """
            DELETE TOP (@limit) FROM idempotency_keys WHERE created_at < @before
            """;

        // A session is valid while expires_at > now (UserStore.FindBySession): expired is the rest.
        public const string PurgeSessionsSqlite = """
            DELETE FROM user_sessions
            WHERE rowid IN (SELECT rowid FROM user_sessions WHERE expires_at <= @now LIMIT @limit)
            """;

        public const string PurgeSessionsSqlServer = """
            DELETE TOP (@limit) FROM user_sessions WHERE expires_at <= @now
            """;
    }
}
