using Dialer.Db.Forecast;
using Xunit;

namespace Dialer.Tests.Forecast;

public sealed class ErlangCTests
{
    [Theory]
    // Erlang C tables: 10 erlangs of traffic.
    [InlineData(11, 10.0, 0.6821)]
    [InlineData(12, 10.0, 0.4494)]
    [InlineData(13, 10.0, 0.2853)]
    [InlineData(14, 10.0, 0.1741)]
    // 2 erlangs on 3 agents: 4/9 by the closed form.
    [InlineData(3, 2.0, 0.4444)]
    public void Probability_of_waiting_matches_the_tables(int agents, double erlangs, double expected)
    {
        Assert.Equal(expected, ErlangC.ProbabilityOfWaiting(agents, erlangs), 3);
    }

    [Fact]
    public void Too_few_agents_always_wait()
    {
        Assert.Equal(1, ErlangC.ProbabilityOfWaiting(10, 10));
        Assert.Equal(0, ErlangC.ServiceLevel(9, 10, 180, 20));
    }

    [Fact]
    public void Textbook_example_200_calls_an_hour_of_180_s_at_80_in_20_needs_14_agents()
    {
        // 100 calls per half hour, 3 minutes each, 80 % answered in 20 s: 10 erlangs; 13 agents reach 79.8 %, 14 reach 89.3 %.
        var r = ErlangC.Solve(200, 180, 20, 0.8);
        Assert.Equal(10, r.TrafficErlangs, 6);
        Assert.Equal(14, r.Agents);
        Assert.Equal(0.893, r.ServiceLevel, 2);
        Assert.Equal(0.7987, ErlangC.ServiceLevel(13, 10, 180, 20), 2);
        Assert.Equal(0.1741 * 180 / 4, r.AverageSpeedOfAnswerSeconds, 0);
        Assert.Equal(10.0 / 14, r.Occupancy, 6);
    }

    [Fact]
    public void Ninety_percent_in_fifteen_seconds_needs_more_agents_than_eighty_in_twenty()
    {
        var strict = ErlangC.Solve(200, 180, 15, 0.9);
        Assert.True(strict.ServiceLevel >= 0.9);
        Assert.True(ErlangC.ServiceLevel(strict.Agents - 1, 10, 180, 15) < 0.9);
        Assert.True(strict.Agents > 14);
    }

    [Fact]
    public void No_calls_need_no_agents()
    {
        Assert.Equal(0, ErlangC.Solve(0, 180, 15, 0.9).Agents);
    }
}
