using System.Text.Json.Nodes;
using Dialer.Tests.Engine;
using Dialer.Worker.Bench;
using Dialer.Worker.Pacing;

namespace Dialer.Tests.Pacing;

/// <summary>Pacing benchmark scenario files (README "Pacing benchmark"): unseen valid ones run, invalid ones are refused naming the field.</summary>
public sealed class ScenarioFileTests
{
    private const string Base = """
        {"name":"t","seed":3,"days":1,"hoursPerDay":2,"agents":4,"liveAnswerRate":0.25,"machineRate":0.15,"busyRate":0.05,
         "invalidRate":0.05,"noAnswerTimeoutSeconds":22,"ringSeconds":{"dist":"lognormal","mean":8,"cv":0.5},
         "talkSeconds":{"dist":"lognormal","mean":120,"cv":2},"wrapSeconds":{"dist":"uniform","min":5,"max":25},
         "abandonCapPercent":3.0,"changes":[]}
        """;

    private static Scenario Parse(Action<JsonObject> edit)
    {
        var node = (JsonObject)JsonNode.Parse(Base)!;
        edit(node);
        return Scenario.Parse(node, "s.json");
    }

    [Theory]
    [InlineData("agents", null, "agents is missing")]
    [InlineData("talkSeconds", null, "talkSeconds is missing")]
    [InlineData("agents", "-2", "agents must be at least 1, not -2")]
    [InlineData("agents", "\"20\"", "agents must be a number")]
    [InlineData("days", "1.5", "days must be a whole number")]
    [InlineData("busyRate", "-0.1", "busyRate must be from 0 to 1")]
    [InlineData("liveAnswerRate", "0.9", "liveAnswerRate + machineRate + busyRate + invalidRate must be at most 1")]
    [InlineData("hoursPerDay", "14", "hoursPerDay must be more than 0 and at most 12")]
    [InlineData("abandonCapPercent", "0", "abandonCapPercent must be more than 0")]
    [InlineData("talkSeconds", """{"dist":"gamma","mean":5}""", "talkSeconds.dist 'gamma' is unknown")]
    [InlineData("talkSeconds", """{"mean":120}""", "talkSeconds.dist is missing")]
    [InlineData("talkSeconds", """{"dist":"fixed","mean":120}""", "talkSeconds.mean is not a parameter of a fixed distribution")]
    [InlineData("talkSeconds", """{"dist":"lognormal","mean":120}""", "talkSeconds.cv is missing")]
    [InlineData("wrapSeconds", """{"dist":"fixed","value":-1}""", "wrapSeconds: value must be ≥ 0")]
    [InlineData("agent", "5", "unknown field 'agent'")]
    [InlineData("changes", """[{"atHour":"4","liveAnswerRate":0.1}]""", "changes[0].atHour must be a number")]
    [InlineData("changes", """[{"liveAnswerRate":0.1}]""", "changes[0].atHour is missing")]
    [InlineData("changes", """[{"atHour":2,"liveAnswerRate":0.1}]""", "changes[0].atHour must be from 0 to less than hoursPerDay (2), not 2")]
    [InlineData("changes", """[{"atHour":1,"liveAnswerRate":0.8}]""", "changes[0] (at hour 1): liveAnswerRate + machineRate + busyRate + invalidRate must be at most 1")]
    [InlineData("changes", """[{"atHour":1,"agents":3}]""", "changes[0].agents cannot change during a day")]
    [InlineData("changes", """[{"atHour":1,"talkSeconds":{"dist":"weibull"}}]""", "changes[0].talkSeconds.dist 'weibull' is unknown")]
    [InlineData("changes", "[5]", "changes[0] must be an object")]
    public void AnInvalidScenarioIsRefusedNamingTheField(string field, string? json, string message)
    {
        // Before, a missing field took a default silently, a string atHour crashed the command and a change went unchecked.
        var e = Assert.Throws<InvalidDataException>(() => Parse(n =>
        {
            n.Remove(field);
            if (json is not null)
            {
                n[field] = JsonNode.Parse(json);
            }
        }));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("s.json: ", e.Message);
    }

    [Fact]
    public void EveryScenarioShippedPassesTheChecks()
    {
        var files = Directory.GetFiles(Path.Combine(WorkerAndBenchTests.RepoRoot(), "scripts", "scenarios"), "*.json");
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Equal(Path.GetFileNameWithoutExtension(f), Scenario.Load(f).Name));
    }

    [Fact]
    public void EveryKindOfDistributionAndChangesAtSeveralHoursAreRead()
    {
        var s = Parse(n =>
        {
            n["ringSeconds"] = JsonNode.Parse("""{"dist":"exponential","mean":7}""");
            n["wrapSeconds"] = JsonNode.Parse("""{"dist":"fixed","value":0}""");
            n["changes"] = JsonNode.Parse("""[{"atHour":1.5,"liveAnswerRate":0.9,"machineRate":0,"busyRate":0,"invalidRate":0},{"atHour":0.5,"talkSeconds":{"dist":"uniform","min":30,"max":90}}]""");
            n.Remove("name");
        });
        Assert.Equal([0.5, 1.5], s.Changes.Select(c => c.AtHour));
        Assert.Equal(60, s.Changes[0].Then.TalkSeconds.Expected);
        Assert.Equal(0.9, s.Changes[1].Then.LiveAnswerRate);
        Assert.Equal(2, s.TalkSeconds.Cv);
        Assert.Equal(7, s.RingSeconds.Expected);
    }

    /// <summary>
    /// A short day with talk times of cv 2: the agents ready when dialing stopped left at once, and the live answers of the
    /// calls still ringing were all abandoned, taking the day from 2.6 % to 3.01 % against a 3 % cap.
    /// </summary>
    [Fact]
    public void AShortDayEndsUnderTheCapBecauseAgentsTakeTheCallsStillRinging()
    {
        var scenario = Parse(n =>
        {
            n["seed"] = 1;
            n["agents"] = 20;
        });

        var predictive = BenchRunner.Run(scenario, _ => new PredictivePacer());

        Assert.InRange(predictive.AbandonPercent, 0.5, scenario.AbandonCapPercent);
        Assert.InRange(predictive.WorstDayAbandonPercent, 0.5, scenario.AbandonCapPercent);
    }

    /// <summary>
    /// A fixed ring time: every call dialed at one moment is answered at one moment. The pacer held a call still ringing at
    /// that age as P(answered by then) = 1, so while some of a batch were answered the rest counted for no live answer to
    /// come, more calls were launched on them, and the day ended at 3.02 % against a 3 % cap (36 abandons out of 1,191 live
    /// answers), over it during most of the shift.
    /// </summary>
    [Theory]
    [InlineData(6, 90, 20, 2, 1)]
    [InlineData(10, 120, 50, 1, 2)]
    [InlineData(4, 120, 20, 1, 3)]
    public void AFixedRingTimeStillEndsTheDayUnderTheCap(double ring, double talk, int agents, double hours, int seed)
    {
        var scenario = FixedRing(ring, talk, agents, hours, seed);

        var predictive = BenchRunner.Run(scenario, _ => new PredictivePacer());

        Assert.InRange(predictive.WorstDayAbandonPercent, 0.5, scenario.AbandonCapPercent);
    }

    /// <summary>
    /// The hard limit alone keeps a day under the cap, whatever the learnt threshold and the budget guard allow (README
    /// "Pacing": it lends nothing against answers still to come). Here they allow any call, so only the hard limit stands
    /// between the pacer and the cap; it held the calls of a fixed ring time still ringing at the instant the others of
    /// their batch were answered as sure to bring no live answer, and days ended at 3.04–3.20 %.
    /// </summary>
    [Theory]
    [InlineData(6, 90, 20, 2, 1)]
    [InlineData(10, 120, 50, 1, 2)]
    [InlineData(4, 120, 20, 1, 3)]
    public void TheHardLimitAloneKeepsAFixedRingTimeDayUnderTheCap(double ring, double talk, int agents, double hours, int seed)
    {
        var scenario = FixedRing(ring, talk, agents, hours, seed);
        var reckless = new PredictiveOptions { InitialThreshold = 0.35, LearningRate = 0, GuardFractionOfCap = 100 };

        var predictive = BenchRunner.Run(scenario, _ => new PredictivePacer(reckless));

        Assert.InRange(predictive.WorstDayAbandonPercent, 0.5, scenario.AbandonCapPercent);
    }

    private static Scenario FixedRing(double ring, double talk, int agents, double hours, int seed) => Parse(n =>
    {
        n["seed"] = seed;
        n["agents"] = agents;
        n["hoursPerDay"] = hours;
        n["ringSeconds"] = JsonNode.Parse($$"""{"dist":"fixed","value":{{ring}}}""");
        n["talkSeconds"] = JsonNode.Parse($$"""{"dist":"fixed","value":{{talk}}}""");
        n["wrapSeconds"] = JsonNode.Parse("""{"dist":"fixed","value":10}""");
    });

    /// <summary>
    /// One agent: the day's hard limit allows no unreserved call until about thirty live answers have earned room for an
    /// abandon, and the pacer then waited for calls ringing when there were none: 5 % occupancy against progressive's 71 %.
    /// </summary>
    [Fact]
    public void WithOneAgentPredictiveDoesNotStallBelowProgressive()
    {
        var scenario = Scenario.Load(Path.Combine(WorkerAndBenchTests.RepoRoot(), "scripts", "scenarios", "base.json")) with { Agents = 1, Days = 1 };

        var predictive = BenchRunner.Run(scenario, _ => new PredictivePacer());
        var progressive = BenchRunner.Run(scenario, _ => new ProgressivePacer());

        Assert.InRange(predictive.AbandonPercent, 0, scenario.AbandonCapPercent);
        Assert.True(predictive.Occupancy >= progressive.Occupancy, $"predictive {predictive.Occupancy:0.000} vs progressive {progressive.Occupancy:0.000}");
    }
}
