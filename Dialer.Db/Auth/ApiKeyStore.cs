using Dapper;

namespace Dialer.Db.Auth;

public sealed record ApiKeyRow(long Id, string Name, string Role, string KeyPrefix, long CreatedAt, long? RevokedAt, long? LastUsedAt);

public sealed class ApiKeyStore(DbConnectionFactory db, TimeProvider time)
{
    public async Task<ApiKeyRow> CreateAsync(string name, string role, string key, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Sql(Sql.Insert),
            new { name, role, keyPrefix = key[..Math.Min(key.Length, 8)], keyHash = Secrets.HashToken(key), createdAt = now },
            cancellationToken: ct));
        return new ApiKeyRow(id, name, role, key[..Math.Min(key.Length, 8)], now, null, null);
    }

    /// <summary>The active key with this value, or null. Records the time of use (at most once a minute).</summary>
    public async Task<ApiKeyRow?> FindActiveAsync(string key, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            Sql.FindActive, new { keyHash = Secrets.HashToken(key) }, cancellationToken: ct));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (row is not null && (row.LastUsedAt is null || now - row.LastUsedAt > 60_000))
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.Touch, new { id = row.Id, now }, cancellationToken: ct));
        }

        return row;
    }

    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<ApiKeyRow>(new CommandDefinition(Sql.List, cancellationToken: ct))).AsList();
    }

    /// <summary>Revokes a key; false when there is no such active key.</summary>
    public async Task<bool> RevokeAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            Sql.Revoke, new { id, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> AnyActiveAdminAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(Sql.CountActiveAdmins, cancellationToken: ct)) > 0;
    }

    /// <summary>Makes sure an active admin key with this value exists (DIALER_BOOTSTRAP_ADMIN_KEY).</summary>
    public async Task EnsureAsync(string key, string name, string role, CancellationToken ct)
    {
        if (await FindActiveAsync(key, ct) is null)
        {
            await CreateAsync(name, role, key, ct);
        }
    }

    private static class Sql
    {
        private const string Columns = "id, name, role, key_prefix, created_at, revoked_at, last_used_at";

        public static readonly DialectSql Insert = new(
            Sqlite: """
                INSERT INTO api_keys (name, role, key_prefix, key_hash, created_at)
                VALUES (@name, @role, @keyPrefix, @keyHash, @createdAt) RETURNING id
                """,
            SqlServer: """
                INSERT INTO api_keys (name, role, key_prefix, key_hash, created_at) OUTPUT INSERTED.id
                VALUES (@name, @role, @keyPrefix, @keyHash, @createdAt)
                """,
            Postgres: """
                INSERT INTO api_keys (name, role, key_prefix, key_hash, created_at)
                VALUES (@name, @role, @keyPrefix, @keyHash, @createdAt) RETURNING id
                """);

        public const string FindActive = $"SELECT {Columns} FROM api_keys WHERE key_hash = @keyHash AND revoked_at IS NULL";

        public const string Touch = "UPDATE api_keys SET last_used_at = @now WHERE id = @id";

        public const string List = $"SELECT {Columns} FROM api_keys ORDER BY id";

        public const string Revoke = "UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL";

        public const string CountActiveAdmins = "SELECT COUNT(*) FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL";
    }
}
