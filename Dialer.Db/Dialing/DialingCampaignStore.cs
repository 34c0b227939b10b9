using Dapper;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;

namespace Dialer.Db.Dialing;

/// <summary>A campaign's status and version, read often by the worker.</summary>
public sealed record CampaignPulse
{
    public long Id { get; init; }

    public string Status { get; init; } = "";

    public long Version { get; init; }
}

/// <summary>What the worker reads about campaigns: which run, and their definitions; simulated demo agents.</summary>
public sealed class DialingCampaignStore(DbConnectionFactory db, TimeProvider time)
{
    public async Task<IReadOnlyList<CampaignPulse>> PulsesAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<CampaignPulse>(new CommandDefinition(Sql.Pulses, cancellationToken: ct))];
    }

    public async Task<CampaignPulse?> PulseAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<CampaignPulse>(new CommandDefinition(Sql.Pulse, new { id }, cancellationToken: ct));
    }

    public async Task<(CampaignPulse Pulse, CampaignDefinition Definition)?> LoadAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        // Properties, not a tuple: Dapper converts INT (SQL Server) and INTEGER (SQLite) alike into them.
        var row = await c.QuerySingleOrDefaultAsync<CampaignRow>(new CommandDefinition(Sql.Load, new { id }, cancellationToken: ct));
        if (row is null)
        {
            return null;
        }

        return (new CampaignPulse { Id = row.Id, Status = row.Status, Version = row.Version }, CampaignJson.Deserialize(row.ConfigJson));
    }

    /// <summary>Moves a campaign's status by compare-and-set (scheduled start and stop).</summary>
    public async Task<bool> SetStatusAsync(long id, string from, string to, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return await c.ExecuteAsync(new CommandDefinition(Sql.SetStatus, new { id, from, to, now }, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// Users for the demo's simulated agents (role agent, a password hash nothing matches), created once, named
    /// <paramref name="usernamePrefix"/> and a two-digit number. Returns their ids.
    /// </summary>
    public async Task<IReadOnlyList<long>> EnsureSimulatedAgentsAsync(int count, string usernamePrefix, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var ids = new List<long>();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 1; i <= count; i++)
        {
            var username = $"{usernamePrefix}{i:D2}";
            var id = await c.ExecuteScalarAsync<long?>(new CommandDefinition(Sql.FindUser, new { username }, cancellationToken: ct))
                     ?? await c.ExecuteScalarAsync<long>(new CommandDefinition(
                         db.Sql(Sql.InsertUser),
                         new { username, displayName = $"Simulated agent {i}", role = Roles.Agent, now }, cancellationToken: ct));
            ids.Add(id);
        }

        return ids;
    }

    private sealed record CampaignRow
    {
        public long Id { get; init; }

        public string Status { get; init; } = "";

        public long Version { get; init; }

        public string ConfigJson { get; init; } = "";
    }

    internal static class Sql
    {
        public const string Pulses =
            $"SELECT id, status, version FROM campaigns WHERE status IN ('{CampaignStatus.Running}', '{CampaignStatus.Paused}', '{CampaignStatus.Draft}')";
        public const string Pulse = "SELECT id, status, version FROM campaigns WHERE id = @id";
        public const string Load = "SELECT id, status, version, config_json FROM campaigns WHERE id = @id";

        public const string SetStatus = """
            UPDATE campaigns SET status = @to, status_changed_at = @now, updated_at = @now
            WHERE id = @id AND status = @from
            """;

        public const string FindUser = "SELECT id FROM users WHERE username = @username";

        private const string UserValues = "(@username, @displayName, @role, '!simulated', @now)";
        public static readonly DialectSql InsertUser = new(
            Sqlite: $"INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES {UserValues} RETURNING id",
            SqlServer: $"INSERT INTO users (username, display_name, role, password_hash, created_at) OUTPUT INSERTED.id VALUES {UserValues}",
            Postgres: $"INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES {UserValues} RETURNING id");
    }
}
