using Dialer.Worker.Telephony;

namespace Dialer.Tests.Compliance;

/// <summary>
/// Sits between the engine and the carrier and writes what the customer side sees into the run's log: each call
/// started (time, number), each live answer, and when the call was bridged to an agent. The oracle reads only this
/// and the test's own record of edits, never the engine's state.
/// </summary>
public sealed class RecordingTelephony(ITelephony carrier, TimeProvider time, RunLog log) : ITelephony
{
    public string Name => carrier.Name;

    public ICallLeg Dial(DialRequest request, ICallObserver observer)
    {
        var call = log.CallStarted(time.GetUtcNow(), request.Number);
        var leg = new Leg(time, call);
        leg.Inner = carrier.Dial(request, new Observer(observer, leg, time, call));
        return leg;
    }

    public ICallLeg OpenAgentLeg(AgentLegRequest request, ICallObserver observer) => carrier.OpenAgentLeg(request, observer);

    private sealed class Leg(TimeProvider time, CallRecord call) : ICallLeg
    {
        public ICallLeg Inner { get; set; } = null!;

        public string Id => Inner.Id;

        public void Hangup() => Inner.Hangup();

        public void Bridge(ICallLeg other)
        {
            call.BridgedAt ??= time.GetUtcNow();
            Inner.Bridge(other);
        }

        public void Unbridge() => Inner.Unbridge();

        public void Hold(bool on) => Inner.Hold(on);

        public void Mute(bool on) => Inner.Mute(on);

        public void Play(Prompt prompt, Action? then = null) => Inner.Play(prompt, then);

        public void StopPlayback() => Inner.StopPlayback();

        public void SendDtmf(string digits) => Inner.SendDtmf(digits);
    }

    private sealed class Observer(ICallObserver engine, Leg leg, TimeProvider time, CallRecord call) : ICallObserver
    {
        public void OnRinging(ICallLeg l) => engine.OnRinging(leg);

        public void OnAnswered(ICallLeg l, CallAnswer answer)
        {
            if (answer.IsMachine != true)
            {
                call.LiveAt = time.GetUtcNow();
            }

            engine.OnAnswered(leg, answer);
        }

        public void OnMachineDetected(ICallLeg l, bool isMachine) => engine.OnMachineDetected(leg, isMachine);

        public void OnDtmf(ICallLeg l, char digit) => engine.OnDtmf(leg, digit);

        public void OnEnded(ICallLeg l, CallEnd end)
        {
            call.EndedAt = time.GetUtcNow();
            engine.OnEnded(leg, end);
        }
    }
}
