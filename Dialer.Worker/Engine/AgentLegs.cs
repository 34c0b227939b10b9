using Dialer.Worker.Telephony;

namespace Dialer.Worker.Engine;

/// <summary>
/// One phone leg per agent in a worker, shared by the campaigns the agent is logged in to: a second
/// campaign must not call the agent's phone again while the first holds it. The leg's events go to every
/// campaign holding it; the last one to let go hangs it up. Thread-safe (engines run on their own loops).
/// </summary>
/// <remarks>
/// Lock order: <c>legs</c> guards the table only and is never held while calling out (into the telephony or
/// an observer), because carriers raise leg events on their own threads, possibly under their own locks, and
/// the events take <c>legs</c>. <c>opening</c> is held while a leg is opened, so that a second campaign
/// waits for the first one's leg instead of ringing the phone again; leg events never take it.
/// </remarks>
public sealed class AgentLegs(ITelephony telephony)
{
    private readonly Dictionary<long, Shared> legs = [];
    private readonly object opening = new();

    public ICallLeg Acquire(AgentLegRequest request, ICallObserver observer)
    {
        lock (opening)
        {
            Shared shared;
            lock (legs)
            {
                if (legs.TryGetValue(request.AgentId, out var held))
                {
                    held.Observers.Add(observer);
                    return held.Leg!;
                }

                // In the table before the carrier is called: events it raises meanwhile reach the observer.
                shared = new Shared(this, request.AgentId);
                shared.Observers.Add(observer);
                legs[request.AgentId] = shared;
            }

            ICallLeg leg;
            try
            {
                leg = telephony.OpenAgentLeg(request, shared);
            }
            catch
            {
                Forget(shared);
                throw;
            }

            lock (legs)
            {
                shared.Leg = leg;
            }

            return leg;
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

    private void Forget(Shared shared)
    {
        lock (legs)
        {
            if (legs.TryGetValue(shared.AgentId, out var current) && current == shared)
            {
                legs.Remove(shared.AgentId);
            }
        }
    }

    private sealed class Shared(AgentLegs owner, long agentId) : ICallObserver
    {
        public long AgentId => agentId;

        public ICallLeg? Leg { get; set; }

        public List<ICallObserver> Observers { get; } = [];

        public void OnRinging(ICallLeg leg) => Each(o => o.OnRinging(leg));

        public void OnAnswered(ICallLeg leg, CallAnswer answer) => Each(o => o.OnAnswered(leg, answer));

        public void OnMachineDetected(ICallLeg leg, bool isMachine) => Each(o => o.OnMachineDetected(leg, isMachine));

        public void OnDtmf(ICallLeg leg, char digit) => Each(o => o.OnDtmf(leg, digit));

        public void OnEnded(ICallLeg leg, CallEnd end)
        {
            owner.Forget(this);
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
