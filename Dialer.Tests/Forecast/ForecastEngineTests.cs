using Dialer.Db.Forecast;
using Dialer.Db.Model;
using Xunit;

namespace Dialer.Tests.Forecast;

public sealed class ForecastEngineTests
{
    private static readonly DateTimeOffset Monday9 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private static CampaignDefinition Campaign(int maxAttempts = 1, int noAnswerMinutes = 120, IReadOnlyList<string>? days = null) => new()
    {
        Name = "f",
        Type = CampaignTypes.Care,
        Mode = CampaignModes.Predictive,
        TimeZone = "UTC",
        CallingWindow = new CallingWindow { Start = "08:00", End = "21:00", Days = days ?? [] },
        MaxAttempts = maxAttempts,
        MinGapMinutes = 60,
        RetryMinutes = new RetryMinutes { NoAnswer = noAnswerMinutes },
    };

    /// <summary>Half the attempts are live, half no answer; 10 live calls per agent-hour; worked 09:00–17:00.</summary>
    private static readonly ForecastHistory Half = new()
    {
        Attempts = 1000,
        Days = 1,
        LiveShare = 0.5,
        NoAnswerShare = 0.5,
        LivePerAgentHour = 10,
        DayStartHour = 9,
        DayEndHour = 17,
        LastDayAgents = 5,
    };

    private static ForecastRequest Request(CampaignDefinition campaign, double contacts, int agents) =>
        new(campaign, Half, [new RemainingContacts(0, Monday9, contacts)], agents, Monday9, contacts);

    [Fact]
    public void Five_agents_work_a_thousand_single_attempt_contacts_in_two_days()
    {
        // 5 agents × 10 live/h × 8 h = 400 live a day = 800 attempts at a 50 % live share.
        var r = ForecastEngine.Run(Request(Campaign(), 1000, 5));

        Assert.Equal(8, r.HoursPerDay, 6);
        Assert.Equal(2, r.Days.Count);
        Assert.Equal(800, r.Days[0].Attempts, 6);
        Assert.Equal(400, r.Days[0].Live, 6);
        Assert.Equal(800, r.Days[0].Completions, 6);
        Assert.Equal(200, r.Days[1].Attempts, 6);
        Assert.Equal(100, r.Days[1].Live, 6);
        Assert.Equal(new DateOnly(2026, 1, 6), r.WorkedBy);
    }

    [Fact]
    public void Retries_a_day_later_come_back_the_next_day_until_the_maximum_attempts()
    {
        var r = ForecastEngine.Run(Request(Campaign(maxAttempts: 3, noAnswerMinutes: 1440), 100, 50));

        Assert.Equal([100.0, 50.0, 25.0], r.Days.Select(d => Math.Round(d.Attempts, 6)));
        Assert.Equal([50.0, 25.0, 25.0], r.Days.Select(d => Math.Round(d.Completions, 6)));
        Assert.Equal(new DateOnly(2026, 1, 7), r.WorkedBy);
    }

    [Fact]
    public void Days_outside_the_calling_days_are_skipped()
    {
        // Monday and Wednesday only: the second day of work is Wednesday.
        var r = ForecastEngine.Run(Request(Campaign(days: ["Mon", "Wed"]), 1000, 5));

        Assert.Equal(0, r.Days[1].Attempts);
        Assert.Equal(200, r.Days[2].Attempts, 6);
        Assert.Equal(new DateOnly(2026, 1, 7), r.WorkedBy);
    }

    [Fact]
    public void Agents_to_finish_by_a_date_and_for_a_daily_live_target()
    {
        // 1000 attempts in one day = 500 live; an agent makes 80 live a day: 7 agents (560). Two days: 4 agents (640 live = 1280 attempts ≥ 1000; 3 make 480 = 960).
        var request = Request(Campaign(), 1000, 1);
        Assert.Equal(7, ForecastEngine.AgentsToFinishBy(request, new DateOnly(2026, 1, 5)));
        Assert.Equal(4, ForecastEngine.AgentsToFinishBy(request, new DateOnly(2026, 1, 6)));
        Assert.Equal(5, ForecastEngine.AgentsForDailyLive(Half, Campaign(), 400));
        Assert.Equal(6, ForecastEngine.AgentsForDailyLive(Half, Campaign(), 401));
    }

    [Fact]
    public void History_from_attempts_gives_shares_hours_and_productivity()
    {
        var samples = new List<AttemptSample>();
        for (var i = 0; i < 100; i++)
        {
            // Two agents, 09:00–17:00; every 4th attempt connected with 120 s talk and 20 s wrap-up, the rest no answer.
            var at = Monday9.AddMinutes(i * 480.0 / 99);
            var live = i % 4 == 0;
            samples.Add(new AttemptSample(at, at, live ? "connected" : "no_answer", live ? 1 + (i % 8 == 0 ? 1 : 0) : null, live ? 120 : null, live ? 20 : null));
        }

        var h = ForecastHistory.FromAttempts(samples, TimeZoneInfo.Utc, Campaign());

        Assert.False(h.FromDefaults);
        Assert.Equal(1, h.Days);
        Assert.Equal(0.25, h.LiveShare, 6);
        Assert.Equal(0.75, h.NoAnswerShare, 6);
        Assert.Equal(120, h.TalkMeanSeconds, 6);
        Assert.Equal(20, h.WrapMeanSeconds, 6);
        Assert.Equal(9, h.DayStartHour!.Value, 6);
        Assert.Equal(17, h.DayEndHour!.Value, 6);
        Assert.Equal(2, h.LastDayAgents);
        Assert.Equal(25.0 / 16, h.LivePerAgentHour, 6);
    }

    [Fact]
    public void Without_history_the_campaign_types_defaults_are_used()
    {
        var h = ForecastHistory.FromAttempts([], TimeZoneInfo.Utc, Campaign());

        Assert.True(h.FromDefaults);
        Assert.Equal(ForecastHistory.Defaults(Campaign()).LiveShare, h.LiveShare);
        Assert.True(h.LivePerAgentHour > 0);
        var r = ForecastEngine.Run(new ForecastRequest(Campaign(3), h, [new RemainingContacts(0, Monday9, 500)], 3, Monday9, 500));
        Assert.NotNull(r.WorkedBy);
    }
}
