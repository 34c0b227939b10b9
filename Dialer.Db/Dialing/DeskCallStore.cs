using Dapper;
using Dialer.Db.Model;

namespace Dialer.Db.Dialing;

/// <summary>An agent of a campaign as a transfer from the desk may reach it: name, state and since when.</summary>
public sealed record TransferTarget
{
    public long AgentId { get; init; }

    public string Name { get; init; } = "";

    public string State { get; init; } = AgentStates.LoggedOut;

    public long Since { get; init; }

    /// <summary>Ready: the agent can take a transfer or a consultation now.</summary>
    public bool Available => State == AgentStates.Ready;
}

/// <summary>A contact of a campaign found for a manual dial from the desk.</summary>
public sealed record ManualDialContact
{
    public long Id { get; init; }

    public long CampaignId { get; init; }

    public string Phone { get; init; } = "";

    public string? Name { get; init; }

    public string? AccountId { get; init; }

    public string TimeZone { get; init; } = "";

    public string State { get; init; } = "";

    public long Attempts { get; init; }
}

/// <summary>
/// What the desk's transfers and manual dial read: the agents a call can go to (signed in to its campaign) and the contacts an
/// agent may dial by hand (by name or number).
/// </summary>
public sealed class DeskCallStore(DbConnectionFactory db, AgentStateStore agents)
{
    /// <summary>At most this many contacts answer a search.</summary>
    public const int MaxFound = 20;

    /// <summary>The other agents signed in to the campaign, with their state: ready ones first, longest ready first.</summary>
    public async Task<IReadOnlyList<TransferTarget>> TargetsAsync(long campaignId, long exceptAgentId, CancellationToken ct)
    {
        var rows = (await agents.ListForCampaignAsync(campaignId, ct)).Where(r => r.AgentId != exceptAgentId).ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        await using var c = await db.OpenAsync(ct);
        var names = (await c.QueryAsync<AgentName>(new CommandDefinition(db.Sql(Sql.Names), new { ids = rows.Select(r => r.AgentId).ToArray() },
            cancellationToken: ct))).ToDictionary(n => n.Id, n => n.DisplayName);
        return [.. rows
            .Select(r => new TransferTarget { AgentId = r.AgentId, Name = names.GetValueOrDefault(r.AgentId, ""), State = r.State, Since = r.Since })
            .OrderBy(t => t.Available ? 0 : 1).ThenBy(t => t.Since).ThenBy(t => t.AgentId)];
    }

    /// <summary>Contacts of the campaign whose name or number contains <paramref name="text"/> (case aside), by name.</summary>
    public async Task<IReadOnlyList<ManualDialContact>> SearchAsync(long campaignId, string text, CancellationToken ct)
    {
        var like = "%" + text.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<ManualDialContact>(new CommandDefinition(db.Sql(Sql.Search), new { campaignId, like }, cancellationToken: ct))];
    }

    /// <summary>The campaign's contact with this number (E.164), if any.</summary>
    public async Task<ManualDialContact?> FindAsync(long campaignId, string phone, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<ManualDialContact>(new CommandDefinition(Sql.ByPhone, new { campaignId, phone }, cancellationToken: ct));
    }

    /// <summary>The contact, if it belongs to the campaign.</summary>
    public async Task<ManualDialContact?> GetAsync(long campaignId, long contactId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<ManualDialContact>(new CommandDefinition(Sql.ById, new { campaignId, contactId }, cancellationToken: ct));
    }

    // Properties, not a tuple: Dapper converts the id column's type on each dialect into them.
    private sealed record AgentName
    {
        public long Id { get; init; }

        public string DisplayName { get; init; } = "";
    }

    internal static class Sql
    {
        private const string Columns = "id, campaign_id, phone, name, account_id, time_zone, state, attempts";

        // Dapper expands the list on SQLite and SQL Server; Npgsql takes it as an array.
        public static readonly DialectSql Names = new(
            Sqlite: "SELECT id, display_name FROM users WHERE id IN @ids",
            SqlServer: "SELECT id, display_name FROM users WHERE id IN @ids",
            Postgres: "SELECT id, display_name FROM users WHERE id = ANY(@ids)");

        private const string Found = """
            FROM contacts WHERE campaign_id = @campaignId
              AND (LOWER(COALESCE(name, '')) LIKE @like ESCAPE '\' OR phone LIKE @like ESCAPE '\' OR LOWER(COALESCE(account_id, '')) LIKE @like ESCAPE '\')
            ORDER BY name, phone
            """;

        public static readonly DialectSql Search = new(
            Sqlite: $"SELECT {Columns} {Found} LIMIT {MaxFound}",
            SqlServer: $"SELECT TOP {MaxFound} {Columns} {Found}",
            Postgres: $"SELECT {Columns} {Found} LIMIT {MaxFound}");

        public const string ByPhone = $"SELECT {Columns} FROM contacts WHERE campaign_id = @campaignId AND phone = @phone";

        public const string ById = $"SELECT {Columns} FROM contacts WHERE campaign_id = @campaignId AND id = @contactId";
    }
}
