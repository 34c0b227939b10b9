using Dialer.Db.Model;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Simulation;

/// <summary>
/// A carrier made of distributions: every dial draws busy, invalid, live, machine or no answer, a time to
/// answer and a talk time, from one seeded random sequence, so runs repeat exactly. Events come from
/// timers of the given TimeProvider (the virtual clock in the benchmark, the system clock in the demo).
/// Live customers answer agentless survey questions with keypresses (RFC 4733 digits on a real carrier).
/// </summary>
public sealed class SimulatedCarrier(TimeProvider time, SimulationProfile profile, int seed) : ITelephony
{
    private readonly object gate = new();
    private readonly Random random = new(seed);

    // Keypresses draw from their own sequence, so that dial outcomes stay the same whatever the IVR asks.
    private readonly Random keys = new(unchecked((seed * 31) + 7));
    private readonly Random beeps = new(unchecked((seed * 17) + 3));
    private long nextId;

    private TimeProvider Time => time;

    public string Name => "simulated";

    /// <summary>Current behaviour; may be replaced while running (the benchmark's mid-day changes).</summary>
    public SimulationProfile Profile { get; set; } = profile;

    public long Dials { get; private set; }

    public ICallLeg Dial(DialRequest request, ICallObserver observer)
    {
        Plan plan;
        lock (gate)
        {
            Dials++;
            var p = Profile;
            var u = random.NextDouble();
            var ring = p.RingSeconds.Sample(random);
            var talk = p.TalkSeconds.Sample(random);
            var kind = u < p.InvalidRate ? Kind.Invalid
                : u < p.InvalidRate + p.BusyRate ? Kind.Busy
                : u < p.InvalidRate + p.BusyRate + p.LiveAnswerRate ? Kind.Live
                : u < p.InvalidRate + p.BusyRate + p.LiveAnswerRate + p.MachineRate ? Kind.Machine
                : Kind.NoAnswer;
            plan = new Plan(kind, ring, talk, p.MessageSeconds, p.RejectSeconds);
        }

        var leg = new SimulatedLeg(this, $"sim-{Interlocked.Increment(ref nextId)}", observer, plan.Talk, plan.Message);
        var timeout = request.RingTimeout.TotalSeconds;
        switch (plan.Kind)
        {
            case Kind.Invalid:
                leg.At(Math.Min(0.5, plan.Reject), l => l.End(new CallEnd(CallOutcome.Invalid, 404, "Not Found", HangupBy.Them)));
                break;
            case Kind.Busy:
                leg.At(plan.Reject, l => l.End(new CallEnd(CallOutcome.Busy, 486, "Busy Here", HangupBy.Them)));
                break;
            case Kind.NoAnswer:
                leg.At(Math.Min(0.5, timeout), l => l.Ringing());
                leg.At(timeout, l => l.End(new CallEnd(CallOutcome.NoAnswer, 480, "No answer", HangupBy.Us)));
                break;
            default:
                var ringing = Math.Min(0.5, plan.Ring / 2);
                leg.At(ringing, l => l.Ringing());
                if (plan.Ring >= timeout)
                {
                    leg.At(timeout, l => l.End(new CallEnd(CallOutcome.NoAnswer, 480, "No answer", HangupBy.Us)));
                }
                else
                {
                    leg.At(plan.Ring, l => l.Answer(plan.Kind == Kind.Machine));
                }

                break;
        }

        return leg;
    }

    public ICallLeg OpenAgentLeg(AgentLegRequest request, ICallObserver observer)
    {
        var leg = new SimulatedLeg(this, $"sim-agent-{request.AgentId}-{Interlocked.Increment(ref nextId)}", observer, 0, 0) { IsAgent = true };
        leg.At(0, l => l.Answer(false));
        return leg;
    }

    private enum Kind
    {
        Invalid,
        Busy,
        Live,
        Machine,
        NoAnswer,
    }

    private readonly record struct Plan(Kind Kind, double Ring, double Talk, double Message, double Reject);

    /// <remarks>
    /// Observers are called outside the carrier's <c>gate</c>: they take locks of their own (<see cref="Engine.AgentLegs"/>
    /// does), and a thread holding one of those may be calling into this carrier. A leg's events still come one at a
    /// time and in order, under the leg's own <c>raising</c> lock, which is taken before <c>gate</c>, never under it.
    /// </remarks>
    private sealed class SimulatedLeg(SimulatedCarrier carrier, string id, ICallObserver observer, double talk, double message) : ICallLeg
    {
        private readonly object raising = new();
        private readonly List<ITimer> timers = [];
        private bool answered;
        private bool machine;
        private bool ended;
        private ITimer? talkTimer;
        private DateTimeOffset talkEndsAt;
        private TimeSpan? talkLeftOnHold;
        private ICallLeg? peer;

        public string Id => id;

        /// <summary>The customer is on hold: the conversation's clock stands still until resumed.</summary>
        public bool Held { get; private set; }

        /// <summary>The agent is muted: the customer hears nothing of the agent.</summary>
        public bool Muted { get; private set; }

        public bool IsAgent { get; init; }

        public void At(double seconds, Action<SimulatedLeg> action) => Timer(seconds, action);

        private ITimer Timer(double seconds, Action<SimulatedLeg> action)
        {
            ITimer? timer = null;
            timer = carrier.Time.CreateTimer(_ =>
            {
                lock (raising)
                {
                    lock (carrier.gate)
                    {
                        timers.Remove(timer!);
                        if (ended)
                        {
                            return;
                        }
                    }

                    action(this);
                }
            }, null, TimeSpan.FromSeconds(Math.Max(0, seconds)), Timeout.InfiniteTimeSpan);
            lock (carrier.gate)
            {
                timers.Add(timer);
            }

            return timer;
        }

        public void Ringing() => observer.OnRinging(this);

        public void Answer(bool machine)
        {
            lock (carrier.gate)
            {
                answered = true;
                this.machine = machine;
            }

            observer.OnAnswered(this, new CallAnswer(IsAgent ? null : machine, "PCMU"));
        }

        public void End(CallEnd end)
        {
            lock (carrier.gate)
            {
                if (ended)
                {
                    return;
                }

                ended = true;
                foreach (var timer in timers)
                {
                    timer.Dispose();
                }

                timers.Clear();
            }

            observer.OnEnded(this, end);
        }

        public void Hangup()
        {
            lock (carrier.gate)
            {
                if (ended)
                {
                    return;
                }

                // Reported like a real stack would: after the CANCEL/BYE exchange, never from inside this call.
                var end = answered
                    ? new CallEnd(CallOutcome.Connected, 200, "BYE", HangupBy.Us)
                    : new CallEnd(CallOutcome.NoAnswer, 487, "Request Terminated", HangupBy.Us);
                At(0, l => l.End(end));
            }
        }

        public void Bridge(ICallLeg other)
        {
            if (IsAgent)
            {
                return;
            }

            // The customer talks for the drawn time, then hangs up; put through to someone else (a transfer), talks anew;
            // bridged back to the same party (after a consultation), takes up the conversation where it was. A new bridge
            // starts unheld, as on the RTP bridge.
            TimeSpan? talkFor = null;
            lock (carrier.gate)
            {
                if (ended)
                {
                    return;
                }

                var back = ReferenceEquals(peer, other);
                peer = other;
                if (back)
                {
                    talkFor = Held ? talkLeftOnHold : null;
                }
                else
                {
                    if (talkTimer is { } running)
                    {
                        running.Dispose();
                        timers.Remove(running);
                    }

                    talkTimer = null;
                    talkFor = TimeSpan.FromSeconds(talk);
                }

                Held = false;
                talkLeftOnHold = null;
            }

            if (talkFor is { } left)
            {
                Talk(left);
            }
        }

        private void Talk(TimeSpan left)
        {
            var timer = Timer(left.TotalSeconds, l => l.End(new CallEnd(CallOutcome.Connected, 200, "BYE", HangupBy.Them)));
            lock (carrier.gate)
            {
                talkTimer = timer;
                talkEndsAt = carrier.Time.GetUtcNow() + left;
            }
        }

        public void Unbridge()
        {
        }

        /// <summary>A held customer waits (the talk time left is kept) and talks on for the rest of it once resumed.</summary>
        public void Hold(bool on)
        {
            TimeSpan? resume = null;
            lock (carrier.gate)
            {
                if (ended || IsAgent || on == Held)
                {
                    return;
                }

                Held = on;
                if (on && talkTimer is { } timer)
                {
                    timer.Dispose();
                    timers.Remove(timer);
                    talkTimer = null;
                    var left = talkEndsAt - carrier.Time.GetUtcNow();
                    talkLeftOnHold = left < TimeSpan.Zero ? TimeSpan.Zero : left;
                }
                else if (!on && talkLeftOnHold is { } left)
                {
                    talkLeftOnHold = null;
                    resume = left;
                }
            }

            if (resume is { } rest)
            {
                Talk(rest);
            }
        }

        public void Mute(bool on)
        {
            lock (carrier.gate)
            {
                Muted = on && !IsAgent;
            }
        }

        public void Play(Prompt prompt, Action? then = null)
        {
            At(message, _ => then?.Invoke());
            if (prompt.AnswerKeys is { Length: > 0 } answers && answered && !machine && !IsAgent)
            {
                Press(answers);
            }
        }

        /// <summary>The customer answers a question: one of its keys, or a number of one or two digits then #.</summary>
        private void Press(string answers)
        {
            string digits;
            double after;
            lock (carrier.gate)
            {
                var keys = carrier.keys;
                var profile = carrier.Profile;
                if (keys.NextDouble() >= profile.KeypressRate)
                {
                    return;
                }

                after = profile.KeypressSeconds.Sample(keys);
                // A number (digits then #) does not start with 0, which may be the campaign's transfer digit.
                digits = answers == "0123456789#"
                    ? string.Concat(Enumerable.Range(0, 1 + keys.Next(2)).Select(i => answers[i == 0 ? 1 + keys.Next(9) : keys.Next(10)])) + "#"
                    : answers[keys.Next(answers.Length)].ToString();
            }

            for (var i = 0; i < digits.Length; i++)
            {
                var digit = digits[i];
                At(after + (0.3 * i), l => observer.OnDtmf(l, digit));
            }
        }

        public void SendDtmf(string digits)
        {
        }

        /// <summary>A supervisor on the call: the simulated carrier carries no audio, so only the mode is kept.</summary>
        public Media.ICallMonitor? Monitor(ICallLeg agent, ICallLeg supervisor, Media.MonitorMode mode) => IsAgent ? null : new SimulatedMonitor(mode);

        /// <summary>The rest of the machine's greeting, then its beep: 1–7 s after the verdict.</summary>
        public void AwaitBeep(TimeSpan giveUp, Action<bool> then)
        {
            double after;
            lock (carrier.gate)
            {
                after = 1 + (carrier.beeps.NextDouble() * 6);
            }

            if (after <= giveUp.TotalSeconds)
            {
                At(after, _ => then(true));
            }
            else
            {
                At(giveUp.TotalSeconds, _ => then(false));
            }
        }
    }

    /// <summary>The mode of a supervisor on a simulated call (no audio to mix).</summary>
    private sealed class SimulatedMonitor(Media.MonitorMode mode) : Media.ICallMonitor
    {
        public Media.MonitorMode Mode { get; private set; } = mode;

        public void Switch(Media.MonitorMode mode) => Mode = mode;

        public void Dispose()
        {
        }
    }
}
