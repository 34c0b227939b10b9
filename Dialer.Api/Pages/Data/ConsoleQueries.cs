using Dapper;
using Dialer.Db;

namespace Dialer.Api.Pages.Data;

public sealed record CampaignRow(long Id, string Name, string Type, string Mode, string Status, string ConfigJson, long UpdatedAt);

public sealed record CampaignSummary(
    long Id,
    string Name,
    string Type,
    string Mode,
    string Status,
    long ContactsTotal,
    long ContactsLeft,
    long AttemptsToday,
    long ConnectedToday,
    long AbandonedToday);

public sealed record DayCounts(long Attempts, long Connected, long Abandoned, long LiveAnswered);

/// <summary>What the console reads: campaign lists with today's figures. Read-only; writes go through the API's stores.</summary>
public sealed class ConsoleQueries(DbConnectionFactory db, TimeProvider time)
{
    public async Task<IReadOnlyList<CampaignSummary>> CampaignsAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<CampaignRow>(new CommandDefinition(Sql.Campaigns, cancellationToken: ct))).AsList();
        var contacts = (await c.QueryAsync<(long CampaignId, long Total, long Left)>(
            new CommandDefinition(Sql.ContactCounts, cancellationToken: ct))).ToDictionary(r => r.CampaignId);
        var now = time.GetUtcNow();
        var list = new List<CampaignSummary>(rows.Count);
        foreach (var row in rows)
        {
            var zone = CampaignJson.Zone(CampaignJson.Parse(row.ConfigJson).TimeZone);
            var today = await c.QuerySingleAsync<DayCounts>(new CommandDefinition(
                Sql.DayCounts, new { campaignId = row.Id, from = CampaignJson.StartOfDayMs(now, zone) }, cancellationToken: ct));
            contacts.TryGetValue(row.Id, out var counts);
            list.Add(new CampaignSummary(row.Id, row.Name, row.Type, row.Mode, row.Status, counts.Total, counts.Left,
                today.Attempts, today.Connected, today.Abandoned));
        }

        return list;
    }

    public async Task<CampaignRow?> CampaignAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<CampaignRow>(new CommandDefinition(Sql.Campaign, new { id }, cancellationToken: ct));
    }

    internal static class Sql
    {
        public const string Campaigns = "SELECT id, name, type, mode, status, config_json, updated_at FROM campaigns ORDER BY id DESC";

        public const string Campaign = "SELECT id, name, type, mode, status, config_json, updated_at FROM campaigns WHERE id = @id";

        public const string ContactCounts = """
            SELECT campaign_id, COUNT(*) AS total,
                   SUM(CASE WHEN state IN ('new', 'retry', 'callback', 'dialing') THEN 1 ELSE 0 END) AS remaining
            FROM contacts GROUP BY campaign_id
            """;

        public const string DayCounts = """
            SELECT COUNT(*) AS attempts,
                   COALESCE(SUM(CASE WHEN outcome = 'connected' THEN 1 ELSE 0 END), 0) AS connected,
                   COALESCE(SUM(CASE WHEN outcome = 'abandoned' THEN 1 ELSE 0 END), 0) AS abandoned,
                   COALESCE(SUM(CASE WHEN outcome IN ('connected', 'abandoned') THEN 1 ELSE 0 END), 0) AS live_answered
            FROM call_attempts WHERE campaign_id = @campaignId AND queued_at >= @from
            """;
    }
}
