using Dialer.Db.Model;
using Dialer.Worker.Sip.Calls;
using Dialer.Worker.Sip.Registrar;
using Dialer.Worker.Sip.Trunk;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Sip.Telephony;

/// <summary>The engine's carrier over SIP: customer calls through the trunk, agent legs to registered phones.</summary>
public sealed class SipTelephony(SipStack stack, SipTrunk trunk, SipRegistrar registrar, SipMediaSettings media, ILogger<SipTelephony>? logger = null)
    : ITelephony
{
    private readonly ILogger log = logger ?? (ILogger)NullLogger.Instance;

    public string Name => "sip";

    public SipTrunk Trunk => trunk;

    public SipRegistrar Registrar => registrar;

    public ICallLeg Dial(DialRequest request, ICallObserver observer)
    {
        if (trunk.IsUp == false)
        {
            // The OPTIONS keepalive found the trunk down: fail at once so the engine retries soon.
            return Failed(observer, "attempt-" + request.AttemptId, 503, "Trunk down (no answer to OPTIONS keepalive)");
        }

        try
        {
            var leg = new SipCallLeg(stack, trunk.TargetFor(request.Number, request.CallerId), media, observer, request, log);
            leg.Start(request.RingTimeout);
            return leg;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException)
        {
            log.LogError(ex, "Could not start a call to {Number}", request.Number);
            return Failed(observer, "attempt-" + request.AttemptId, 500, "Local failure: " + ex.Message);
        }
    }

    private static FailedLeg Failed(ICallObserver observer, string id, int code, string reason)
    {
        var leg = new FailedLeg(id + "-" + SipStack.NewTag());
        ThreadPool.QueueUserWorkItem(_ => observer.OnEnded(leg, new CallEnd(CallOutcome.Failed, code, reason, HangupBy.Them)));
        return leg;
    }

    /// <summary>Dials a number and returns the concrete leg (test-call and benchmarks read its timings and codec).</summary>
    public SipCallLeg DialLeg(DialRequest request, ICallObserver observer) => (SipCallLeg)Dial(request, observer);

    public ICallLeg OpenAgentLeg(AgentLegRequest request, ICallObserver observer)
    {
        var binding = registrar.GetRegistration(request.SipUser);
        if (binding is null)
        {
            return Failed(observer, "agent-" + request.AgentId, 480, "Agent phone not registered");
        }

        try
        {
            var target = new SipCallTarget(binding.ContactUri, "dialer", registrar.Realm, binding.Channel, binding.Source, DisplayName: "Dialer");
            var leg = new SipCallLeg(stack, target, media, new AgentLegObserver(observer), null, log);
            leg.Start(media.AgentRingTimeout);
            return leg;
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            return Failed(observer, "agent-" + request.AgentId, 500, "Local failure: " + ex.Message);
        }
    }

    /// <summary>Plays the comfort tone on an answered agent leg so the agent hears it between customers.</summary>
    private sealed class AgentLegObserver(ICallObserver inner) : ICallObserver
    {
        public void OnRinging(ICallLeg leg) => inner.OnRinging(leg);

        public void OnAnswered(ICallLeg leg, CallAnswer answer)
        {
            ((SipCallLeg)leg).PlayComfortTone();
            inner.OnAnswered(leg, answer);
        }

        public void OnMachineDetected(ICallLeg leg, bool isMachine) => inner.OnMachineDetected(leg, isMachine);

        public void OnDtmf(ICallLeg leg, char digit) => inner.OnDtmf(leg, digit);

        public void OnEnded(ICallLeg leg, CallEnd end) => inner.OnEnded(leg, end);
    }

    private sealed class FailedLeg(string id) : ICallLeg
    {
        public string Id { get; } = id;

        public void Hangup()
        {
        }

        public void Bridge(ICallLeg other) => throw new InvalidOperationException("the agent leg never connected");

        public void Unbridge()
        {
        }

        public void Hold(bool on)
        {
            // Never connected: no audio to hold.
        }

        public void Mute(bool on)
        {
            // Never connected: no audio to mute.
        }

        public void Play(Prompt prompt, Action? then = null) => then?.Invoke();

        public void SendDtmf(string digits)
        {
        }
    }
}
