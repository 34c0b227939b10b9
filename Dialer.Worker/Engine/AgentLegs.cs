using Dialer.Worker.Telephony;

namespace Dialer.Worker.Engine;

/// <summary>
/// One phone leg per agent in a worker, shared by the campaigns the agent is logged in to: a second
/// campaign must not call the agent's phone again while the first holds it. The leg's events go to every
/// campaign holding it; the last one to let go hangs it up. Thread-safe (engines run on their own loops).
/// </summary>
public sealed class AgentLegs(ITelephony telephony)
{
    private readonly Dictionary<long, Shared> legs = [];

    public ICallLeg Acquire(AgentLegRequest request, ICallObserver observer)
    {
        lock (legs)
        {
            if (!legs.TryGetValue(request.AgentId, out var shared))
            {
                shared = new Shared(this, request.AgentId);
                legs[request.AgentId] = shared;
                shared.Observers.Add(observer);
                shared.Leg = telephony.OpenAgentLeg(request, shared);
                return shared.Leg;
            }

            shared.Observers.Add(observer);
            return shared.Leg!;
        }
    }

    public void Release(long agentId, ICallObserver observer)
    {
        ICallLeg? hangup = null;
        lock (legs)
        {
            if (legs.TryGetValue(agentId, out var shared) && shared.Observers.Remove(observer) && shared.Observers.Count == 0)
            {
                legs.Remove(agentId);
                hangup = shared.Leg;
            }
        }

        hangup?.Hangup();
    }

    /// <summary>Agents with a leg open (diagnostics and tests).</summary>
    public int Count
    {
        get
        {
            lock (legs)
            {
                return legs.Count;
            }
        }
    }

    private sealed class Shared(AgentLegs owner, long agentId) : ICallObserver
    {
        public ICallLeg? Leg { get; set; }

        public List<ICallObserver> Observers { get; } = [];

        public void OnRinging(ICallLeg leg) => Each(o => o.OnRinging(leg));

        public void OnAnswered(ICallLeg leg, CallAnswer answer) => Each(o => o.OnAnswered(leg, answer));

        public void OnMachineDetected(ICallLeg leg, bool isMachine) => Each(o => o.OnMachineDetected(leg, isMachine));

        public void OnDtmf(ICallLeg leg, char digit) => Each(o => o.OnDtmf(leg, digit));

        public void OnEnded(ICallLeg leg, CallEnd end)
        {
            lock (owner.legs)
            {
                if (owner.legs.TryGetValue(agentId, out var current) && current == this)
                {
                    owner.legs.Remove(agentId);
                }
            }

            Each(o => o.OnEnded(leg, end));
        }

        private void Each(Action<ICallObserver> action)
        {
            ICallObserver[] observers;
            lock (owner.legs)
            {
                observers = [.. Observers];
            }

            foreach (var observer in observers)
            {
                action(observer);
            }
        }
    }
}
