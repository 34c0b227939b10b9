using System.Text.Json;
using Dapper;
using Dialer.Api.Reports;
using Dialer.Db;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Data;

public sealed record AgentOnDashboard(long AgentId, string Name, string State, string? Reason, long Since, string? ContactName);

public sealed record DashboardSnapshot(
    CampaignRow Campaign,
    decimal CapPercent,
    IReadOnlyList<AgentOnDashboard> Agents,
    int Dialing,
    int Ringing,
    int Waiting,
    int Talking,
    DayCounts Today,
    long ConnectedInProgress,
    long AnsweredToday,
    long Abandoned30Days,
    long LiveAnswered30Days,
    double? DialLevel,
    double? Occupancy,
    long ContactsTotal,
    long ContactsLeft,
    long ContactsTried,
    IReadOnlyList<double?> AbandonSeries,
    IReadOnlyList<double?> OccupancySeries,
    long SeriesStart,
    long BucketMs,
    long Now)
{
    /// <summary>Calls connected to an agent today: those ended connected and those on with an agent now.</summary>
    public long ConnectedToday => Today.Connected + ConnectedInProgress;

    public double? AbandonRateToday => Today.LiveAnswered == 0 ? null : (double)Today.Abandoned / Today.LiveAnswered;

    public double? AbandonRate30Days => LiveAnswered30Days == 0 ? null : (double)Abandoned30Days / LiveAnswered30Days;
}

/// <summary>One campaign's live picture, read once a second while someone watches it.</summary>
public sealed class DashboardQueries(DbConnectionFactory db, ReportStore reports, TimeProvider time)
{
    public const int SeriesHours = 8;
    private static readonly long BucketMs = (long)TimeSpan.FromMinutes(30).TotalMilliseconds;

    public async Task<DashboardSnapshot?> SnapshotAsync(long campaignId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync(ct);
        var campaign = await c.QuerySingleOrDefaultAsync<CampaignRow>(new CommandDefinition(ConsoleQueries.Sql.Campaign, new { id = campaignId }, cancellationToken: ct));
        if (campaign is null)
        {
            return null;
        }

        var definition = CampaignConfig.Parse(campaign.ConfigJson);
        var zone = CampaignConfig.Zone(definition.TimeZone);
        var agents = (await c.QueryAsync<AgentRow>(new CommandDefinition(Sql.Agents, cancellationToken: ct)))
            .Where(a => InCampaign(a.CampaignsJson, campaignId))
            .Select(a => new AgentOnDashboard(a.AgentId, a.Name, a.State, a.Reason, a.Since, a.ContactName))
            .OrderBy(a => a.Name, StringComparer.CurrentCulture)
            .ToList();
        var lines = (await c.QueryAsync<(long QueuedAt, long? RingingAt, long? AnsweredAt, long? AgentConnectedAt)>(new CommandDefinition(
            Sql.OpenLines, new { campaignId, since = nowMs - (long)TimeSpan.FromHours(2).TotalMilliseconds }, cancellationToken: ct))).AsList();
        var dayStart = CampaignConfig.StartOfDayMs(now, zone);
        var today = await c.QuerySingleAsync<DayCounts>(new CommandDefinition(
            ConsoleQueries.Sql.DayCounts, new { campaignId, from = dayStart }, cancellationToken: ct));
        var answeredToday = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            Sql.Answered, new { campaignId, from = CampaignConfig.StartOfDayMs(now, zone) }, cancellationToken: ct));
        var month = await c.QuerySingleAsync<DayCounts>(new CommandDefinition(
            ConsoleQueries.Sql.DayCounts, new { campaignId, from = CampaignConfig.StartOfDayMs(now, zone, daysBack: 29) }, cancellationToken: ct));
        var contacts = await c.QuerySingleAsync<(long Total, long Left, long Tried)>(new CommandDefinition(
            Sql.Contacts, new { campaignId }, cancellationToken: ct));

        // Charts: the last hours in half-hour buckets, aligned to the half hour.
        var seriesStart = ((nowMs / BucketMs) * BucketMs) - ((SeriesHours * 2 - 1) * BucketMs);
        var buckets = SeriesHours * 2;
        var attempts = await reports.AttemptsAsync(campaignId, seriesStart, nowMs + 1, ct);
        var abandonSeries = Enumerable.Range(0, buckets).Select(b =>
        {
            var inBucket = attempts.Where(a => (a.QueuedAt - seriesStart) / BucketMs == b).ToList();
            var live = inBucket.Count(a => CallOutcomes.IsLiveAnswer(a.Outcome));
            return live == 0 ? (double?)null : (double)inBucket.Count(a => a.Outcome == CallOutcomes.Abandoned) / live;
        }).ToList();
        var agentIds = agents.Select(a => a.AgentId).ToHashSet();
        var spans = StateTimeline.Spans((await reports.StateChangesAsync(seriesStart, nowMs, ct)).Where(s => agentIds.Contains(s.AgentId)), seriesStart, nowMs).ToList();
        var bucketed = StateTimeline.Bucketed(spans, seriesStart, BucketMs).ToList();
        var occupancySeries = Enumerable.Range(0, buckets)
            .Select(b => StateTimeline.Occupancy(bucketed.Where(x => x.Bucket == b).Select(x => x.Span)))
            .ToList();
        var lastHour = nowMs - (long)TimeSpan.FromHours(1).TotalMilliseconds;
        var occupancy = StateTimeline.Occupancy(spans.Where(s => s.To > lastHour).Select(s => s with { From = Math.Max(s.From, lastHour) }));

        var available = agents.Count(a => StateTimeline.IsAvailable(a.State));
        var inProgress = lines.Count;
        return new DashboardSnapshot(
            campaign,
            definition.AbandonCapPercent,
            agents,
            Dialing: lines.Count(l => l.RingingAt is null && l.AnsweredAt is null && l.AgentConnectedAt is null),
            Ringing: lines.Count(l => l.RingingAt is not null && l.AnsweredAt is null && l.AgentConnectedAt is null),
            Waiting: lines.Count(l => l.AnsweredAt is not null && l.AgentConnectedAt is null),
            Talking: lines.Count(l => l.AgentConnectedAt is not null),
            today,
            ConnectedInProgress: lines.Count(l => l.AgentConnectedAt is not null && l.QueuedAt >= dayStart),
            answeredToday,
            month.Abandoned,
            month.LiveAnswered,
            DialLevel: available == 0 ? null : (double)inProgress / available,
            occupancy,
            contacts.Total,
            contacts.Left,
            contacts.Tried,
            abandonSeries,
            occupancySeries,
            seriesStart,
            BucketMs,
            nowMs);
    }

    /// <summary>agent_states.campaigns_json is a JSON array of campaign ids.</summary>
    private static bool InCampaign(string? json, long campaignId)
    {
        try
        {
            return JsonSerializer.Deserialize<long[]>(json ?? "[]")?.Contains(campaignId) == true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed record AgentRow(long AgentId, string Name, string State, string? Reason, long Since, string CampaignsJson, string? ContactName);

    private static class Sql
    {
        public const string Agents = $"""
            SELECT s.agent_id, u.display_name AS name, s.state, s.reason, s.since, s.campaigns_json, k.name AS contact_name
            FROM agent_states s JOIN users u ON u.id = s.agent_id LEFT JOIN contacts k ON k.id = s.contact_id
            WHERE s.state <> '{AgentStates.LoggedOut}'
            """;

        // The engine writes an attempt's times when it ends; until then an agent on the call (agent_states) says it is connected.
        public const string OpenLines = $"""
            SELECT a.queued_at, a.ringing_at, a.answered_at,
                   COALESCE(a.agent_connected_at,
                            (SELECT MIN(s.since) FROM agent_states s WHERE s.attempt_id = a.id AND s.state = '{AgentStates.OnCall}')) AS agent_connected_at
            FROM call_attempts a
            WHERE a.campaign_id = @campaignId AND a.ended_at IS NULL AND a.outcome IS NULL AND a.queued_at >= @since
            """;

        public const string Answered = "SELECT COUNT(*) FROM call_attempts WHERE campaign_id = @campaignId AND queued_at >= @from AND answered_at IS NOT NULL";

        public const string Contacts = $"""
            SELECT COUNT(*) AS total,
                   COALESCE(SUM(CASE WHEN state IN ({ContactState.RemainingSql}) THEN 1 ELSE 0 END), 0) AS remaining,
                   COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) AS tried
            FROM contacts WHERE campaign_id = @campaignId
            """;
    }
}
