using System.Text;
using Dialer.Api.Reports;
using Dialer.Db.Model;

namespace Dialer.Tests.Pages;

public sealed class ReportMathTests
{
    private const long Minute = 60_000;

    [Fact]
    public void StateTimelineClipsToTheWindowAndStartsFromTheStateInForce()
    {
        // Agent 7 went ready before the window, on a call 10 min into it, wrap-up at 20, paused at 25; window 0–30.
        StateChange[] changes =
        [
            new(7, StateTimeline.Ready, -5 * Minute),
            new(7, StateTimeline.OnCall, 10 * Minute),
            new(7, StateTimeline.WrapUp, 20 * Minute),
            new(7, StateTimeline.Paused, 25 * Minute),
        ];

        var spans = StateTimeline.Spans(changes, 0, 30 * Minute).ToList();

        Assert.Equal([600.0, 600.0, 300.0, 300.0], spans.Select(s => s.Seconds));
        Assert.Equal(0, spans[0].From);
        // Busy 15 min of 25 available (paused time does not count).
        Assert.Equal(15.0 / 25, StateTimeline.Occupancy(spans)!.Value, 6);
    }

    [Fact]
    public void BucketsSplitSpansAtTheirBoundaries()
    {
        var span = new StateSpan(1, StateTimeline.OnCall, 25 * Minute, 65 * Minute);
        var pieces = StateTimeline.Bucketed([span], 0, 30 * Minute).ToList();
        Assert.Equal([0, 1, 2], pieces.Select(p => p.Bucket));
        Assert.Equal([300.0, 1800.0, 300.0], pieces.Select(p => p.Span.Seconds));
    }

    [Fact]
    public void AgentDayMetricsComeFromTheStateLogAndTheCalls()
    {
        StateChange[] changes =
        [
            new(3, StateTimeline.Ready, 0),
            new(3, StateTimeline.OnCall, 30 * Minute),
            new(3, StateTimeline.WrapUp, 40 * Minute),
            new(3, StateTimeline.Ready, 42 * Minute),
            new(3, StateTimeline.LoggedOut, 60 * Minute),
        ];
        AttemptFact[] calls = [new(1, 9, 3, 29 * Minute, 30 * Minute, 30 * Minute, 40 * Minute, "connected", "paid", 600, 120)];

        var report = AgentDailyReport.Build(StateTimeline.Spans(changes, 0, 120 * Minute), calls,
            new Dictionary<long, string> { [3] = "张伟" }, new DateOnly(2026, 11, 21), TimeZoneInfo.Utc);

        var agent = Assert.Single(report.Agents);
        Assert.Equal("张伟", agent.Agent);
        Assert.Equal(3600, agent.SignedInSeconds);
        Assert.Equal(600, agent.TalkSeconds);
        Assert.Equal(120, agent.WrapSeconds);
        Assert.Equal(600, agent.AverageTalkSeconds);
        Assert.Equal(720.0 / 3600, agent.Occupancy!.Value, 6);
        Assert.Equal(1, agent.CallsPerHour!.Value, 6);
    }

    [Fact]
    public void HourlyReportCountsOutcomesDispositionsAndRatesByLocalHour()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var nine = new DateTimeOffset(2026, 11, 21, 9, 15, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();
        AttemptFact At(long at, string outcome, string? disposition = null) => new(at, 1, null, at, null, null, at, outcome, disposition, null, null);
        AttemptFact[] attempts =
        [
            At(nine, "connected", "paid"), At(nine + Minute, "connected", "callback"), At(nine + (2 * Minute), "abandoned"),
            At(nine + (3 * Minute), "busy"), At(nine + (60 * Minute), "no_answer"), At(nine + (61 * Minute), "declined"),
        ];

        var report = CampaignHourlyReport.Build(attempts, new DateOnly(2026, 11, 21), shanghai, ["paid", "callback"]);

        Assert.Equal([9, 10], report.Hours.Select(h => h.Hour));
        var nineOClock = report.Hours[0];
        Assert.Equal(4, nineOClock.Attempts);
        Assert.Equal(3.0 / 4, nineOClock.ContactRate);
        Assert.Equal(1.0 / 3, nineOClock.AbandonRate);
        Assert.Equal(1, nineOClock.Dispositions["callback"]);
        // Declined (the callee refused the call) counts as busy, in the reports as in the daily statistics.
        Assert.Equal(1, report.Hours[1].Outcomes[CallOutcomes.Busy]);
        Assert.Equal(2, report.Total.Outcomes[CallOutcomes.Busy]);
        Assert.False(report.Hours[1].Outcomes.ContainsKey(CallOutcomes.Failed));
        Assert.Equal(6, report.Total.Attempts);
    }

    [Fact]
    public void CsvHasAByteOrderMarkQuotesAndNoFormulas()
    {
        var bytes = Csv.Build([["坐席", "备注"], ["张伟", "说了 \"好\", 明天"], ["=1+1", null]]);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        Assert.Equal("坐席,备注\r\n张伟,\"说了 \"\"好\"\", 明天\"\r\n'=1+1,\r\n", Encoding.UTF8.GetString(bytes[3..]));
    }
}
