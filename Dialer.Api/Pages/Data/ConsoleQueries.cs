using Dapper;
using Dialer.Db;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Data;

public sealed record CampaignRow(long Id, string Name, string Type, string Mode, string Status, string ConfigJson, long UpdatedAt);

public sealed record CampaignLine(
    long Id,
    string Name,
    string Type,
    string Mode,
    string Status,
    long ContactsTotal,
    long ContactsLeft,
    long AttemptsToday,
    long ConnectedToday,
    long AbandonedToday,
    bool Simulated = false);

public sealed record ContactLine(
    long Id,
    string Phone,
    string? Name,
    string? AccountId,
    string TimeZone,
    string State,
    long Attempts,
    long NextEligibleAt,
    string? EligibleReason,
    string? LastOutcome,
    long? CallbackAt,
    string? CustomJson);

public sealed record ContactPage(IReadOnlyList<ContactLine> Contacts, long Total, int Page, int PageSize);

public sealed record ImportLine(
    long Id, string Kind, long? CampaignId, string? FileName, string Status,
    long Total, long Imported, long Duplicates, long Invalid, long Dnc, string? Error, string? CreatedBy, long CreatedAt, long? CompletedAt)
{
    public bool Finished => Status is "completed" or "failed";

    public long Rejected => Duplicates + Invalid + Dnc;
}

public sealed record DayCounts(long Attempts, long Connected, long Abandoned, long LiveAnswered);

/// <summary>What the console reads: campaign lists with today's figures. Read-only; writes go through the API's stores.</summary>
public sealed class ConsoleQueries(DbConnectionFactory db, TimeProvider time)
{
    public async Task<IReadOnlyList<CampaignLine>> CampaignsAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<CampaignRow>(new CommandDefinition(Sql.Campaigns, cancellationToken: ct))).AsList();
        var contacts = (await c.QueryAsync<(long CampaignId, long Total, long Left)>(
            new CommandDefinition(Sql.ContactCounts, cancellationToken: ct))).ToDictionary(r => r.CampaignId);
        var now = time.GetUtcNow();
        var list = new List<CampaignLine>(rows.Count);
        foreach (var row in rows)
        {
            var definition = CampaignConfig.Parse(row.ConfigJson);
            var zone = CampaignConfig.Zone(definition.TimeZone);
            var today = await c.QuerySingleAsync<DayCounts>(new CommandDefinition(
                Sql.DayCounts, new { campaignId = row.Id, from = CampaignConfig.StartOfDayMs(now, zone) }, cancellationToken: ct));
            contacts.TryGetValue(row.Id, out var counts);
            list.Add(new CampaignLine(row.Id, row.Name, row.Type, row.Mode, row.Status, counts.Total, counts.Left,
                today.Attempts, today.Connected, today.Abandoned, ComplianceProfile.IsSimulatedOnly(definition.ComplianceProfile)));
        }

        return list;
    }

    public async Task<CampaignRow?> CampaignAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<CampaignRow>(new CommandDefinition(Sql.Campaign, new { id }, cancellationToken: ct));
    }

    /// <summary>A page of a campaign's contacts whose name, phone or account contains the text, in import order.</summary>
    public async Task<ContactPage> ContactsAsync(long campaignId, string? search, string? state, int page, CancellationToken ct)
    {
        const int pageSize = 50;
        page = Math.Max(1, page);
        var like = string.IsNullOrWhiteSpace(search) ? null : "%" + EscapeLike(search.Trim(), db.Dialect) + "%";
        var args = new { campaignId, like, state = string.IsNullOrEmpty(state) ? null : state, skip = (page - 1) * pageSize, take = pageSize };
        await using var c = await db.OpenAsync(ct);
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(Sql.ContactCount), args, cancellationToken: ct));
        var rows = await c.QueryAsync<ContactLine>(new CommandDefinition(
            db.Sql(Sql.Contacts), args, cancellationToken: ct));
        return new ContactPage(rows.AsList(), total, page, pageSize);
    }

    /// <summary>
    /// The text matched literally inside a LIKE pattern (ESCAPE '\'): % and _ (and SQL Server's [ ) are not wildcards
    /// here, a search for "50%" finds "50%", not every number starting with 50.
    /// </summary>
    public static string EscapeLike(string text, SqlDialect dialect)
    {
        var escaped = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '%' or '_' || (c == '[' && dialect == SqlDialect.SqlServer))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    public async Task<ImportLine?> ImportAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<ImportLine>(new CommandDefinition(Sql.Import, new { id }, cancellationToken: ct));
    }

    /// <summary>The latest imports of a campaign (contacts), or of the DNC lists (campaignId null, kind dnc).</summary>
    public async Task<IReadOnlyList<ImportLine>> ImportsAsync(long? campaignId, string kind, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<ImportLine>(new CommandDefinition(Sql.Imports, new { campaignId, kind }, cancellationToken: ct)))
            .Take(10)
            .ToList();
    }

    internal static class Sql
    {
        private const string ImportColumns = "id, kind, campaign_id, file_name, status, total, imported, duplicates, invalid, dnc, error, created_by, created_at, completed_at";

        public const string Import = $"SELECT {ImportColumns} FROM imports WHERE id = @id";

        public const string Imports = $"""
            SELECT {ImportColumns} FROM imports
            WHERE kind = @kind AND (@campaignId IS NULL OR campaign_id = @campaignId) ORDER BY id DESC
            """;

        // The search ignores case as SQLite's LIKE and SQL Server's usual collations do; PostgreSQL's LIKE does not, ILIKE does.
        private const string ContactFilter = """
            WHERE campaign_id = @campaignId AND (@state IS NULL OR state = @state)
              AND (@like IS NULL OR phone LIKE @like ESCAPE '\' OR name LIKE @like ESCAPE '\' OR account_id LIKE @like ESCAPE '\')
            """;

        private const string ContactFilterPostgres = """
            WHERE campaign_id = @campaignId AND (@state IS NULL OR state = @state)
              AND (@like IS NULL OR phone ILIKE @like ESCAPE '\' OR name ILIKE @like ESCAPE '\' OR account_id ILIKE @like ESCAPE '\')
            """;

        private const string ContactColumns = "id, phone, name, account_id, time_zone, state, attempts, next_eligible_at, eligible_reason, last_outcome, callback_at, custom_json";

        public static readonly DialectSql ContactCount = new(
            Sqlite: $"SELECT COUNT(*) FROM contacts {ContactFilter}",
            SqlServer: $"SELECT COUNT(*) FROM contacts {ContactFilter}",
            Postgres: $"SELECT COUNT(*) FROM contacts {ContactFilterPostgres}");

        public static readonly DialectSql Contacts = new(
            Sqlite: $"SELECT {ContactColumns} FROM contacts {ContactFilter} ORDER BY id LIMIT @take OFFSET @skip",
            SqlServer: $"SELECT {ContactColumns} FROM contacts {ContactFilter} ORDER BY id OFFSET @skip ROWS FETCH NEXT @take ROWS ONLY",
            Postgres: $"SELECT {ContactColumns} FROM contacts {ContactFilterPostgres} ORDER BY id LIMIT @take OFFSET @skip");

        public const string Campaigns = "SELECT id, name, type, mode, status, config_json, updated_at FROM campaigns ORDER BY id DESC";

        public const string Campaign = "SELECT id, name, type, mode, status, config_json, updated_at FROM campaigns WHERE id = @id";

        public const string ContactCounts = $"""
            SELECT campaign_id, COUNT(*) AS total,
                   SUM(CASE WHEN state IN ({ContactState.RemainingSql}) THEN 1 ELSE 0 END) AS remaining
            FROM contacts GROUP BY campaign_id
            """;

        public const string DayCounts = $"""
            SELECT COUNT(*) AS attempts,
                   COALESCE(SUM(CASE WHEN outcome = '{CallOutcomes.Connected}' THEN 1 ELSE 0 END), 0) AS connected,
                   COALESCE(SUM(CASE WHEN outcome = '{CallOutcomes.Abandoned}' THEN 1 ELSE 0 END), 0) AS abandoned,
                   COALESCE(SUM(CASE WHEN outcome IN ({CallOutcomes.LiveSql}) THEN 1 ELSE 0 END), 0) AS live_answered
            FROM call_attempts WHERE campaign_id = @campaignId AND queued_at >= @from
            """;
    }
}
