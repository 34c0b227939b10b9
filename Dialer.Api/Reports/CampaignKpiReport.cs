using Dialer.Db.Model;

namespace Dialer.Api.Reports;

/// <summary>
/// One local day (or the range's total) of a campaign's KPIs. The definitions (README "KPI report", and the page's
/// legend):
/// <list type="bullet">
/// <item>Sign-in rate: of the agents who may work the campaign (enabled, assigned to it or to no campaign), the share
/// signed in to it at some time of the day. Total: agent-days signed in over eligible agent-days.</item>
/// <item>Occupancy (utilisation): time on call and in wrap-up over the time signed in to the campaign and not paused
/// (ready, reserved, on call, wrap-up), all agents together.</item>
/// <item>Average talk and wrap-up: the mean of the talk and wrap-up seconds of the attempts connected to an agent.</item>
/// <item>Answer rate: attempts answered by a person (connected or abandoned) over attempts finished (with an outcome).</item>
/// <item>Busy-hour minimum answer rate: the lowest hourly answer rate among the day's busy hours, the local hours with
/// at least half as many attempts as the busiest hour. Total: the lowest of the days'.</item>
/// <item>Abandon rate: abandoned over answered by a person; rolling 30 days: the same over the 30 local days ending with
/// the day. Flagged when above the campaign's cap.</item>
/// </list>
/// </summary>
public sealed record KpiDay(
    DateOnly? Day,
    int Attempts,
    int Finished,
    int LiveAnswered,
    int Connected,
    int Abandoned,
    int SignedIn,
    int Eligible,
    double? SignInRate,
    double? Occupancy,
    double? AverageTalkSeconds,
    double? AverageWrapSeconds,
    double? AnswerRate,
    int? BusyHour,
    double? BusyHourMinAnswerRate,
    double? AbandonRate,
    double? AbandonRate30Days,
    bool OverCap,
    bool OverCap30Days);

/// <summary>Attempts of one local hour of the day over the whole range, by outcome (<see cref="InProgress"/>: none yet).</summary>
public sealed record KpiHour(int Hour, IReadOnlyDictionary<string, int> Outcomes, int InProgress)
{
    public int Attempts => Outcomes.Values.Sum() + InProgress;
}

public sealed record CampaignKpiReport(
    DateOnly From, DateOnly To, string TimeZone, double Cap, IReadOnlyList<KpiDay> Days, KpiDay Total, IReadOnlyList<KpiHour> Hours)
{
    /// <summary>The default range: the 30 local days ending today.</summary>
    public const int DefaultDays = 30;

    /// <summary>The rolling abandon window, in local days ending with the day.</summary>
    public const int RollingDays = 30;

    /// <summary>
    /// The report for local days <paramref name="from"/>..<paramref name="to"/> in <paramref name="zone"/>.
    /// <paramref name="slots"/> cover at least the <see cref="RollingDays"/> - 1 days before from (for the rolling rate);
    /// <paramref name="changes"/> are the state changes for this campaign (<see cref="KpiStore.StateChangesAsync"/>) and
    /// state time is counted up to <paramref name="now"/>. <paramref name="cap"/> is a ratio (0.03 for 3 %).
    /// </summary>
    public static CampaignKpiReport Build(
        DateOnly from, DateOnly to, TimeZoneInfo zone, double cap, IEnumerable<KpiSlot> slots, IEnumerable<StateChange> changes,
        IReadOnlyCollection<long> eligible, long now)
    {
        var local = slots.Select(s => (Local: TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(s.Slot * KpiSlot.SlotMs), zone), Slot: s))
            .Select(x => (Day: DateOnly.FromDateTime(x.Local.DateTime), x.Local.Hour, x.Slot))
            .ToList();
        var byDay = local.GroupBy(x => x.Day).ToDictionary(g => g.Key, g => g.Select(x => (x.Hour, x.Slot)).ToList());
        var lives = byDay.ToDictionary(d => d.Key, d => (Live: d.Value.Sum(x => Live(x.Slot)), Abandoned: d.Value.Sum(x => Abandoned(x.Slot))));

        var start = ReportService.DayWindow(from, zone).From;
        var end = Math.Min(ReportService.DayWindow(to, zone).To, now);
        var spans = end > start ? StateTimeline.Spans(changes, start, end).ToList() : [];
        var eligibleSet = eligible.ToHashSet();

        var days = new List<KpiDay>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var (dayStart, dayEnd) = ReportService.DayWindow(day, zone);
            var daySpans = spans.Where(s => s.To > dayStart && s.From < dayEnd)
                .Select(s => s with { From = Math.Max(s.From, dayStart), To = Math.Min(s.To, dayEnd) })
                .ToList();
            var signedIn = daySpans.Where(s => StateTimeline.IsSignedIn(s.State) && s.To > s.From && eligibleSet.Contains(s.AgentId))
                .Select(s => s.AgentId).Distinct().Count();
            var rolling = Enumerable.Range(0, RollingDays).Select(i => lives.GetValueOrDefault(day.AddDays(-i))).ToList();
            var (live30, abandoned30) = (rolling.Sum(r => r.Live), rolling.Sum(r => r.Abandoned));
            var hours = byDay.GetValueOrDefault(day) ?? [];
            days.Add(Line(day, hours.Select(h => h.Slot).ToList(), signedIn, eligibleSet.Count, StateTimeline.Occupancy(daySpans),
                BusyHour(hours), Ratio(abandoned30, live30), cap));
        }

        var inRange = local.Where(x => x.Day >= from && x.Day <= to).ToList();
        var hourly = Enumerable.Range(0, 24).Select(h =>
        {
            var ofHour = inRange.Where(x => x.Hour == h).Select(x => x.Slot).ToList();
            return new KpiHour(h,
                ofHour.Where(s => s.Outcome is not null).GroupBy(s => CallOutcomes.Column(s.Outcome)).ToDictionary(g => g.Key, g => (int)g.Sum(s => s.Attempts)),
                (int)ofHour.Where(s => s.Outcome is null).Sum(s => s.Attempts));
        }).ToList();

        return new CampaignKpiReport(from, to, zone.Id, cap, days, Totals(days, inRange.Select(x => x.Slot).ToList(), spans, cap), hourly);
    }

    private static KpiDay Line(DateOnly? day, IReadOnlyList<KpiSlot> slots, int signedIn, int eligible, double? occupancy,
        (int Hour, double Rate)? busy, double? abandon30, double cap)
    {
        var attempts = (int)slots.Sum(s => s.Attempts);
        var finished = (int)slots.Where(s => s.Outcome is not null).Sum(s => s.Attempts);
        var live = slots.Sum(Live);
        var abandoned = slots.Sum(Abandoned);
        var abandonRate = Ratio(abandoned, live);
        return new KpiDay(
            day, attempts, finished, live,
            (int)slots.Where(s => s.Outcome == CallOutcomes.Connected).Sum(s => s.Attempts),
            abandoned,
            signedIn, eligible, Ratio(signedIn, eligible),
            occupancy,
            Mean(slots.Sum(s => s.TalkSum), slots.Sum(s => s.TalkCount)),
            Mean(slots.Sum(s => s.WrapSum), slots.Sum(s => s.WrapCount)),
            Ratio(live, finished),
            busy?.Hour, busy?.Rate,
            abandonRate, abandon30,
            abandonRate > cap, abandon30 > cap);
    }

    private static KpiDay Totals(IReadOnlyList<KpiDay> days, IReadOnlyList<KpiSlot> slots, IReadOnlyList<StateSpan> spans, double cap)
    {
        var lowest = days.Where(d => d.BusyHourMinAnswerRate is not null).MinBy(d => d.BusyHourMinAnswerRate);
        // Sign-in in agent-days; the rolling rate as at the range's last day.
        return Line(null, slots, days.Sum(d => d.SignedIn), days.Sum(d => d.Eligible), StateTimeline.Occupancy(spans),
            lowest is null ? null : (lowest.BusyHour!.Value, lowest.BusyHourMinAnswerRate!.Value), days.Count > 0 ? days[^1].AbandonRate30Days : null, cap);
    }

    /// <summary>The day's busy hours (at least half the busiest hour's attempts) and the lowest answer rate among them.</summary>
    private static (int Hour, double Rate)? BusyHour(IReadOnlyList<(int Hour, KpiSlot Slot)> slots)
    {
        var hours = slots.GroupBy(x => x.Hour)
            .Select(g => (Hour: g.Key, Attempts: g.Sum(x => x.Slot.Attempts),
                Finished: g.Where(x => x.Slot.Outcome is not null).Sum(x => x.Slot.Attempts), Live: g.Sum(x => Live(x.Slot))))
            .ToList();
        if (hours.Count == 0)
        {
            return null;
        }

        var busiest = hours.Max(h => h.Attempts);
        var busy = hours.Where(h => h.Attempts * 2 >= busiest && h.Finished > 0)
            .Select(h => (h.Hour, Rate: (double)h.Live / h.Finished))
            .OrderBy(h => h.Rate).ThenBy(h => h.Hour)
            .ToList();
        return busy.Count == 0 ? null : busy[0];
    }

    private static int Live(KpiSlot s) => CallOutcomes.IsLiveAnswer(s.Outcome) ? (int)s.Attempts : 0;

    private static int Abandoned(KpiSlot s) => s.Outcome == CallOutcomes.Abandoned ? (int)s.Attempts : 0;

    private static double? Ratio(double part, double whole) => whole <= 0 ? null : part / whole;

    private static double? Mean(double sum, long count) => count == 0 ? null : sum / count;
}
