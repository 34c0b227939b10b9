using System.Collections.Concurrent;
using Dialer.Db.Model;
using Dialer.Worker.Bench;
using Dialer.Worker.Clock;
using Dialer.Worker.Compliance;
using Dialer.Worker.Engine;
using Dialer.Worker.Pacing;
using Dialer.Worker.Simulation;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Engine;

/// <summary>
/// Two findings of the crash harness: engine loops and the carrier's timer threads deadlocked on the agent
/// legs' lock and the simulated carrier's lock, and a simulated agent's disposition hung on a timer that
/// nothing held.
/// </summary>
public sealed class SimulationConcurrencyTests
{
    // Long enough for a loaded CI machine; a deadlock never ends.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void AnAgentLegOpensWhileAnotherAgentsLegAnswersOnTheCarriersThread()
    {
        // An engine loop opens agent 2's phone leg while the carrier's timer thread reports agent 1's answer.
        // The carrier below holds each thread at the point where one held its lock and wanted the other's.
        var timers = new HeldTimers();
        using var meet = new Barrier(2);
        var legs = new AgentLegs(new MeetingCarrier(new SimulatedCarrier(timers, new SimulationProfile(), 1), meet));
        using var answered = new ManualResetEventSlim();
        legs.Acquire(new AgentLegRequest(1, "agent1"), new Observer { Answered = answered.Set });

        var carrierThread = Run(timers.FireNext);
        var engineThread = Run(() => legs.Acquire(new AgentLegRequest(2, "agent2"), new Observer()));

        Assert.True(carrierThread.Join(Wait) & engineThread.Join(Wait), "the engine loop and the carrier's timer thread deadlocked");
        Assert.True(answered.IsSet);
        Assert.Equal(2, legs.Count);
    }

    [Fact]
    public void AgentLegsDoNotHoldTheirLockWhileTheCarrierOpensALeg()
    {
        AgentLegs legs = null!;
        var readMeanwhile = false;
        var carrier = new ProbingCarrier(new SimulatedCarrier(new HeldTimers(), new SimulationProfile(), 1),
            () => readMeanwhile = Task.Run(() => legs.Count).Wait(Wait));
        legs = new AgentLegs(carrier);

        legs.Acquire(new AgentLegRequest(1, "agent1"), new Observer());

        Assert.True(readMeanwhile, "another thread could not use the agent legs while a leg was being opened");
        Assert.Equal(1, legs.Count);
    }

    [Fact]
    public void TheSimulatedCarrierTakesCallsWhileItReportsAnEvent()
    {
        var timers = new HeldTimers();
        var carrier = new SimulatedCarrier(timers, new SimulationProfile(), 1);
        var openedMeanwhile = false;
        carrier.OpenAgentLeg(new AgentLegRequest(1, "agent1"), new Observer
        {
            Answered = () => openedMeanwhile = Task.Run(() => carrier.OpenAgentLeg(new AgentLegRequest(2, "agent2"), new Observer())).Wait(Wait),
        });

        timers.FireNext(); // agent 1's phone answers

        Assert.True(openedMeanwhile, "the carrier stayed locked while its observer ran");
    }

    [Fact]
    public void ASimulatedAgentEndsWrapUpWhenNothingElseHoldsItsTimer()
    {
        // Live answer after 3 s, 20 s of talk, 5 s of wrap-up; the campaign's own wrap-up limit is far off.
        var start = new DateTimeOffset(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);
        var clock = new VirtualTimeProvider(start);
        var carrier = new SimulatedCarrier(clock, EngineHarness.Everyone("live", 3, 20), 1);
        var store = new InMemoryDialing(start);
        var campaign = new CampaignRuntime(1, EngineHarness.Campaign(d => d with { WrapUpSeconds = 600 }));
        var engine = new CampaignEngine(campaign, new ForgetfulScheduler(clock), carrier, new ProgressivePacer(), store, store, store, new ComplianceGate());
        using var agents = new SimulatedAgents(engine, () => carrier.Profile, 1);
        var wrapUps = 0;
        engine.AgentChanged += agent =>
        {
            if (agent.State == AgentState.WrapUp)
            {
                // What a garbage collection at this moment takes: every timer nothing references.
                wrapUps++;
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        };
        engine.Login(1, null);
        engine.Start();

        clock.Advance(TimeSpan.FromSeconds(3 + 20 + 5 + 1));

        Assert.Equal(1, wrapUps);
        Assert.NotEqual(AgentState.WrapUp, engine.FindAgent(1)!.State);
        Assert.Equal(5, store.WrapSeconds);
    }

    private static Thread Run(Action action)
    {
        var thread = new Thread(() => action()) { IsBackground = true };
        thread.Start();
        return thread;
    }

    /// <summary>Timers that fire only when the test fires them, on the test's chosen thread.</summary>
    private sealed class HeldTimers : TimeProvider
    {
        private readonly ConcurrentQueue<(TimerCallback Callback, object? State, Held Timer)> created = new();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new Held();
            created.Enqueue((callback, state, timer));
            return timer;
        }

        /// <summary>Fires the oldest timer not yet fired (unless disposed).</summary>
        public void FireNext()
        {
            if (created.TryDequeue(out var next) && !next.Timer.Disposed)
            {
                next.Callback(next.State);
            }
        }

        private sealed class Held : ITimer
        {
            public bool Disposed { get; private set; }

            public bool Change(TimeSpan dueTime, TimeSpan period) => !Disposed;

            public void Dispose() => Disposed = true;

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }

    /// <summary>
    /// The virtual loop, except that a pending timer is dropped once nothing references it: what a timer on a
    /// TimeProvider that does not keep its timers alive (System.Threading.Timer) does.
    /// </summary>
    private sealed class ForgetfulScheduler(VirtualTimeProvider clock) : IEngineScheduler
    {
        public TimeProvider Time => clock;

        public IDisposable After(TimeSpan delay, Action action)
        {
            var pending = new Pending(action);
            var weak = new WeakReference<Pending>(pending);
            pending.Timer = clock.CreateTimer(_ =>
            {
                if (weak.TryGetTarget(out var p))
                {
                    p.Action();
                }
            }, null, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
            return pending;
        }

        public void Post(Action action) => clock.CreateTimer(_ => action(), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        private sealed class Pending(Action action) : IDisposable
        {
            public Action Action => action;

            public ITimer? Timer { get; set; }

            public void Dispose() => Timer?.Dispose();
        }
    }

    /// <summary>Meets the other thread on agent 1's answer (on the carrier's thread) and before opening agent 2's leg.</summary>
    private sealed class MeetingCarrier(ITelephony inner, Barrier meet) : ITelephony
    {
        public string Name => inner.Name;

        public ICallLeg Dial(DialRequest request, ICallObserver observer) => inner.Dial(request, observer);

        public ICallLeg OpenAgentLeg(AgentLegRequest request, ICallObserver observer)
        {
            if (request.AgentId == 1)
            {
                return inner.OpenAgentLeg(request, new MeetOnAnswer(observer, meet));
            }

            meet.SignalAndWait(Wait);
            return inner.OpenAgentLeg(request, observer);
        }

        private sealed class MeetOnAnswer(ICallObserver inner, Barrier meet) : ICallObserver
        {
            public void OnRinging(ICallLeg leg) => inner.OnRinging(leg);

            public void OnAnswered(ICallLeg leg, CallAnswer answer)
            {
                meet.SignalAndWait(Wait);
                inner.OnAnswered(leg, answer);
            }

            public void OnMachineDetected(ICallLeg leg, bool isMachine) => inner.OnMachineDetected(leg, isMachine);

            public void OnDtmf(ICallLeg leg, char digit) => inner.OnDtmf(leg, digit);

            public void OnEnded(ICallLeg leg, CallEnd end) => inner.OnEnded(leg, end);
        }
    }

    /// <summary>Runs <c>probe</c> while opening an agent leg.</summary>
    private sealed class ProbingCarrier(ITelephony inner, Action probe) : ITelephony
    {
        public string Name => inner.Name;

        public ICallLeg Dial(DialRequest request, ICallObserver observer) => inner.Dial(request, observer);

        public ICallLeg OpenAgentLeg(AgentLegRequest request, ICallObserver observer)
        {
            probe();
            return inner.OpenAgentLeg(request, observer);
        }
    }

    private sealed class Observer : ICallObserver
    {
        public Action? Answered { get; init; }

        public void OnRinging(ICallLeg leg)
        {
        }

        public void OnAnswered(ICallLeg leg, CallAnswer answer) => Answered?.Invoke();

        public void OnMachineDetected(ICallLeg leg, bool isMachine)
        {
        }

        public void OnDtmf(ICallLeg leg, char digit)
        {
        }

        public void OnEnded(ICallLeg leg, CallEnd end)
        {
        }
    }
}
