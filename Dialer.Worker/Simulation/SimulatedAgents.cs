using Dialer.Worker.Engine;

namespace Dialer.Worker.Simulation;

/// <summary>
/// Agents for the demo and the benchmark: they take every call, and after the drawn wrap-up time record a
/// disposition, which makes them ready again. Live, only the agents <c>isSimulated</c> names are driven.
/// </summary>
public sealed class SimulatedAgents
{
    private readonly Random random;
    private readonly CampaignEngine engine;

    public SimulatedAgents(CampaignEngine engine, Func<SimulationProfile> profile, int seed, Func<long, bool>? isSimulated = null)
    {
        this.engine = engine;
        random = new Random(seed);
        engine.AgentChanged += agent =>
        {
            if (agent.State == AgentState.WrapUp && agent.Call is { } call && (isSimulated is null || isSimulated(agent.Id)))
            {
                var wrap = profile().WrapSeconds.Sample(random);
                engine.Loop.After(TimeSpan.FromSeconds(wrap), () =>
                {
                    if (agent.State == AgentState.WrapUp && agent.Call == call)
                    {
                        engine.Dispose(agent.Id, new Disposition(Dispositions.FirstOrDefault() ?? "done"));
                    }
                });
            }
        };
    }

    private IReadOnlyList<string> Dispositions => engine.Campaign.Definition.Dispositions;
}
