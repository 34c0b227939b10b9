using Dialer.Db.Model;
using Dialer.Worker.Engine;

namespace Dialer.Worker.Pacing;

/// <summary>Tuning of the predictive pacer.</summary>
public sealed record PredictiveOptions
{
    /// <summary>The abandon rate aimed at, as a fraction of the cap, keeping a margin for chance.</summary>
    public double TargetFractionOfCap { get; init; } = 0.85;

    /// <summary>How fast the risk threshold learns: its log moves by this per live answer.</summary>
    public double LearningRate { get; init; } = 0.002;

    /// <summary>Starting marginal risk threshold.</summary>
    public double InitialThreshold { get; init; } = 0.03;

    public double MaxThreshold { get; init; } = 0.35;

    /// <summary>Fraction of the cap at which the day's (and 30 days') budget guard starts to brake.</summary>
    public double GuardFractionOfCap { get; init; } = 0.93;

    /// <summary>Live answers per working agent over which the guard spreads what is left of the budget (small teams brake sooner).</summary>
    public double GuardHorizonPerAgent { get; init; } = 15;

    public double GuardHorizonMax { get; init; } = 300;

    /// <summary>Threshold per unit of average budget left, when the guard brakes.</summary>
    public double GuardGain { get; init; } = 1.0;

    /// <summary>
    /// The day's hard limit: the largest chance allowed that the live answers of the unreserved calls ringing outnumber
    /// the abandons the day has earned (so that, were they all abandoned, the day would end over the cap).
    /// </summary>
    public double CapRisk { get; init; } = 0.001;

}

/// <summary>
/// The predictive pacer. For each candidate call it forecasts, at several points of the live time-to-answer
/// distribution, how many agents will be free (ready now, or finishing wrap-up or talk — elapsed times held
/// against the observed distributions) and how many live answers from calls already ringing will want them
/// first; the probability that the new call would find no agent within 2 s follows exactly from the two
/// Poisson-binomial counts. A call is launched only while that marginal abandon probability stays under a
/// threshold learnt from outcomes (it settles where abandons run at 85 % of the cap) and inside the budget
/// left under the cap for the day and for the rolling 30 days. With no budget left (or too little data) it
/// falls back to progressive dialing, which cannot abandon.
/// </summary>
public sealed class PredictivePacer(PredictiveOptions? options = null) : IPacer
{
    private const int AnswerPoints = 5;
    private const int WrapPoints = 4;
    private readonly PredictiveOptions options = options ?? new PredictiveOptions();
    private readonly double[] answerAt = new double[AnswerPoints];
    private readonly double[] answerCdf = new double[AnswerPoints];
    private readonly double[] wrapAt = new double[WrapPoints];
    private readonly PoissonBinomial[] supply = [.. Enumerable.Range(0, AnswerPoints).Select(_ => new PoissonBinomial())];
    private readonly PoissonBinomial[] demand = [.. Enumerable.Range(0, AnswerPoints).Select(_ => new PoissonBinomial())];
    private readonly PoissonBinomial exposure = new();
    private int readyNow;
    private int waitingNow;
    private double logThreshold = double.NaN;
    private long seenLive;
    private long seenAbandoned;

    public string Name => CampaignModes.Predictive;

    /// <summary>The marginal risk threshold of the last forecast (diagnostics).</summary>
    public double LastThreshold { get; private set; }

    /// <summary>Sum of the forecast abandon risk of every call launched (diagnostics: calibration).</summary>
    public double SumRisk { get; private set; }

    public long Launched { get; private set; }

    /// <summary>What the last plan was based on: warmup, fallback or forecast.</summary>
    public string LastBasis { get; private set; } = "warmup";

    public PacingPlan Plan(CampaignEngine engine)
    {
        var s = PacingSnapshot.Of(engine);
        var stats = engine.Stats;
        if (!stats.IsWarm || stats.LiveRate < 0.005)
        {
            LastBasis = "warmup";
            return Fallback(s);
        }

        var threshold = Learn(engine);
        var allowance = GuardAllowance(engine);
        var maxLines = (int)Math.Floor(engine.Campaign.Definition.MaxDialRatio * s.Working) - s.UnreservedPending;
        var hardLimit = HardLimit(engine, s, stats, maxLines);
        if (allowance <= 0)
        {
            LastBasis = "fallback";
            return Fallback(s);
        }

        LastBasis = "forecast";
        threshold = Math.Min(threshold, options.GuardGain * allowance);
        LastThreshold = threshold;
        maxLines = Math.Min(maxLines, hardLimit);
        if (maxLines <= 0)
        {
            // No unreserved call may be launched: it waits for the calls ringing or for another agent to come free. When
            // nothing rings and every working agent is ready already, nothing will change by waiting: ready agents get a
            // reserved (progressive) call, which cannot be abandoned. Waiting there stalled a one-agent team for good (the
            // day earns room for an abandon only after about thirty live answers, which never came).
            if (s.UnreservedPending > 0 || s.Waiting > 0 || s.Ready < s.Working)
            {
                return PacingPlan.None;
            }

            LastBasis = "fallback";
            return Fallback(s);
        }

        Forecast(engine, s, stats);
        var live = stats.LiveRate;
        var launch = 0;
        while (launch < maxLines)
        {
            var risk = 0.0;
            for (var k = 0; k < AnswerPoints; k++)
            {
                // The new call finds no agent when the free agents are not more than the live answers ahead of it.
                risk += PoissonBinomial.ProbabilityNotAbove(supply[k], readyNow, demand[k], waitingNow);
            }

            risk /= AnswerPoints;
            if (risk > threshold)
            {
                break;
            }

            launch++;
            SumRisk += risk;
            Launched++;
            for (var k = 0; k < AnswerPoints; k++)
            {
                demand[k].Add(live * answerCdf[k]);
            }
        }

        return new PacingPlan(launch, 0);
    }

    /// <summary>
    /// The marginal risk threshold, learnt from outcomes: it rises a little with every live answer that
    /// reached an agent and falls with every abandon, settling where abandons run at the target rate.
    /// </summary>
    public double Learn(CampaignEngine engine)
    {
        var target = engine.Campaign.AbandonCap * options.TargetFractionOfCap;
        if (double.IsNaN(logThreshold))
        {
            logThreshold = Math.Log(options.InitialThreshold);
            (seenLive, seenAbandoned) = (engine.Abandons.TotalLive, engine.Abandons.TotalAbandoned);
        }

        var live = engine.Abandons.TotalLive - seenLive;
        var abandoned = engine.Abandons.TotalAbandoned - seenAbandoned;
        (seenLive, seenAbandoned) = (engine.Abandons.TotalLive, engine.Abandons.TotalAbandoned);
        if (live > 0 || abandoned > 0)
        {
            logThreshold += options.LearningRate * ((target * live) - abandoned) / target;
            logThreshold = Math.Clamp(logThreshold, Math.Log(1e-4), Math.Log(options.MaxThreshold));
        }

        return Math.Exp(logThreshold);
    }

    /// <summary>
    /// The budget guard: the average abandon probability per live answer still affordable before the day (or
    /// the rolling 30 days) would reach the guard level under the cap. At zero the pacer falls back to progressive.
    /// </summary>
    private double GuardAllowance(CampaignEngine engine)
    {
        var guard = engine.Campaign.AbandonCap * options.GuardFractionOfCap;
        var working = engine.Agents.Count(a => a.State.IsWorking() && !a.Unassigned);
        var horizon = Math.Clamp(options.GuardHorizonPerAgent * working, 30, options.GuardHorizonMax);
        var today = engine.Campaign.LocalDay(engine.Now);
        var day = engine.Abandons.Get(today);
        var rolling = engine.Abandons.Rolling30(today);
        var dayAllowance = ((guard * (day.Live + horizon)) - day.Abandoned) / horizon;
        var rollingAllowance = ((guard * (rolling.Live + horizon)) - rolling.Abandoned) / horizon;
        return Math.Min(dayAllowance, rollingAllowance);
    }

    /// <summary>
    /// The day's hard limit: how many more calls may be dialed unreserved while the chance stays below
    /// <see cref="PredictiveOptions.CapRisk"/> that the cap is broken even if every live answer waiting now and every one
    /// still to come from the unreserved calls ringing and the new ones found no agent but those ready now, less one (an
    /// agent may pause or leave while the calls ring), and however the day goes on. The abandons a day may have are those
    /// already earned by its live answers (also on the day a call dialed now may be answered, and over the rolling 30
    /// days); every further abandon is also a live answer. Unlike the budget guard this lends nothing against live
    /// answers still to come, so a quiet day (one that ends early, or has few answers) ends under the cap too.
    /// </summary>
    private int HardLimit(CampaignEngine engine, PacingSnapshot s, PacingStatistics stats, int wanted)
    {
        var campaign = engine.Campaign;
        var cap = campaign.AbandonCap;
        var now = engine.Now;
        var today = campaign.LocalDay(now);
        var later = campaign.LocalDay(now + campaign.RingTimeout + CampaignEngine.AbandonAfter + TimeSpan.FromSeconds(5));
        var earned = Math.Min(Earned(engine.Abandons.Get(today)), Earned(engine.Abandons.Rolling30(today)));
        if (later != today)
        {
            earned = Math.Min(earned, Math.Min(Earned(engine.Abandons.Get(later)), Earned(engine.Abandons.Rolling30(later))));
        }

        var room = earned - s.Waiting + Math.Max(0, s.Ready - 1);
        if (room < 0 || wanted <= 0)
        {
            return 0;
        }

        exposure.Clear();
        var live = stats.LiveRate;
        foreach (var call in engine.Calls)
        {
            if (!call.Reserved && call.Phase is CallPhase.Dialing or CallPhase.Ringing)
            {
                var elapsed = (now - call.DialedAt).TotalSeconds;
                // Still ringing at this age, it resolves at this age or later: P(X ≥ elapsed), exact. With P(X > elapsed) (and
                // the interpolated table) the calls of a fixed ring time still to be answered at the instant the others dialed
                // with them were answered counted for nothing, and a day ended over the cap.
                var pending = 1 - stats.Resolution.CdfBelow(elapsed);
                var liveLater = 1 - stats.LiveAnswer.CdfBelow(elapsed);
                exposure.Add(pending <= 0.001 ? live : Math.Clamp(live * liveLater / pending, 0, 1));
            }
        }

        var limit = 0;
        while (limit < wanted)
        {
            exposure.Add(live);
            if (Above(exposure, room) > options.CapRisk)
            {
                break;
            }

            limit++;
        }

        return limit;

        long Earned((long Live, long Abandoned) v) => (long)Math.Floor(((cap * v.Live) - v.Abandoned) / (1 - cap));
    }

    /// <summary>P(X &gt; k).</summary>
    private static double Above(PoissonBinomial x, long k)
    {
        var notAbove = 0.0;
        for (var i = 0; i <= Math.Min(k, x.Max); i++)
        {
            notAbove += x.At(i);
        }

        return Math.Max(0, 1 - notAbove);
    }

    /// <summary>Progressive for ready agents beyond those the calls already ringing may need.</summary>
    private static PacingPlan Fallback(PacingSnapshot s) => new(0, Math.Max(0, s.Ready - s.UnreservedPending));

    private void Forecast(CampaignEngine engine, PacingSnapshot s, PacingStatistics stats)
    {
        var now = engine.Now;
        var live = stats.LiveRate;
        for (var k = 0; k < AnswerPoints; k++)
        {
            answerAt[k] = stats.LiveAnswer.Quantile((k + 0.5) / AnswerPoints);
            answerCdf[k] = (k + 0.5) / AnswerPoints;
            supply[k].Clear();
            demand[k].Clear();
        }

        readyNow = s.Ready;
        waitingNow = s.Waiting;

        for (var m = 0; m < WrapPoints; m++)
        {
            wrapAt[m] = stats.Wrap.Quantile((m + 0.5) / WrapPoints);
        }

        var grace = CampaignEngine.AbandonAfter.TotalSeconds;
        foreach (var agent in engine.Agents)
        {
            if (agent.Unassigned)
            {
                continue;
            }

            if (agent.State == AgentState.WrapUp)
            {
                var elapsed = (now - agent.Since).TotalSeconds;
                for (var k = 0; k < AnswerPoints; k++)
                {
                    AddSupply(k, stats.Wrap.ConditionalCdf(elapsed, elapsed + answerAt[k] + grace));
                }
            }
            else if (agent.State == AgentState.OnCall && agent.Call?.ConnectedAt is { } connected)
            {
                // Free when the rest of the talk and then the wrap-up are over.
                var elapsed = (now - connected).TotalSeconds;
                var talked = stats.Talk.FastCdf(elapsed);
                var remaining = 1 - talked;
                var tail = remaining * stats.Talk.Count < 1.5;
                for (var k = 0; k < AnswerPoints; k++)
                {
                    var horizon = answerAt[k] + grace;
                    var p = 0.0;
                    for (var m = 0; m < WrapPoints; m++)
                    {
                        var rest = horizon - wrapAt[m];
                        if (rest <= 0)
                        {
                            continue;
                        }

                        p += tail
                            ? 1 - Math.Exp(-rest / Math.Max(1, stats.Talk.Mean))
                            : Math.Max(0, stats.Talk.FastCdf(elapsed + rest) - talked) / remaining;
                    }

                    AddSupply(k, Math.Min(1, p / WrapPoints));
                }
            }
        }

        foreach (var call in engine.Calls)
        {
            if (call.Reserved || call.Phase is not (CallPhase.Dialing or CallPhase.Ringing))
            {
                continue;
            }

            // As in the hard limit, a call still ringing at this age may yet be answered at this very age; and the chance of a
            // live answer within the horizon comes from the same exact counts (the interpolated table left out most of the
            // calls of a fixed ring time answered in the next instant, and abandons ran a point higher).
            var elapsed = (now - call.DialedAt).TotalSeconds;
            var pending = 1 - stats.Resolution.CdfBelow(elapsed);
            if (pending <= 0.001)
            {
                continue;
            }

            var before = stats.LiveAnswer.CdfBelow(elapsed);
            for (var k = 0; k < AnswerPoints; k++)
            {
                demand[k].Add(Math.Clamp(live * (stats.LiveAnswer.Cdf(elapsed + answerAt[k]) - before) / pending, 0, 1));
            }
        }
    }

    private void AddSupply(int k, double p) => supply[k].Add(p);

    /// <summary>Standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7).</summary>
    internal static double NormalCdf(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + (0.3275911 * x));
        var y = 1 - ((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
    }
}
