using Dapper;

namespace Dialer.Db.Auth;

public sealed record ApiKeyRow(long Id, string Name, string Role, string KeyPrefix, long CreatedAt, long? RevokedAt, long? LastUsedAt)
{
    /// <summary>The campaigns a billing key may use (its grants); filled by <see cref="ApiKeyStore.ListAsync"/> and the writes.</summary>
    public IReadOnlyList<long> CampaignIds { get; init; } = [];
}

public sealed class ApiKeyStore(DbConnectionFactory db, TimeProvider time)
{
    /// <summary>Creates a key with its campaign grants (billing keys; ids must exist, see <see cref="MissingCampaignsAsync"/>).</summary>
    public async Task<ApiKeyRow> CreateAsync(string name, string role, string key, IReadOnlyCollection<long>? campaignIds, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Sql(Sql.Insert),
            new { name, role, keyPrefix = key[..Math.Min(key.Length, 8)], keyHash = Secrets.HashToken(key), createdAt = now },
            tx,
            cancellationToken: ct));
        var granted = await InsertGrantsAsync(c, tx, id, campaignIds ?? [], now, ct);
        await tx.CommitAsync(ct);
        return new ApiKeyRow(id, name, role, key[..Math.Min(key.Length, 8)], now, null, null) { CampaignIds = granted };
    }

    public Task<ApiKeyRow> CreateAsync(string name, string role, string key, CancellationToken ct) => CreateAsync(name, role, key, null, ct);

    /// <summary>
    /// Replaces the campaigns an active key may use; null when there is no such active key. Reminders already
    /// submitted stay; the key only cannot submit into a campaign taken away.
    /// </summary>
    public async Task<ApiKeyRow?> SetCampaignsAsync(long id, IReadOnlyCollection<long> campaignIds, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(Sql.FindActiveById, new { id }, tx, cancellationToken: ct));
        if (row is null)
        {
            return null;
        }

        await c.ExecuteAsync(new CommandDefinition(Sql.DeleteGrants, new { id }, tx, cancellationToken: ct));
        var granted = await InsertGrantsAsync(c, tx, id, campaignIds, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        await tx.CommitAsync(ct);
        return row with { CampaignIds = granted };
    }

    /// <summary>Whether the key was granted the campaign (a campaign that does not exist is never granted).</summary>
    public async Task<bool> MayUseCampaignAsync(long apiKeyId, long campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            Sql.CountGrant, new { apiKeyId, campaignId }, cancellationToken: ct)) > 0;
    }

    /// <summary>The ids among these that name no campaign, in ascending order.</summary>
    public async Task<IReadOnlyList<long>> MissingCampaignsAsync(IReadOnlyCollection<long> campaignIds, CancellationToken ct)
    {
        var wanted = campaignIds.Distinct().Order().ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        await using var c = await db.OpenAsync(ct);
        var found = new HashSet<long>();
        foreach (var chunk in wanted.Chunk(500))
        {
            found.UnionWith(await c.QueryAsync<long>(new CommandDefinition(db.Sql(Sql.ExistingCampaigns), new { ids = chunk }, cancellationToken: ct)));
        }

        return wanted.Where(id => !found.Contains(id)).ToList();
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
        var rows = await c.QueryAsync<ApiKeyRow>(new CommandDefinition(Sql.List, cancellationToken: ct));
        var grants = (await c.QueryAsync<(long ApiKeyId, long CampaignId)>(new CommandDefinition(Sql.ListGrants, cancellationToken: ct)))
            .ToLookup(g => g.ApiKeyId, g => g.CampaignId);
        return rows.Select(r => r with { CampaignIds = grants[r.Id].ToList() }).ToList();
    }

    private static async Task<IReadOnlyList<long>> InsertGrantsAsync(
        System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, long id, IReadOnlyCollection<long> campaignIds, long now, CancellationToken ct)
    {
        var ids = campaignIds.Distinct().Order().ToList();
        foreach (var campaignId in ids)
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.InsertGrant, new { id, campaignId, now }, tx, cancellationToken: ct));
        }

        return ids;
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

        public const string FindActiveById = $"SELECT {Columns} FROM api_keys WHERE id = @id AND revoked_at IS NULL";

        public const string InsertGrant = "INSERT INTO api_key_campaigns (api_key_id, campaign_id, created_at) VALUES (@id, @campaignId, @now)";

        public const string DeleteGrants = "DELETE FROM api_key_campaigns WHERE api_key_id = @id";

        public const string ListGrants = "SELECT api_key_id, campaign_id FROM api_key_campaigns ORDER BY api_key_id, campaign_id";

        public const string CountGrant = "SELECT COUNT(*) FROM api_key_campaigns WHERE api_key_id = @apiKeyId AND campaign_id = @campaignId";

        // Dapper expands the list @ids into (@ids1, @ids2, …); Npgsql takes it whole, as one array.
        public static readonly DialectSql ExistingCampaigns = new(
            Sqlite: "SELECT id FROM campaigns WHERE id IN @ids",
            SqlServer: "SELECT id FROM campaigns WHERE id IN @ids",
            Postgres: "SELECT id FROM campaigns WHERE id = ANY(@ids)");

        public const string CountActiveAdmins = "SELECT COUNT(*) FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL";
    }
}
