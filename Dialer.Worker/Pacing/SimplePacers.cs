using Dialer.Db.Model;
using Dialer.Worker.Engine;

namespace Dialer.Worker.Pacing;

/// <summary>Preview: every ready agent is offered a contact and dials or skips it.</summary>
public sealed class PreviewPacer : IPacer
{
    public string Name => CampaignModes.Preview;

    public PacingPlan Plan(CampaignEngine engine) => new(0, 0, PacingSnapshot.Of(engine).Ready);
}

/// <summary>Progressive: one line per ready agent, the agent set aside for it, so nothing is ever abandoned.</summary>
public sealed class ProgressivePacer : IPacer
{
    public string Name => CampaignModes.Progressive;

    public PacingPlan Plan(CampaignEngine engine) => new(0, PacingSnapshot.Of(engine).Ready);
}

/// <summary>
/// A fixed dial level: lines = ratio × working agents, counting every customer call still up (the
/// classic dial-level rule). Ratio 1.0 behaves close to progressive without reserving agents.
/// </summary>
public sealed class FixedRatioPacer(double ratio) : IPacer
{
    public double Ratio => ratio;

    public string Name => $"fixed-{ratio:0.0}";

    public PacingPlan Plan(CampaignEngine engine)
    {
        var s = PacingSnapshot.Of(engine);
        var target = (int)Math.Round(ratio * s.Working, MidpointRounding.AwayFromZero);
        return new PacingPlan(Math.Max(0, target - s.CallsUp), 0);
    }
}

/// <summary>Agentless: at most MaxLines calls up and CallsPerSecond starts per second.</summary>
public sealed class AgentlessPacer : IPacer
{
    private double tokens;
    private DateTimeOffset last = DateTimeOffset.MinValue;

    public string Name => CampaignModes.Agentless;

    public PacingPlan Plan(CampaignEngine engine)
    {
        var definition = engine.Campaign.Definition;
        var now = engine.Now;
        var rate = Math.Max(0.1, definition.CallsPerSecond);
        tokens = last == DateTimeOffset.MinValue
            ? Math.Max(1, rate)
            : Math.Min(Math.Max(1, rate), tokens + ((now - last).TotalSeconds * rate));
        last = now;
        var lines = Math.Max(0, definition.MaxLines - engine.Calls.Count);
        var starts = Math.Min(lines, (int)tokens);
        tokens -= starts;
        return new PacingPlan(starts, 0);
    }
}
