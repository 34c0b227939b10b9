using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;

namespace Dialer.Db.Forecast;

/// <summary>A campaign's actual day (campaign_daily_stats).</summary>
public sealed record ActualDay(DateOnly Day, long Attempts, long Live);

/// <summary>What was forecast for a past day on an earlier day (forecast_snapshots): the latest forecast made before it.</summary>
public sealed record PastForecastDay(DateOnly Day, DateOnly MadeOn, int Agents, double Attempts, double Live);

/// <summary>The forecast of one campaign as the API answers it and the console shows it.</summary>
public sealed record CampaignForecast(
    long CampaignId,
    string CampaignName,
    string TimeZone,
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
    IReadOnlyList<ActualDay> Actual,
    IReadOnlyList<HourStaffing> Hours,
    IReadOnlyList<PastForecastDay> PastForecasts);

/// <summary>
/// Reads what the forecast needs (the last 28 days of attempts, the contacts still to work by time zone, the agents
/// logged in) and runs it. The first forecast of a campaign's local day also stores that day's forecast (the agents
/// logged in or of history, not a number entered) for its next <see cref="SnapshotDays"/> days in forecast_snapshots,
/// so that later days can be set against what was forecast for them.
/// </summary>
public sealed class ForecastStore(DbConnectionFactory db, TimeProvider time, CampaignStore campaigns)
{
    public const int HistoryDays = 28;

    public const int SnapshotDays = 14;

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
            SELECT attempts AS Attempts, next_eligible_at / 3600000 AS HourBucket, time_zone AS TimeZone, COUNT(*) AS N
            FROM contacts WHERE campaign_id = @id AND state IN ({ContactState.RemainingSql})
            GROUP BY attempts, next_eligible_at / 3600000, time_zone
            """,
            new { id },
            cancellationToken: ct));
        var remaining = buckets.Select(b => new RemainingContacts(
            (int)b.Attempts,
            b.HourBucket * 3_600_000 < now.ToUnixTimeMilliseconds() ? now : DateTimeOffset.FromUnixTimeMilliseconds(b.HourBucket * 3_600_000),
            b.N,
            b.TimeZone)).ToList();
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM contacts WHERE campaign_id = @id", new { id }, cancellationToken: ct));
        var agentless = definition.Mode == CampaignModes.Agentless;
        var usual = agentless ? (0, "agentless") : await AgentsAsync(c, id, history, ct);
        var (count, source) = agents is { } given && !agentless ? (given, "given") : usual;
        var request = new ForecastRequest(definition, history, remaining, count, now, total);
        var result = ForecastEngine.Run(request);
        var today = ForecastEngine.Today(request);
        await SnapshotAsync(c, id, today, () => source == "given" ? ForecastEngine.Run(request with { Agents = usual.Item1 }) : result, now, ct);
        var actual = await c.QueryAsync<DayRow>(new CommandDefinition(
            "SELECT day AS Day, attempts AS Attempts, connected AS Live FROM campaign_daily_stats WHERE campaign_id = @id ORDER BY day",
            new { id },
            cancellationToken: ct));
        var past = await PastForecastsAsync(c, id, today, ct);
        return new CampaignForecast(
            id,
            definition.Name,
            definition.TimeZone,
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
            until is { } u && !agentless ? ForecastEngine.AgentsToFinishBy(request, u) : null,
            dailyLiveTarget,
            dailyLiveTarget is { } t && !agentless ? ForecastEngine.AgentsForDailyLive(request, t) : null,
            result.Days,
            actual.Select(a => new ActualDay(Date(a.Day), a.Attempts, a.Live)).TakeLast(HistoryDays).ToList(),
            ForecastEngine.StaffingByHour(request, until, dailyLiveTarget),
            past);
    }

    /// <summary>Stores today's forecast once (the first forecast of the day; a second writer's rows are refused by the key and ignored).</summary>
    private static async Task SnapshotAsync(DbConnection c, long id, DateOnly today, Func<ForecastResult> forecast, DateTimeOffset now, CancellationToken ct)
    {
        var madeOn = Day(today);
        var exists = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM forecast_snapshots WHERE campaign_id = @id AND made_on = @madeOn", new { id, madeOn }, cancellationToken: ct));
        if (exists > 0)
        {
            return;
        }

        var result = forecast();
        var days = result.Days.Take(SnapshotDays).ToList();
        if (days.Count == 0)
        {
            return;
        }

        await using var tx = await c.BeginTransactionAsync(ct);
        try
        {
            foreach (var d in days)
            {
                await c.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO forecast_snapshots (campaign_id, made_on, day, agents, attempts, live, completions, created_at)
                    VALUES (@id, @madeOn, @day, @agents, @attempts, @live, @completions, @createdAt)
                    """,
                    new { id, madeOn, day = Day(d.Day), agents = result.Agents, attempts = d.Attempts, live = d.Live, completions = d.Completions, createdAt = now.ToUnixTimeMilliseconds() },
                    tx,
                    cancellationToken: ct));
            }

            await tx.CommitAsync(ct);
        }
        catch (DbException) when (!ct.IsCancellationRequested)
        {
            // Another request stored today's forecast first: its rows stand.
            await tx.RollbackAsync(CancellationToken.None);
        }
    }

    /// <summary>For each past day (the last 28), what the latest forecast made before that day said for it.</summary>
    private static async Task<List<PastForecastDay>> PastForecastsAsync(DbConnection c, long id, DateOnly today, CancellationToken ct)
    {
        var since = Day(today.AddDays(-HistoryDays));
        var rows = await c.QueryAsync<SnapshotRow>(new CommandDefinition(
            """
            SELECT made_on AS MadeOn, day AS Day, agents AS Agents, attempts AS Attempts, live AS Live
            FROM forecast_snapshots WHERE campaign_id = @id AND day >= @since AND day < @today AND made_on < day
            """,
            new { id, since, today = Day(today) },
            cancellationToken: ct));
        return rows.GroupBy(r => r.Day)
            .Select(g => g.MaxBy(r => r.MadeOn, StringComparer.Ordinal)!)
            .Select(r => new PastForecastDay(Date(r.Day), Date(r.MadeOn), (int)r.Agents, r.Attempts, r.Live))
            .OrderBy(p => p.Day)
            .ToList();
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Date(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);

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

        public string? TimeZone { get; set; }

        public long HourBucket { get; set; }

        public long N { get; set; }
    }

    private sealed class SnapshotRow
    {
        public string MadeOn { get; set; } = "";

        public string Day { get; set; } = "";

        public long Agents { get; set; }

        public double Attempts { get; set; }

        public double Live { get; set; }
    }

    private sealed class DayRow
    {
        public string Day { get; set; } = "";

        public long Attempts { get; set; }

        public long Live { get; set; }
    }
}
