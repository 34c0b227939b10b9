using Dialer.Db.Model;
using Dialer.Worker.Engine;

namespace Dialer.Worker.Simulation;

/// <summary>
/// Agents for the demo and the benchmark: they take every call, and after the drawn wrap-up time record a
/// disposition, which makes them ready again. Live, only the agents <c>isSimulated</c> names are driven.
/// Dispose when the engine stops: the pending dispositions are cancelled.
/// </summary>
public sealed class SimulatedAgents : IDisposable
{
    private readonly Random random;
    private readonly CampaignEngine engine;
    private readonly Func<SimulationProfile> profile;
    private readonly Func<long, bool>? isSimulated;

    // The timer of each agent's coming disposition. Kept: a timer nothing references may be collected before it
    // fires (a TimeProvider need not keep it alive), and the agent would stay in wrap-up.
    private readonly Dictionary<long, IDisposable> pending = [];

    public SimulatedAgents(CampaignEngine engine, Func<SimulationProfile> profile, int seed, Func<long, bool>? isSimulated = null)
    {
        this.engine = engine;
        this.profile = profile;
        this.isSimulated = isSimulated;
        random = new Random(seed);
        engine.AgentChanged += OnAgentChanged;
    }

    public void Dispose()
    {
        engine.AgentChanged -= OnAgentChanged;
        lock (pending)
        {
            foreach (var timer in pending.Values)
            {
                timer.Dispose();
            }

            pending.Clear();
        }
    }

    /// <summary>
    /// On the engine's loop as it stops: the agents still in wrap-up record their disposition now instead of when their
    /// drawn wrap-up would have ended, so that none is left in wrap-up with no engine to end it.
    /// </summary>
    public void FinishPending()
    {
        List<long> waiting;
        lock (pending)
        {
            waiting = [.. pending.Keys];
        }

        foreach (var id in waiting)
        {
            Cancel(id);
            if (engine.FindAgent(id) is { State: AgentState.WrapUp, Call: not null })
            {
                engine.Dispose(id, new Disposition(Dispositions.FirstOrDefault() ?? "done"));
            }
        }
    }

    // On the engine's loop.
    private void OnAgentChanged(AgentSlot agent)
    {
        if (agent.State != AgentState.WrapUp || agent.Call is not { } call)
        {
            // Out of wrap-up (disposed through the Api, the campaign's wrap-up limit, logged out): nothing to do.
            Cancel(agent.Id);
            return;
        }

        if (isSimulated is not null && !isSimulated(agent.Id))
        {
            return;
        }

        var wrap = profile().WrapSeconds.Sample(random);
        IDisposable? timer = null;
        timer = engine.Loop.After(TimeSpan.FromSeconds(wrap), () =>
        {
            lock (pending)
            {
                if (!pending.TryGetValue(agent.Id, out var current) || current != timer)
                {
                    return; // cancelled meanwhile
                }

                pending.Remove(agent.Id);
            }

            if (agent.State == AgentState.WrapUp && agent.Call == call)
            {
                engine.Dispose(agent.Id, new Disposition(Dispositions.FirstOrDefault() ?? "done"));
            }
        });
        Cancel(agent.Id);
        lock (pending)
        {
            pending[agent.Id] = timer;
        }
    }

    private void Cancel(long agentId)
    {
        IDisposable? timer;
        lock (pending)
        {
            if (!pending.Remove(agentId, out timer))
            {
                return;
            }
        }

        timer.Dispose();
    }

    private IReadOnlyList<string> Dispositions => engine.Campaign.Definition.Dispositions;
}
