using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;

namespace Dialer.Db.Forecast;

/// <summary>A campaign's actual day (campaign_daily_stats).</summary>
public sealed record ActualDay(DateOnly Day, long Attempts, long Live);

/// <summary>The forecast of one campaign as the API answers it and the console shows it.</summary>
public sealed record CampaignForecast(
    long CampaignId,
    string CampaignName,
    bool FromDefaults,
    ForecastHistory History,
    int Agents,
    string AgentsSource,
    double TotalContacts,
    double Remaining,
    double LivePerAgentHour,
    double HoursPerDay,
    DateOnly? WorkedBy,
    DateOnly? Until,
    int? AgentsToFinishByUntil,
    double? DailyLiveTarget,
    int? AgentsForDailyLiveTarget,
    IReadOnlyList<ForecastDay> Days,
    IReadOnlyList<ActualDay> Actual);

/// <summary>Reads what the forecast needs (the last 28 days of attempts, the contacts still to work, the agents logged in) and runs it.</summary>
public sealed class ForecastStore(DbConnectionFactory db, TimeProvider time, CampaignStore campaigns)
{
    public const int HistoryDays = 28;

    public async Task<CampaignForecast?> ForecastAsync(long id, int? agents, DateOnly? until, double? dailyLiveTarget, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(id, ct);
        if (campaign is null)
        {
            return null;
        }

        var definition = campaign.Definition;
        var now = time.GetUtcNow();
        await using var c = await db.OpenAsync(ct);
        var since = now.AddDays(-HistoryDays).ToUnixTimeMilliseconds();
        var rows = await c.QueryAsync<AttemptRow>(new CommandDefinition(
            """
            SELECT dialed_at AS DialedAt, ended_at AS EndedAt, outcome AS Outcome, agent_id AS AgentId,
                   talk_seconds AS TalkSeconds, wrap_seconds AS WrapSeconds
            FROM call_attempts WHERE campaign_id = @id AND dialed_at >= @since AND outcome IS NOT NULL
            """,
            new { id, since },
            cancellationToken: ct));
        var zone = ForecastEngine.Zone(definition.TimeZone);
        var history = ForecastHistory.FromAttempts(
            rows.Select(r => new AttemptSample(
                DateTimeOffset.FromUnixTimeMilliseconds(r.DialedAt ?? 0),
                r.EndedAt is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null,
                r.Outcome,
                r.AgentId,
                r.TalkSeconds,
                r.WrapSeconds)),
            zone,
            definition);
        var buckets = await c.QueryAsync<BucketRow>(new CommandDefinition(
            $"""
            SELECT attempts AS Attempts, next_eligible_at / 3600000 AS HourBucket, COUNT(*) AS N
            FROM contacts WHERE campaign_id = @id AND state IN ({ContactState.RemainingSql})
            GROUP BY attempts, next_eligible_at / 3600000
            """,
            new { id },
            cancellationToken: ct));
        var remaining = buckets.Select(b => new RemainingContacts(
            (int)b.Attempts,
            b.HourBucket * 3_600_000 < now.ToUnixTimeMilliseconds() ? now : DateTimeOffset.FromUnixTimeMilliseconds(b.HourBucket * 3_600_000),
            b.N)).ToList();
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM contacts WHERE campaign_id = @id", new { id }, cancellationToken: ct));
        var (count, source) = agents is { } given ? (given, "given") : await AgentsAsync(c, id, history, ct);
        var request = new ForecastRequest(definition, history, remaining, count, now, total);
        var result = ForecastEngine.Run(request);
        var actual = await c.QueryAsync<DayRow>(new CommandDefinition(
            "SELECT day AS Day, attempts AS Attempts, connected AS Live FROM campaign_daily_stats WHERE campaign_id = @id ORDER BY day",
            new { id },
            cancellationToken: ct));
        return new CampaignForecast(
            id,
            definition.Name,
            history.FromDefaults,
            history,
            count,
            source,
            total,
            result.Remaining,
            result.LivePerAgentHour,
            result.HoursPerDay,
            result.WorkedBy,
            until,
            until is { } u ? ForecastEngine.AgentsToFinishBy(request, u) : null,
            dailyLiveTarget,
            dailyLiveTarget is { } t ? ForecastEngine.AgentsForDailyLive(history, definition, t) : null,
            result.Days,
            actual.Select(a => new ActualDay(DateOnly.ParseExact(a.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), a.Attempts, a.Live))
                .TakeLast(HistoryDays).ToList());
    }

    /// <summary>The agents logged in now who work this campaign; else those of the last day of history; else 1.</summary>
    private static async Task<(int, string)> AgentsAsync(DbConnection c, long id, ForecastHistory history, CancellationToken ct)
    {
        var lists = await c.QueryAsync<string>(new CommandDefinition(
            "SELECT campaigns_json FROM agent_states WHERE state <> 'logged_out'", cancellationToken: ct));
        var loggedIn = lists.Count(json =>
        {
            try
            {
                var ids = JsonSerializer.Deserialize<long[]>(json) ?? [];
                return ids.Contains(id);
            }
            catch (JsonException)
            {
                return false;
            }
        });
        if (loggedIn > 0)
        {
            return (loggedIn, "loggedIn");
        }

        return history.LastDayAgents > 0 ? (history.LastDayAgents, "history") : (1, "default");
    }

    private sealed class AttemptRow
    {
        public long? DialedAt { get; set; }

        public long? EndedAt { get; set; }

        public string? Outcome { get; set; }

        public long? AgentId { get; set; }

        public double? TalkSeconds { get; set; }

        public double? WrapSeconds { get; set; }
    }

    private sealed class BucketRow
    {
        public long Attempts { get; set; }

        public long HourBucket { get; set; }

        public long N { get; set; }
    }

    private sealed class DayRow
    {
        public string Day { get; set; } = "";

        public long Attempts { get; set; }

        public long Live { get; set; }
    }
}
