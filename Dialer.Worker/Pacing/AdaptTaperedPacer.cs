using Dialer.Worker.Engine;

namespace Dialer.Worker.Pacing;

/// <summary>
/// An emulation of VICIdial's ADAPT_TAPERED dial method, for the benchmark: every 15 s the dial level is
/// recomputed from the mean number of ready agents minus waiting calls over the interval (up to 3.0); the
/// day's drop percentage is the clamp — allowed to run over the target early in the shift, tapering to the
/// target by its end — and while over it the level falls back to 1.0.
/// </summary>
public sealed class AdaptTaperedPacer(TimeSpan shift, DateTimeOffset shiftStart) : IPacer
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);
    private DateTimeOffset nextUpdate = DateTimeOffset.MinValue;
    private DateTimeOffset lastSample = DateTimeOffset.MinValue;
    private DateTimeOffset dayStart = shiftStart;
    private double sumDiff;
    private int samples;

    public double Level { get; private set; } = 1.0;

    public string Name => "vicidial-adapt-tapered";

    public PacingPlan Plan(CampaignEngine engine)
    {
        var s = PacingSnapshot.Of(engine);
        var now = engine.Now;
        if (now - lastSample >= TimeSpan.FromSeconds(1))
        {
            lastSample = now;
            sumDiff += s.Ready - s.Waiting;
            samples++;
        }

        if (now >= nextUpdate)
        {
            while (now - dayStart >= TimeSpan.FromDays(1))
            {
                dayStart = dayStart.AddDays(1);
            }

            Update(engine, s, now);
            nextUpdate = now + Interval;
        }

        var target = (int)Math.Round(Level * s.Working, MidpointRounding.AwayFromZero);
        return new PacingPlan(Math.Max(0, target - s.CallsUp), 0);
    }

    private void Update(CampaignEngine engine, PacingSnapshot s, DateTimeOffset now)
    {
        var meanDiff = samples == 0 ? 0 : sumDiff / samples;
        sumDiff = 0;
        samples = 0;
        var day = engine.Abandons.Get(engine.Campaign.LocalDay(now));
        var dropPercent = day.Live == 0 ? 0 : 100.0 * day.Abandoned / day.Live;
        var elapsed = Math.Clamp((now - dayStart) / shift, 0, 1);
        // Tapered: the first half of the shift may run up to twice the target, falling to the target at its end.
        var allowed = engine.Campaign.AbandonCap * 100 * (elapsed < 0.5 ? 2.0 : 1.0 + ((1 - elapsed) * 2));
        if (dropPercent > allowed)
        {
            Level = 1.0;
            return;
        }

        var working = Math.Max(1, s.Working);
        // Ready agents with no calls for them raise the level; calls waiting for agents lower it.
        Level = Math.Clamp(Level + (meanDiff / working * 2.0), 1.0, 3.0);
    }
}
