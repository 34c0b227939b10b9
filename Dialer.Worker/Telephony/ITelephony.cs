using Dialer.Db.Model;

namespace Dialer.Worker.Telephony;

/// <summary>
/// What the dialing engine needs from a carrier: place customer calls, hold agent legs open, bridge,
/// play prompts, hang up. Implemented by the simulated carrier (demo and pacing benchmark) and by the
/// SIP stack. Observer callbacks may arrive on any thread; the engine marshals them onto its own loop.
/// </summary>
public interface ITelephony
{
    /// <summary>A short name for logs and results: "simulated", "sip".</summary>
    string Name { get; }

    /// <summary>Starts an outbound call to a customer. Never throws for call failures: they arrive as <see cref="ICallObserver.OnEnded"/>.</summary>
    ICallLeg Dial(DialRequest request, ICallObserver observer);

    /// <summary>Calls an agent's phone and keeps the leg up between customers (the "nailed-up" agent leg).</summary>
    ICallLeg OpenAgentLeg(AgentLegRequest request, ICallObserver observer);
}

/// <param name="AttemptId">The call_attempts row this call belongs to.</param>
/// <param name="Number">E.164 number to dial.</param>
/// <param name="CallerId">E.164 caller id presented to the customer.</param>
/// <param name="RingTimeout">How long to ring before giving up; never below 15 s (the engine enforces it).</param>
/// <param name="DetectMachine">Run answering-machine detection on answer.</param>
/// <param name="RecordPath">When not null, record the call to this WAV file.</param>
/// <param name="Machine">The campaign's answering-machine detection settings (null: the defaults, an unknown verdict a person).</param>
public sealed record DialRequest(
    long AttemptId,
    string Number,
    string CallerId,
    TimeSpan RingTimeout,
    bool DetectMachine,
    string? RecordPath = null,
    Dialer.Db.Model.MachineDetectionSettings? Machine = null);

/// <param name="AgentId">The agent (users.id).</param>
/// <param name="SipUser">The agent's SIP user name, registered with the dialer's registrar.</param>
public sealed record AgentLegRequest(long AgentId, string SipUser);

public interface ICallLeg
{
    /// <summary>Unique id of the leg (SIP Call-ID or simulator id).</summary>
    string Id { get; }

    /// <summary>Ends the call: CANCEL before answer, BYE after. Idempotent.</summary>
    void Hangup();

    /// <summary>Connects this leg's audio to another leg, both ways, until either ends or <see cref="Unbridge"/>.</summary>
    void Bridge(ICallLeg other);

    /// <summary>Stops relaying audio to and from the other leg; both legs stay up.</summary>
    void Unbridge();

    /// <summary>
    /// The agent desk's hold, on a customer's leg bridged to an agent: on, the customer hears hold music instead of the
    /// agent and the agent hears nothing of the customer; off, both ways again. Idempotent.
    /// </summary>
    void Hold(bool on);

    /// <summary>The agent desk's mute, on a customer's leg bridged to an agent: on, the agent's audio is not relayed to the customer. Idempotent.</summary>
    void Mute(bool on);

    /// <summary>Plays a prompt into the call. <paramref name="then"/> runs when it has finished.</summary>
    void Play(Prompt prompt, Action? then = null);

    /// <summary>Stops the prompt playing (its <c>then</c> is not called); the IVR's barge-in and transfer. Nothing by default.</summary>
    void StopPlayback()
    {
    }

    /// <summary>Sends DTMF digits (RFC 4733).</summary>
    void SendDtmf(string digits);

    /// <summary>
    /// On a customer's leg bridged to <paramref name="agent"/>: puts <paramref name="supervisor"/> (an answered leg to the
    /// supervisor's phone) on the call as <paramref name="mode"/> says. Null when the carrier cannot (the default).
    /// </summary>
    Media.ICallMonitor? Monitor(ICallLeg agent, ICallLeg supervisor, Media.MonitorMode mode) => null;

    /// <summary>
    /// Voicemail drop, after a machine verdict: <paramref name="then"/> runs once the machine's beep has ended (true), or
    /// <paramref name="giveUp"/> after the call without one (false); never once the call has ended. At once by default.
    /// </summary>
    void AwaitBeep(TimeSpan giveUp, Action<bool> then) => then(false);
}

/// <summary>A prompt: a WAV file (8 kHz mono 16-bit preferred, others converted), or text that the carrier speaks if it can.</summary>
public sealed record Prompt(string? WavPath, string? Text)
{
    /// <summary>
    /// The keypresses that answer this prompt (an IVR question: "12", or "0123456789#" for a number ended
    /// by #); null when it asks nothing. Real carriers ignore it; the simulated customer presses one.
    /// </summary>
    public string? AnswerKeys { get; init; }
}

public enum HangupBy
{
    Us,
    Them,
}

/// <param name="Outcome">Mapped outcome, meaningful when the call never answered; after an answer the engine decides.</param>
/// <param name="SipCode">Final SIP status (or the simulator's equivalent), null if none.</param>
/// <param name="Reason">Reason phrase or cause text.</param>
/// <param name="RetryAfter">
/// How long the callee's network asked us not to call again (SIP Retry-After on a 486, 480, 503, 600, 603…), or null;
/// the engine's next attempt is not earlier (up to <see cref="Compliance.RetryRules.MaxRetryAfter"/>).
/// </param>
public sealed record CallEnd(CallOutcome Outcome, int? SipCode, string? Reason, HangupBy By, TimeSpan? RetryAfter = null);

/// <param name="IsMachine">Answering-machine detection said machine (null when detection did not run).</param>
/// <param name="Codec">Negotiated codec name (PCMU, PCMA) or null.</param>
public sealed record CallAnswer(bool? IsMachine, string? Codec);

public interface ICallObserver
{
    void OnRinging(ICallLeg leg);

    void OnAnswered(ICallLeg leg, CallAnswer answer);

    /// <summary>Answering-machine detection finished after the answer (may follow OnAnswered).</summary>
    void OnMachineDetected(ICallLeg leg, bool isMachine);

    void OnDtmf(ICallLeg leg, char digit);

    void OnEnded(ICallLeg leg, CallEnd end);
}
