using Dialer.Db.Forecast;
using Dialer.Db.Model;
using Xunit;

namespace Dialer.Tests.Forecast;

public sealed class ForecastEngineTests
{
    private static readonly DateTimeOffset Monday9 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private static CampaignDefinition Campaign(int maxAttempts = 1, int noAnswerMinutes = 120, IReadOnlyList<string>? days = null, string mode = CampaignModes.Predictive) => new()
    {
        Name = "f",
        Type = CampaignTypes.Care,
        Mode = mode,
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
        Assert.Equal(5, ForecastEngine.AgentsForDailyLive(request, 400));
        Assert.Equal(6, ForecastEngine.AgentsForDailyLive(request, 401));
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

    [Fact]
    public void Contacts_in_a_zone_whose_window_opens_late_are_only_dialled_in_its_window()
    {
        // Tokyo (UTC+9): 08:00–21:00 local is 23:00–12:00 UTC, so of the agents' 09:00–17:00 UTC only 09:00–12:00 can reach
        // the list: 5 agents × 10 live/h × 3 h = 150 live = 300 attempts a day, not 800.
        var request = new ForecastRequest(Campaign(), Half, [new RemainingContacts(0, Monday9, 1000, "Asia/Tokyo")], 5, Monday9, 1000);

        var r = ForecastEngine.Run(request);

        Assert.Equal(3, ForecastEngine.HoursPerDay(request), 6);
        Assert.Equal([300.0, 300.0, 300.0, 100.0], r.Days.Select(d => Math.Round(d.Attempts, 6)));
        Assert.Equal(new DateOnly(2026, 1, 8), r.WorkedBy);
        var hours = ForecastEngine.StaffingByHour(request, null, null);
        Assert.Equal([9, 10, 11, 12, 13, 14, 15, 16], hours.Select(h => h.Hour));
        Assert.Equal([1.0, 1, 1, 0, 0, 0, 0, 0], hours.Select(h => h.CallableShare));
    }

    [Fact]
    public void Calling_days_are_those_of_the_contacts_zone()
    {
        // Mondays only, contacts in Tokyo, no history (the window's hours for their zone): Monday in Tokyo is Sunday 23:00 to
        // Monday 15:00 UTC, and 08:00–21:00 of it is Sunday 23:00 to Monday 12:00 UTC; from Monday 00:00 UTC that is 12 hours,
        // where the campaign's own zone (UTC) would have given 08:00–21:00, 13 hours.
        var campaign = Campaign(days: ["Mon"]);
        var monday = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        var history = ForecastHistory.Defaults(campaign);
        var request = new ForecastRequest(campaign, history, [new RemainingContacts(0, monday, 100_000, "Asia/Tokyo")], 5, monday, 100_000, MaxDays: 8);

        var r = ForecastEngine.Run(request);

        Assert.Equal(12, ForecastEngine.HoursPerDay(request), 6);
        Assert.Equal(5 * history.LivePerAgentHour * 12, r.Days[0].Live, 6);
        Assert.All(r.Days.Skip(1).Take(5), d => Assert.Equal(0, d.Attempts));
        // Sunday 23:00–24:00 UTC is Monday 08:00–09:00 in Tokyo: one hour; then Monday UTC again 12 hours.
        Assert.Equal(5 * history.LivePerAgentHour, r.Days[6].Live, 6);
        Assert.Equal(r.Days[0].Attempts, r.Days[7].Attempts, 6);
    }

    [Fact]
    public void The_staffing_curve_follows_the_share_of_the_list_callable_each_hour()
    {
        // Half the list in New York (UTC-5: callable 13:00–02:00 UTC): 09:00–12:00 half the list is callable, 13:00–16:00 all.
        var campaign = Campaign();
        var request = new ForecastRequest(
            campaign,
            Half,
            [new RemainingContacts(0, Monday9, 500, "Europe/London"), new RemainingContacts(0, Monday9, 500, "America/New_York")],
            1,
            Monday9,
            1000);
        var until = new DateOnly(2026, 1, 6);

        var hours = ForecastEngine.StaffingByHour(request, until, 300);

        Assert.Equal([0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1], hours.Select(h => h.CallableShare));
        // 300 live split 1 : 2 between the morning and afternoon hours: 25 live an hour at 10 per agent-hour = 3, then 50 = 5.
        Assert.Equal([3, 3, 3, 3, 5, 5, 5, 5], hours.Select(h => h.AgentsForDailyLiveTarget));
        Assert.Equal(4, ForecastEngine.AgentsForDailyLive(request, 300));
        // To finish by Tuesday: the same shape, the fewest agents at the peak that work the list by then.
        var curve = hours.Select(h => h.AgentsToFinishByUntil!.Value).ToList();
        var peak = curve.Max();
        Assert.All(curve.Take(4), a => Assert.Equal((int)Math.Ceiling(peak / 2.0), a));
        Assert.All(curve.Skip(4), a => Assert.Equal(peak, a));
        int[] ByHour(int k) => [.. Enumerable.Range(0, 24).Select(h => h is >= 9 and < 13 ? (int)Math.Ceiling(k / 2.0) : h is >= 13 and < 17 ? k : 0)];
        Assert.True(ForecastEngine.Run(request with { AgentsByHour = ByHour(peak) }).WorkedBy <= until);
        Assert.False(ForecastEngine.Run(request with { AgentsByHour = ByHour(peak - 1) }).WorkedBy <= until);
    }

    [Fact]
    public void An_hour_with_a_low_live_share_gives_fewer_live_contacts_per_agent_and_a_smaller_part_of_the_target()
    {
        var byHour = Enumerable.Repeat(double.NaN, 24).ToArray();
        byHour[10] = 0.1;
        var history = Half with { LiveShareByHour = byHour, TalkMeanSeconds = 150, WrapMeanSeconds = 30 };
        var predictive = Campaign();
        var progressive = Campaign(mode: CampaignModes.Progressive);

        // Cycle per live call: talk + wrap + (1 − a)/a × ring ÷ lines; predictive dials 3 lines per agent, progressive one.
        Assert.Equal(10, ForecastEngine.LivePerAgentHourAt(predictive, history, 9), 9);
        Assert.Equal(10 * (180 + 22.0 / 3) / (180 + 9 * 22.0 / 3), ForecastEngine.LivePerAgentHourAt(predictive, history, 10), 9);
        Assert.Equal(10 * (180 + 22.0) / (180 + 9 * 22.0), ForecastEngine.LivePerAgentHourAt(progressive, history, 10), 9);
        var request = new ForecastRequest(predictive, history, [new RemainingContacts(0, Monday9, 1000)], 1, Monday9, 1000);
        var hours = ForecastEngine.StaffingByHour(request, null, 800);
        // 800 live split by live share over seven hours at 0.5 and one at 0.1.
        var share = 800 / (7 * 0.5 + 0.1);
        Assert.Equal((int)Math.Ceiling(share * 0.5 / 10), hours.Single(h => h.Hour == 9).AgentsForDailyLiveTarget);
        Assert.Equal((int)Math.Ceiling(share * 0.1 / ForecastEngine.LivePerAgentHourAt(predictive, history, 10)), hours.Single(h => h.Hour == 10).AgentsForDailyLiveTarget);
    }

    [Fact]
    public void An_agentless_campaign_is_limited_by_its_lines_and_call_rate_not_agents()
    {
        // Mean attempt: 0.5 × 60 s talk + 0.5 × 22 s ring = 41 s; 10 lines → 10 × 3600 ÷ 41 attempts an hour, 8 hours.
        var history = Half with { TalkMeanSeconds = 60 };
        var agentless = Campaign(mode: CampaignModes.Agentless) with { MaxLines = 10, CallsPerSecond = 5, RingTimeoutSeconds = 22 };
        var request = new ForecastRequest(agentless, history, [new RemainingContacts(0, Monday9, 100_000)], 0, Monday9, 100_000, MaxDays: 2);

        var r = ForecastEngine.Run(request);

        Assert.Equal(8 * 10 * 3600 / 41.0, r.Days[0].Attempts, 6);
        Assert.Equal(r.Days[0].Attempts / 2, r.Days[0].Live, 6);
        Assert.Equal(r.Days[0].Attempts, ForecastEngine.Run(request with { Agents = 50 }).Days[0].Attempts, 6);
        // The call rate limits when lower: 0.05 a second = 180 an hour.
        Assert.Equal(8 * 180, ForecastEngine.Run(request with { Campaign = agentless with { CallsPerSecond = 0.05 } }).Days[0].Attempts, 6);
        var hours = ForecastEngine.StaffingByHour(request, new DateOnly(2026, 1, 6), 100);
        Assert.All(hours, h => Assert.Null(h.AgentsForDailyLiveTarget));
        Assert.All(hours, h => Assert.Null(h.AgentsToFinishByUntil));
    }

    [Fact]
    public void The_defaults_abandon_share_follows_the_campaigns_abandon_cap_in_predictive_mode_only()
    {
        var h3 = ForecastHistory.Defaults(Campaign() with { AbandonCapPercent = 3 });
        var h1 = ForecastHistory.Defaults(Campaign() with { AbandonCapPercent = 1 });
        var progressive = ForecastHistory.Defaults(Campaign(mode: CampaignModes.Progressive));

        // The pacer settles at 85 % of the cap: abandoned ÷ (connected + abandoned) = 0.85 × cap.
        Assert.Equal(0.0255, h3.AbandonedShare / (h3.LiveShare + h3.AbandonedShare), 9);
        Assert.Equal(0.0085, h1.AbandonedShare / (h1.LiveShare + h1.AbandonedShare), 9);
        Assert.Equal(0, progressive.AbandonedShare);
        // A cap over the profile's legal cap counts as the legal cap.
        var h9 = ForecastHistory.Defaults(Campaign() with { AbandonCapPercent = 9 });
        Assert.Equal(h3.AbandonedShare, h9.AbandonedShare, 12);
        Assert.Equal(1, h3.LiveShare + h3.AbandonedShare + h3.MachineShare + h3.BusyShare + h3.NoAnswerShare + h3.InvalidShare + h3.OtherShare, 9);
    }
}
