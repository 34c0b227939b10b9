using Dialer.Db.Model;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Engine;

public enum CallPhase
{
    Dialing,
    Ringing,
    WaitingForAgent,
    Connected,
    Message,
    Ended,
}

/// <summary>
/// One customer call in progress. Carrier callbacks arrive here on any thread and are posted onto the
/// engine's loop.
/// </summary>
public sealed class ActiveCall(CampaignEngine engine, IEngineScheduler loop, long attemptId, DialContact contact, DateTimeOffset queuedAt)
    : ICallObserver
{
    public long AttemptId => attemptId;

    public DialContact Contact => contact;

    public ICallLeg? Leg { get; internal set; }

    public CallPhase Phase { get; internal set; } = CallPhase.Dialing;

    public DateTimeOffset QueuedAt => queuedAt;

    public DateTimeOffset DialedAt { get; internal set; }

    public DateTimeOffset? RingingAt { get; internal set; }

    public DateTimeOffset? AnsweredAt { get; internal set; }

    public DateTimeOffset? ConnectedAt { get; internal set; }

    public DateTimeOffset? EndedAt { get; internal set; }

    /// <summary>The agent reserved for this call (progressive, preview, owned callback) or connected to it.</summary>
    public AgentSlot? Agent { get; internal set; }

    /// <summary>True when an agent was set aside before dialing.</summary>
    public bool Reserved { get; internal set; }

    public bool? Machine { get; internal set; }

    public CallOutcome? Outcome { get; internal set; }

    public CallEnd? End { get; internal set; }

    public string? Dtmf { get; internal set; }

    /// <summary>Agentless survey answers as a JSON object by question id (option text, or digits for a number).</summary>
    public string? SurveyJson { get; internal set; }

    /// <summary>What the IVR did that the attempt should show (ivr_transfer, ivr_transfer_no_agent, ivr_callback).</summary>
    public string? Note { get; internal set; }

    /// <summary>The campaign's machine message was played to the end after the machine's beep.</summary>
    public bool VoicemailLeft { get; internal set; }

    /// <summary>The WAV file the carrier records this call to, when the campaign records calls.</summary>
    public string? RecordingPath { get; internal set; }

    /// <summary>The agent put the customer on hold (desk call controls).</summary>
    public bool Held { get; internal set; }

    /// <summary>The agent is muted: the customer hears nothing of the agent (desk call controls).</summary>
    public bool Muted { get; internal set; }

    /// <summary>The number of the blind transfer asked from the desk, once started.</summary>
    public string? TransferTo { get; internal set; }

    /// <summary>The leg ringing (or put through to) the transfer's number.</summary>
    public ICallLeg? TransferLeg { get; internal set; }

    /// <summary>The transfer's number answered: the customer talks to it, the agent has left the call (wrap-up).</summary>
    public bool Transferred { get; internal set; }

    /// <summary>Placed by an agent's manual dial from the desk.</summary>
    public bool Manual { get; internal set; }

    /// <summary>The last blind transfer asked from the desk and taken up (its id, number and agent), so that it starts once.</summary>
    internal (int Id, string? To, long? Agent)? TransferAsked { get; set; }

    /// <summary>The consultation in progress or last taken up (the desk's <see cref="ConsultControl.Id"/>); 0: none yet.</summary>
    public int ConsultId { get; internal set; }

    /// <summary>The number consulted (the leg is <see cref="ConsultLeg"/>).</summary>
    public string? ConsultTo { get; internal set; }

    /// <summary>The outgoing leg to the number consulted, ringing or answered.</summary>
    public ICallLeg? ConsultLeg { get; internal set; }

    /// <summary>The agent consulted, on a call with the first agent over their two phone legs.</summary>
    public AgentSlot? ConsultAgent { get; internal set; }

    /// <summary>The consulted party answered: the agent talks to it while the customer waits on hold.</summary>
    public bool ConsultAnswered { get; internal set; }

    /// <summary>The agent asked to complete the consultation: the customer is put through as soon as the other party has answered.</summary>
    internal bool ConsultComplete { get; set; }

    /// <summary>A consultation is up (ringing or talking).</summary>
    public bool Consulting => ConsultLeg is not null || ConsultAgent is not null;

    internal IDisposable? AbandonTimer { get; set; }

    internal bool Resolved { get; set; }

    /// <summary>Agentless: the message and survey in progress.</summary>
    internal IvrCall? Ivr { get; set; }

    public void OnRinging(ICallLeg leg) => loop.Post(() => engine.OnRinging(this));

    public void OnAnswered(ICallLeg leg, CallAnswer answer) => loop.Post(() => engine.OnAnswered(this, answer));

    public void OnMachineDetected(ICallLeg leg, bool isMachine) => loop.Post(() => engine.OnMachineDetected(this, isMachine));

    public void OnDtmf(ICallLeg leg, char digit) => loop.Post(() =>
    {
        Dtmf += digit;
        engine.OnDtmf(this, digit);
    });

    public void OnEnded(ICallLeg leg, CallEnd end) => loop.Post(() => engine.OnEnded(this, end));
}
