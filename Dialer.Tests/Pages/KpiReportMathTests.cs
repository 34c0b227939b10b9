using Dialer.Api.Pages.Shared;
using Dialer.Api.Reports;
using Dialer.Db.Model;

namespace Dialer.Tests.Pages;

/// <summary>The KPI report's figures from known attempts and state changes (Asia/Shanghai, UTC+8).</summary>
public sealed class KpiReportMathTests
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateOnly Day1 = new(2026, 11, 2);
    private static readonly DateOnly Day2 = new(2026, 11, 3);

    private static long At(DateOnly day, int hour, int minute = 0) =>
        new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();

    private static KpiSlot Slot(DateOnly day, int hour, string? outcome, long attempts, long talkCount = 0, double talkSum = 0, long wrapCount = 0, double wrapSum = 0) =>
        new() { Slot = At(day, hour) / KpiSlot.SlotMs, Outcome = outcome, Attempts = attempts, TalkCount = talkCount, TalkSum = talkSum, WrapCount = wrapCount, WrapSum = wrapSum };

    private static CampaignKpiReport Report()
    {
        KpiSlot[] slots =
        [
            // Outside the rolling window of either day (more than 29 days before): must not count.
            Slot(new DateOnly(2026, 10, 1), 10, CallOutcomes.Abandoned, 50),
            // Within the rolling window, before the range: 94 connected.
            Slot(new DateOnly(2026, 10, 10), 10, CallOutcomes.Connected, 94),
            // Day 1: 09h 10 attempts (4 connected, 5 no answer, 1 abandoned), 10h 6 (1 connected, 5 busy), 14h 2 no answer.
            Slot(Day1, 9, CallOutcomes.Connected, 4, 4, 400, 4, 80),
            Slot(Day1, 9, CallOutcomes.NoAnswer, 5),
            Slot(Day1, 9, CallOutcomes.Abandoned, 1),
            Slot(Day1, 10, CallOutcomes.Connected, 1, 1, 100, 1, 20),
            Slot(Day1, 10, CallOutcomes.Busy, 5),
            Slot(Day1, 14, CallOutcomes.NoAnswer, 2),
            // Day 2: 11h one connected, one still in progress.
            Slot(Day2, 11, CallOutcomes.Connected, 1, 1, 60),
            Slot(Day2, 11, null, 1),
        ];
        StateChange[] changes =
        [
            // Agent 3 signed in the evening before and left at 01:00: an hour of day 1.
            new(3, StateTimeline.Ready, At(new DateOnly(2026, 11, 1), 20)),
            new(3, StateTimeline.LoggedOut, At(Day1, 1)),
            // Agent 1: ready 2 h of which 45 min busy.
            new(1, StateTimeline.Ready, At(Day1, 9)),
            new(1, StateTimeline.OnCall, At(Day1, 9, 30)),
            new(1, StateTimeline.WrapUp, At(Day1, 10)),
            new(1, StateTimeline.Ready, At(Day1, 10, 15)),
            new(1, StateTimeline.LoggedOut, At(Day1, 11)),
            // Agent 2: paused an hour (not available), then 1.5 h of which 30 min on a call.
            new(2, StateTimeline.Paused, At(Day1, 9)),
            new(2, StateTimeline.Ready, At(Day1, 10)),
            new(2, StateTimeline.OnCall, At(Day1, 11)),
            new(2, StateTimeline.LoggedOut, At(Day1, 11, 30)),
            // Agent 5 is not eligible for the campaign: its time counts for occupancy, not for the sign-in rate.
            new(5, StateTimeline.Ready, At(Day2, 9)),
            new(5, StateTimeline.LoggedOut, At(Day2, 10)),
        ];
        return CampaignKpiReport.Build(Day1, Day2, Zone, 0.03, slots, changes, [1, 2, 3, 4], At(Day2, 12));
    }

    [Fact]
    public void EachDayHasItsRatesFromTheAttemptsAndTheAgentTime()
    {
        var report = Report();

        Assert.Equal([Day1, Day2], report.Days.Select(d => d.Day!.Value));
        var d1 = report.Days[0];
        Assert.Equal((18, 18, 6, 1), (d1.Attempts, d1.Finished, d1.LiveAnswered, d1.Abandoned));
        Assert.Equal((3, 4), (d1.SignedIn, d1.Eligible));
        Assert.Equal(0.75, d1.SignInRate!.Value, 9);
        // Busy 30 + 15 (agent 1) + 30 (agent 2) = 75 min over available 120 + 90 + 60 (agent 3) = 270 min.
        Assert.Equal(75.0 / 270, d1.Occupancy!.Value, 9);
        Assert.Equal(100, d1.AverageTalkSeconds!.Value, 9);
        Assert.Equal(20, d1.AverageWrapSeconds!.Value, 9);
        Assert.Equal(6.0 / 18, d1.AnswerRate!.Value, 9);
        // Busy hours: 09 (10 attempts) and 10 (6 ≥ 10 / 2); 14 (2) is not. The lowest of 5/10 and 1/6.
        Assert.Equal(10, d1.BusyHour);
        Assert.Equal(1.0 / 6, d1.BusyHourMinAnswerRate!.Value, 9);
        Assert.Equal(1.0 / 6, d1.AbandonRate!.Value, 9);
        Assert.True(d1.OverCap);
        // 30 days ending Nov 2 (from Oct 4): Oct 10's 94 and the day's 6 answered, 1 abandoned; Oct 1 is outside.
        Assert.Equal(1.0 / 100, d1.AbandonRate30Days!.Value, 9);
        Assert.False(d1.OverCap30Days);

        var d2 = report.Days[1];
        Assert.Equal((2, 1, 1, 0), (d2.Attempts, d2.Finished, d2.LiveAnswered, d2.Abandoned));
        Assert.Equal((0, 0.0), (d2.SignedIn, d2.SignInRate!.Value));
        Assert.Equal(0.0, d2.Occupancy!.Value, 9);
        Assert.Equal(1.0, d2.AnswerRate!.Value, 9);
        Assert.Equal((11, 1.0), (d2.BusyHour, d2.BusyHourMinAnswerRate));
        Assert.Equal(0.0, d2.AbandonRate!.Value, 9);
        Assert.Null(d2.AverageWrapSeconds);
        Assert.Equal(1.0 / 101, d2.AbandonRate30Days!.Value, 9);
    }

    [Fact]
    public void TheRangeTotalAddsTheDaysUpAndTakesTheLowestBusyHour()
    {
        var total = Report().Total;

        Assert.Null(total.Day);
        Assert.Equal((20, 19, 7, 1), (total.Attempts, total.Finished, total.LiveAnswered, total.Abandoned));
        Assert.Equal((3, 8), (total.SignedIn, total.Eligible));
        Assert.Equal(3.0 / 8, total.SignInRate!.Value, 9);
        Assert.Equal(75.0 / 330, total.Occupancy!.Value, 9);
        Assert.Equal(560.0 / 6, total.AverageTalkSeconds!.Value, 9);
        Assert.Equal(7.0 / 19, total.AnswerRate!.Value, 9);
        Assert.Equal((10, 1.0 / 6), (total.BusyHour, total.BusyHourMinAnswerRate));
        Assert.Equal(1.0 / 7, total.AbandonRate!.Value, 9);
        Assert.Equal(1.0 / 101, total.AbandonRate30Days!.Value, 9);
    }

    [Fact]
    public void HoursOfTheDayAddUpTheRangeByOutcomeWithCallsInProgress()
    {
        var hours = Report().Hours;

        Assert.Equal(24, hours.Count);
        Assert.Equal(4, hours[9].Outcomes[CallOutcomes.Connected]);
        Assert.Equal(5, hours[9].Outcomes[CallOutcomes.NoAnswer]);
        Assert.Equal(1, hours[9].Outcomes[CallOutcomes.Abandoned]);
        // Oct 10's calls at 10:00 are before the range.
        Assert.Equal(6, hours[10].Attempts);
        Assert.Equal((1, 2), (hours[11].InProgress, hours[11].Attempts));
        Assert.Equal(0, hours[0].Attempts);
    }

    [Fact]
    public void TheDefaultRangeIsThe30DaysEndingTodayAndBadRangesAreNamedByField()
    {
        var today = new DateOnly(2026, 12, 7);
        Assert.Equal((new DateOnly(2026, 11, 8), today), KpiService.Range(null, null, today));
        Assert.Equal((new DateOnly(2026, 12, 1), today), KpiService.Range(new DateOnly(2026, 12, 1), null, today));
        Assert.Empty(KpiService.RangeErrors("2026-11-01", "2026-11-30", today));
        Assert.Equal("kpi.badDate", KpiService.RangeErrors("2026-13-01", null, today)["from"]);
        Assert.Equal("kpi.toBeforeFrom", KpiService.RangeErrors("2026-11-02", "2026-11-01", today)["to"]);
        Assert.Equal("kpi.tooLong", KpiService.RangeErrors("2025-01-01", "2026-11-01", today)["to"]);
    }

    [Fact]
    public void ChartScalesHaveRoundStepsAndBarsCarryTheirValues()
    {
        var (step, top) = SvgChart.Scale(0.05, percent: true);
        Assert.Equal((0.02, 0.06), (Math.Round(step, 9), Math.Round(top, 9)));
        Assert.Equal((10.0, 40.0), SvgChart.Scale(37, percent: false));
        Assert.Equal((1.0, 1.0), SvgChart.Scale(0, percent: false));

        var svg = new SvgChart
        {
            Title = "呼叫",
            XLabels = ["09", "10"],
            Bars = [new ChartSeries("connected", "接通", "#0a0", [3, null]), new ChartSeries("busy", "忙", "#a00", [2, 1])],
            Cap = 4,
            CapLabel = "上限 <4>",
        }.Render();

        Assert.Contains("data-series=\"connected\" data-x=\"09\" data-value=\"3\"", svg, StringComparison.Ordinal);
        Assert.Contains("data-series=\"busy\" data-x=\"10\" data-value=\"1\"", svg, StringComparison.Ordinal);
        Assert.Contains("class=\"cap\" data-value=\"4\"", svg, StringComparison.Ordinal);
        Assert.Contains("上限 &lt;4&gt;", svg, StringComparison.Ordinal);
        Assert.Contains(">接通</text>", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", svg, StringComparison.Ordinal);
    }
}
