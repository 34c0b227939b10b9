using System.Globalization;
using Dialer.Db.Model;

namespace Dialer.Db.Forecast;

/// <summary>Contacts still to work: how many with this many attempts made, due from this time.</summary>
public sealed record RemainingContacts(int Attempts, DateTimeOffset DueAt, double Count);

/// <summary>What to forecast: the campaign, its history, the contacts left and the agents working it.</summary>
public sealed record ForecastRequest(
    CampaignDefinition Campaign,
    ForecastHistory History,
    IReadOnlyList<RemainingContacts> Remaining,
    int Agents,
    DateTimeOffset Now,
    double TotalContacts,
    int MaxDays = ForecastEngine.DefaultMaxDays);

/// <summary>One forecast day (local date in the campaign's time zone).</summary>
public sealed record ForecastDay(DateOnly Day, double Attempts, double Live, double Completions, double Remaining);

public sealed record ForecastResult(
    int Agents,
    double LivePerAgentHour,
    double HoursPerDay,
    double Remaining,
    DateOnly? WorkedBy,
    IReadOnlyList<ForecastDay> Days);

/// <summary>
/// The campaign forecast: a fluid model of the list stepped every 15 minutes of the working hours (the calling window,
/// narrowed to the hours history shows the campaign worked; calling days and holidays skipped). Each step the agents
/// can take agents × live-per-agent-hour live calls, so the dialer makes that many ÷ the hour's live share attempts
/// (agentless: the line limit); due retries go first, then new contacts, as the engine claims them. Each attempt's
/// outcomes split by the history's shares: connected and invalid finish the contact, the rest come back after the
/// campaign's retry minutes (at least the minimum gap) until the maximum attempts. The list is worked on the first day
/// at whose end no more than 1 % of the campaign's contacts are left.
/// </summary>
public static class ForecastEngine
{
    public const int DefaultMaxDays = 120;

    public const double WorkedShareLeft = 0.01;

    private static readonly TimeSpan Step = TimeSpan.FromMinutes(15);

    public static ForecastResult Run(ForecastRequest request)
    {
        var campaign = request.Campaign;
        var history = request.History;
        var zone = Zone(campaign.TimeZone);
        var max = Math.Max(1, campaign.MaxAttempts);
        var (open, close) = Hours(campaign, history);
        var agentless = campaign.Mode == CampaignModes.Agentless;
        var pending = new PriorityQueue<(int Attempts, double Count), DateTimeOffset>();
        foreach (var r in request.Remaining.Where(r => r.Count > 0))
        {
            pending.Enqueue((Math.Min(r.Attempts, max - 1), r.Count), r.DueAt);
        }

        var due = new double[max];
        var remaining = request.Remaining.Sum(r => r.Count);
        var threshold = WorkedShareLeft * Math.Max(request.TotalContacts, remaining);
        var days = new List<ForecastDay>();
        DateOnly? workedBy = remaining <= threshold ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.Now, zone).DateTime) : null;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.Now, zone).DateTime);
        var gap = Math.Max(1, campaign.MinGapMinutes);
        TimeSpan Delay(int minutes) => TimeSpan.FromMinutes(Math.Max(minutes, gap));
        var retry = campaign.RetryMinutes;
        var outcomes = new (double Share, TimeSpan Delay)[]
        {
            (history.AbandonedShare, Delay(retry.Abandoned)),
            (history.MachineShare, Delay(retry.Machine)),
            (history.BusyShare, Delay(retry.Busy)),
            (history.NoAnswerShare, Delay(retry.NoAnswer)),
            (history.OtherShare, Delay(retry.Failed)),
        };
        var retryShare = outcomes.Sum(o => o.Share);
        var meanAttemptSeconds = history.LiveShare * history.TalkMeanSeconds + (1 - history.LiveShare) * Math.Max(15, campaign.RingTimeoutSeconds);
        for (var d = 0; d < request.MaxDays && workedBy is null && remaining > 1e-9; d++)
        {
            var date = today.AddDays(d);
            double attempts = 0, live = 0, completions = 0;
            if (Works(campaign, date))
            {
                var start = At(date, open, zone);
                var end = At(date, close, zone);
                if (start < request.Now)
                {
                    start = request.Now;
                }

                for (var t = start; t < end; t += Step)
                {
                    var hours = (Math.Min((end - t).TotalMinutes, Step.TotalMinutes)) / 60;
                    while (pending.TryPeek(out var p, out var at) && at <= t)
                    {
                        pending.Dequeue();
                        due[p.Attempts] += p.Count;
                    }

                    var hour = TimeZoneInfo.ConvertTime(t, zone).Hour;
                    var liveShare = Math.Clamp(history.LiveShareAt(hour), 0.001, 1);
                    var otherScale = history.LiveShare + retryShare + history.InvalidShare > 0 && retryShare > 0
                        ? Math.Max(0, 1 - liveShare - history.InvalidShare) / retryShare
                        : 0;
                    var capacity = agentless
                        ? Math.Min(campaign.CallsPerSecond * 3600, campaign.MaxLines * 3600 / Math.Max(1, meanAttemptSeconds)) * hours
                        : request.Agents * history.LivePerAgentHour * hours / liveShare;

                    // Retries that are due go first (most attempts first), then new contacts.
                    for (var k = max - 1; k >= 0 && capacity > 1e-12; k--)
                    {
                        var n = Math.Min(due[k], capacity);
                        if (n <= 0)
                        {
                            continue;
                        }

                        due[k] -= n;
                        capacity -= n;
                        attempts += n;
                        var connected = n * Math.Min(1, liveShare);
                        live += connected;
                        var finished = connected + n * history.InvalidShare;
                        foreach (var (share, delay) in outcomes)
                        {
                            var back = n * share * otherScale;
                            if (k + 1 >= max)
                            {
                                finished += back;
                            }
                            else if (back > 0)
                            {
                                pending.Enqueue((k + 1, back), t + delay);
                            }
                        }

                        finished = Math.Min(finished, n);
                        completions += finished;
                        remaining -= finished;
                    }
                }
            }

            days.Add(new ForecastDay(date, attempts, live, completions, Math.Max(0, remaining)));
            if (remaining <= threshold)
            {
                workedBy = date;
            }
        }

        return new ForecastResult(request.Agents, history.LivePerAgentHour, close - open, Math.Max(0, request.Remaining.Sum(r => r.Count)), workedBy, days);
    }

    /// <summary>The fewest agents finishing the list by <paramref name="until"/> (null: not possible with up to <paramref name="most"/>).</summary>
    public static int? AgentsToFinishBy(ForecastRequest request, DateOnly until, int most = 2000)
    {
        bool Finishes(int agents) => Run(request with { Agents = agents, MaxDays = Math.Max(1, until.DayNumber - Today(request).DayNumber + 1) }).WorkedBy is { } d && d <= until;
        if (!Finishes(most))
        {
            return null;
        }

        int lo = 1, hi = most;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Finishes(mid))
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>Agents to staff every working hour to reach <paramref name="dailyLive"/> live contacts a day.</summary>
    public static int AgentsForDailyLive(ForecastHistory history, CampaignDefinition campaign, double dailyLive)
    {
        var (open, close) = Hours(campaign, history);
        var perAgentDay = history.LivePerAgentHour * (close - open);
        return perAgentDay <= 0 ? 0 : (int)Math.Ceiling(dailyLive / perAgentDay - 1e-9);
    }

    public static DateOnly Today(ForecastRequest request) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.Now, Zone(request.Campaign.TimeZone)).DateTime);

    /// <summary>The local hours worked: the calling window, narrowed to the hours the history shows.</summary>
    public static (double Open, double Close) Hours(CampaignDefinition campaign, ForecastHistory history)
    {
        var window = campaign.CallingWindow ?? new CallingWindow();
        var open = ParseHour(window.Start, 8);
        var close = ParseHour(window.End, 21);
        if (history.DayStartHour is { } s && history.DayEndHour is { } e && e > s)
        {
            open = Math.Max(open, s);
            close = Math.Min(close, e);
        }

        return close > open ? (open, close) : (open, open);
    }

    private static bool Works(CampaignDefinition campaign, DateOnly date)
    {
        var window = campaign.CallingWindow;
        if (window is null)
        {
            return true;
        }

        if (window.Holidays.Contains(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
        {
            return false;
        }

        var day = date.DayOfWeek.ToString()[..3];
        return window.Days.Count == 0 || window.Days.Any(d => string.Equals(d, day, StringComparison.OrdinalIgnoreCase));
    }

    private static double ParseHour(string text, double fallback) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.ToTimeSpan().TotalHours
        : text == "24:00" ? 24 : fallback;

    private static DateTimeOffset At(DateOnly date, double hour, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).AddHours(hour);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    public static TimeZoneInfo Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
