using System.Globalization;
using Dialer.Db.Compliance;
using Dialer.Db.Model;

namespace Dialer.Db.Forecast;

/// <summary>Contacts still to work: how many with this many attempts made, due from this time, in this time zone (null: the campaign's).</summary>
public sealed record RemainingContacts(int Attempts, DateTimeOffset DueAt, double Count, string? TimeZone = null);

/// <summary>
/// What to forecast: the campaign, its history, the contacts left and the agents working it (the same number every
/// working hour, or <paramref name="AgentsByHour"/>: 24 numbers by hour of day in the campaign's time zone).
/// </summary>
public sealed record ForecastRequest(
    CampaignDefinition Campaign,
    ForecastHistory History,
    IReadOnlyList<RemainingContacts> Remaining,
    int Agents,
    DateTimeOffset Now,
    double TotalContacts,
    int MaxDays = ForecastEngine.DefaultMaxDays,
    IReadOnlyList<int>? AgentsByHour = null);

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
/// One working hour of the campaign's day (its time zone): the share of the contacts left whose own calling window is
/// open then, the live share of an attempt then, the live contacts an agent can take then, and the agents to staff
/// then to reach the daily live target and to finish by the date asked (null when not asked or not possible).
/// </summary>
public sealed record HourStaffing(int Hour, double CallableShare, double LiveShare, double LivePerAgentHour, int? AgentsForDailyLiveTarget, int? AgentsToFinishByUntil);

/// <summary>
/// The campaign forecast: a fluid model of the list stepped every 15 minutes of the working hours. The working hours
/// of a day (in the campaign's time zone) are those the history shows the campaign worked, or before it has history
/// the hours in which the calling window is open for any of the contacts' time zones. In each step only the contacts
/// whose own calling window is open (hours, days and holidays in their time zone, as the compliance gate checks them)
/// can be dialled. Each step the agents can take agents × the hour's live-per-agent-hour live calls, so the dialer makes
/// that many ÷ the hour's live share attempts (agentless: the line and calls-per-second limits), but never more than
/// the contacts callable and due; due retries go first, then new contacts, as the engine claims them. Each attempt's
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
        var rules = Rules(campaign);
        var max = Math.Max(1, campaign.MaxAttempts);
        var agentless = campaign.Mode == CampaignModes.Agentless;
        var zones = ZonesOf(request);
        var pending = new PriorityQueue<(int Zone, int Attempts, double Count), DateTimeOffset>();
        foreach (var r in request.Remaining.Where(r => r.Count > 0))
        {
            pending.Enqueue((zones.IndexOf(r.TimeZone), Math.Min(r.Attempts, max - 1), r.Count), r.DueAt);
        }

        var due = new double[zones.Count, max];
        var open = new bool[zones.Count];
        var remaining = request.Remaining.Sum(r => r.Count);
        var threshold = WorkedShareLeft * Math.Max(request.TotalContacts, remaining);
        var days = new List<ForecastDay>();
        var today = Today(request);
        DateOnly? workedBy = remaining <= threshold ? today : null;
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
            var (start, end) = Shift(campaign, history, rules, zones, date, zone);
            if (start < request.Now)
            {
                start = request.Now;
            }

            for (var t = start; t < end; t += Step)
            {
                var hours = Math.Min((end - t).TotalMinutes, Step.TotalMinutes) / 60;
                while (pending.TryPeek(out var p, out var at) && at <= t)
                {
                    pending.Dequeue();
                    due[p.Zone, p.Attempts] += p.Count;
                }

                var anyOpen = false;
                for (var z = 0; z < zones.Count; z++)
                {
                    open[z] = rules.IsOpen(t, zones.Info[z]);
                    anyOpen |= open[z];
                }

                if (!anyOpen)
                {
                    continue;
                }

                var hour = TimeZoneInfo.ConvertTime(t, zone).Hour;
                var liveShare = Math.Clamp(history.LiveShareAt(hour), 0.001, 1);
                var otherScale = retryShare > 0 ? Math.Max(0, 1 - liveShare - history.InvalidShare) / retryShare : 0;
                var agents = request.AgentsByHour is { } byHour ? byHour[hour] : request.Agents;
                var capacity = agentless
                    ? Math.Min(campaign.CallsPerSecond * 3600, campaign.MaxLines * 3600 / Math.Max(1, meanAttemptSeconds)) * hours
                    : agents * LivePerAgentHourAt(campaign, history, hour) * hours / liveShare;

                // Retries that are due go first (most attempts first), then new contacts; only where the window is open.
                for (var k = max - 1; k >= 0 && capacity > 1e-12; k--)
                {
                    double callable = 0;
                    for (var z = 0; z < zones.Count; z++)
                    {
                        callable += open[z] ? due[z, k] : 0;
                    }

                    var n = Math.Min(callable, capacity);
                    if (n <= 0)
                    {
                        continue;
                    }

                    capacity -= n;
                    attempts += n;
                    live += n * liveShare;
                    var finished = n * (liveShare + history.InvalidShare);
                    for (var z = 0; z < zones.Count; z++)
                    {
                        if (!open[z] || due[z, k] <= 0)
                        {
                            continue;
                        }

                        var m = due[z, k] * n / callable;
                        due[z, k] -= m;
                        foreach (var (share, delay) in outcomes)
                        {
                            var back = m * share * otherScale;
                            if (k + 1 >= max)
                            {
                                finished += back;
                            }
                            else if (back > 0)
                            {
                                pending.Enqueue((z, k + 1, back), t + delay);
                            }
                        }
                    }

                    finished = Math.Min(finished, n);
                    completions += finished;
                    remaining -= finished;
                }
            }

            days.Add(new ForecastDay(date, attempts, live, completions, Math.Max(0, remaining)));
            if (remaining <= threshold)
            {
                workedBy = date;
            }
        }

        return new ForecastResult(request.Agents, history.LivePerAgentHour, HoursPerDay(request), Math.Max(0, request.Remaining.Sum(r => r.Count)), workedBy, days);
    }

    /// <summary>The fewest agents (the same every working hour) finishing the list by <paramref name="until"/> (null: not possible with up to <paramref name="most"/>).</summary>
    public static int? AgentsToFinishBy(ForecastRequest request, DateOnly until, int most = 2000) =>
        Fewest(k => Finishes(request with { Agents = k, AgentsByHour = null }, until), most);

    /// <summary>Agents to staff every working hour to reach <paramref name="dailyLive"/> live contacts a day.</summary>
    public static int AgentsForDailyLive(ForecastRequest request, double dailyLive)
    {
        var perAgentDay = Profile(request).Sum(h => h.CallableShare > 0 ? h.LivePerAgentHour * h.Hours : 0);
        return perAgentDay <= 0 ? 0 : (int)Math.Ceiling(dailyLive / perAgentDay - 1e-9);
    }

    /// <summary>
    /// The staffing curve by hour of the campaign's working day (its time zone), on the first day ahead with working
    /// hours: the daily live target is split over the hours in proportion to callable share × live share (the calls are
    /// made when more of the list can be reached and answers), each hour's agents = its live contacts ÷ the hour's live
    /// per agent-hour; to finish by <paramref name="until"/>, the same shape scaled by the fewest peak agents for which the
    /// forecast, run with those agents hour by hour, works the list by then. Agentless campaigns have no agents (nulls).
    /// </summary>
    public static IReadOnlyList<HourStaffing> StaffingByHour(ForecastRequest request, DateOnly? until, double? dailyLive, int most = 2000)
    {
        var profile = Profile(request);
        if (request.Campaign.Mode == CampaignModes.Agentless)
        {
            return profile.Select(h => new HourStaffing(h.Hour, h.CallableShare, h.LiveShare, 0, null, null)).ToList();
        }

        var weights = profile.Select(h => h.CallableShare * h.LiveShare * h.Hours).ToList();
        var total = weights.Sum();
        int?[] target = new int?[profile.Count];
        if (dailyLive is { } t && total > 0)
        {
            for (var i = 0; i < profile.Count; i++)
            {
                var live = t * weights[i] / total;
                target[i] = live <= 0 ? 0 : (int)Math.Ceiling(live / (profile[i].LivePerAgentHour * profile[i].Hours) - 1e-9);
            }
        }

        int?[] finish = new int?[profile.Count];
        if (until is { } u && total > 0)
        {
            var shape = profile.Select((h, i) => weights[i] / h.Hours / h.LivePerAgentHour).ToList();
            var peak = shape.Max();
            int[] Curve(int k)
            {
                var byHour = new int[24];
                for (var i = 0; i < profile.Count; i++)
                {
                    byHour[profile[i].Hour] = shape[i] <= 0 ? 0 : (int)Math.Ceiling(k * shape[i] / peak - 1e-9);
                }

                return byHour;
            }

            if (Fewest(k => Finishes(request with { AgentsByHour = Curve(k) }, u), most) is { } best)
            {
                var curve = Curve(best);
                for (var i = 0; i < profile.Count; i++)
                {
                    finish[i] = curve[profile[i].Hour];
                }
            }
        }

        return profile.Select((h, i) => new HourStaffing(h.Hour, h.CallableShare, h.LiveShare, h.LivePerAgentHour, target[i], finish[i])).ToList();
    }

    /// <summary>
    /// Live contacts an agent can take in a local hour: the history's live per agent-hour, scaled by the hour's live share
    /// through the agent's cycle (talk + wrap-up + the unanswered attempts' ring time per live answer, shared by the lines
    /// the mode dials per agent: the predictive pacer's most lines per agent, one otherwise) against the same cycle at the
    /// history's overall live share.
    /// </summary>
    public static double LivePerAgentHourAt(CampaignDefinition campaign, ForecastHistory history, int hour)
    {
        var lines = campaign.Mode == CampaignModes.Predictive ? Math.Max(1, campaign.MaxDialRatio) : 1;
        var ring = Math.Max(15, campaign.RingTimeoutSeconds);
        double Rate(double a)
        {
            a = Math.Clamp(a, 0.001, 1);
            return 1 / Math.Max(1, history.TalkMeanSeconds + history.WrapMeanSeconds + (1 - a) / a * ring / lines);
        }

        return history.LiveShare <= 0 ? history.LivePerAgentHour : history.LivePerAgentHour * Rate(history.LiveShareAt(hour)) / Rate(history.LiveShare);
    }

    public static DateOnly Today(ForecastRequest request) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.Now, Zone(request.Campaign.TimeZone)).DateTime);

    /// <summary>The hours a day the agents can work usefully: the steps of the first day ahead with working hours in which some contact's window is open.</summary>
    public static double HoursPerDay(ForecastRequest request) => Profile(request).Sum(h => h.CallableShare > 0 ? h.Hours : 0);

    /// <summary>One hour of the working day: its part of an hour worked, the share of the list callable, its live share and live per agent-hour.</summary>
    private sealed record HourProfile(int Hour, double Hours, double CallableShare, double LiveShare, double LivePerAgentHour);

    private static List<HourProfile> Profile(ForecastRequest request)
    {
        var campaign = request.Campaign;
        var zone = Zone(campaign.TimeZone);
        var rules = Rules(campaign);
        var zones = ZonesOf(request);
        var counts = new double[zones.Count];
        foreach (var r in request.Remaining.Where(r => r.Count > 0))
        {
            counts[zones.IndexOf(r.TimeZone)] += r.Count;
        }

        var all = counts.Sum();
        var today = Today(request);
        for (var d = 0; d < 14; d++)
        {
            var (start, end) = Shift(campaign, request.History, rules, zones, today.AddDays(d), zone);
            if (start >= end)
            {
                continue;
            }

            var steps = new List<(int Hour, double Hours, double Callable)>();
            for (var t = start; t < end; t += Step)
            {
                double callable = 0;
                for (var z = 0; z < zones.Count; z++)
                {
                    callable += rules.IsOpen(t, zones.Info[z]) ? (all > 0 ? counts[z] / all : 1.0 / zones.Count) : 0;
                }

                steps.Add((TimeZoneInfo.ConvertTime(t, zone).Hour, Math.Min((end - t).TotalMinutes, Step.TotalMinutes) / 60, callable));
            }

            return steps.GroupBy(s => s.Hour).Select(g => new HourProfile(
                g.Key,
                g.Sum(s => s.Hours),
                g.Sum(s => s.Callable * s.Hours) / g.Sum(s => s.Hours),
                Math.Clamp(request.History.LiveShareAt(g.Key), 0.001, 1),
                LivePerAgentHourAt(campaign, request.History, g.Key))).ToList();
        }

        return [];
    }

    private static bool Finishes(ForecastRequest request, DateOnly until) =>
        Run(request with { MaxDays = Math.Max(1, until.DayNumber - Today(request).DayNumber + 1) }).WorkedBy is { } d && d <= until;

    private static int? Fewest(Func<int, bool> enough, int most)
    {
        if (!enough(most))
        {
            return null;
        }

        int lo = 1, hi = most;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (enough(mid))
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

    /// <summary>
    /// The agents' working hours of a local date (the campaign's time zone): those the history shows (mean first and last
    /// call), else from the first to the last 15 minutes in which the calling window is open in any of the contacts' zones.
    /// </summary>
    private static (DateTimeOffset Start, DateTimeOffset End) Shift(CampaignDefinition campaign, ForecastHistory history, CallingWindowRules rules, ZoneSet zones, DateOnly date, TimeZoneInfo zone)
    {
        if (history.DayStartHour is { } s && history.DayEndHour is { } e && e > s)
        {
            return (At(date, Math.Clamp(s, 0, 24), zone), At(date, Math.Clamp(e, 0, 24), zone));
        }

        DateTimeOffset? first = null, last = null;
        var dayEnd = At(date, 24, zone);
        for (var t = At(date, 0, zone); t < dayEnd; t += Step)
        {
            if (Enumerable.Range(0, zones.Count).Any(z => rules.IsOpen(t, zones.Info[z])))
            {
                first ??= t;
                last = t + Step;
            }
        }

        return first is { } f ? (f, last!.Value) : (dayEnd, dayEnd);
    }

    /// <summary>The calling window in force (the campaign's, else its compliance profile's), as the compliance gate evaluates it.</summary>
    private static CallingWindowRules Rules(CampaignDefinition campaign) =>
        new((ComplianceProfile.Find(campaign.ComplianceProfile) ?? ComplianceProfile.Cn).WindowFor(campaign));

    /// <summary>The distinct time zones of the contacts left (unknown or missing: the campaign's).</summary>
    private static ZoneSet ZonesOf(ForecastRequest request)
    {
        var set = new ZoneSet(Zone(request.Campaign.TimeZone));
        foreach (var r in request.Remaining)
        {
            set.IndexOf(r.TimeZone);
        }

        return set;
    }

    private sealed class ZoneSet(TimeZoneInfo fallback)
    {
        private readonly Dictionary<string, int> index = [];

        public List<TimeZoneInfo> Info { get; } = [];

        public int Count => Info.Count;

        public int IndexOf(string? id)
        {
            var info = TimeZones.Find(id) ?? fallback;
            if (!index.TryGetValue(info.Id, out var i))
            {
                i = Info.Count;
                index[info.Id] = i;
                Info.Add(info);
            }

            return i;
        }
    }

    private static DateTimeOffset At(DateOnly date, double hour, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).AddHours(hour);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    public static TimeZoneInfo Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
