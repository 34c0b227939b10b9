using Dialer.Db.Model;
using Dialer.Worker.Compliance;
using Dialer.Worker.Pacing;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Engine;

/// <summary>
/// Dials one campaign: a single-threaded, event-driven state machine over agents and calls. It takes time
/// only from its scheduler's TimeProvider and is driven only by posted work (carrier events, timers, agent
/// commands), so the same code runs live and on the benchmark's virtual clock. The engine keeps the loop, the
/// pacing pass and the calls, and launches every call through one path (<see cref="Launch"/>); its agents and
/// their state changes are an <see cref="AgentRoster"/>, and each agentless call's IVR an <see cref="IvrCall"/>.
/// The ports never make the loop wait for a write (live, writes are queued in order): only claims, the DNC
/// read, an attempt's start and an agent's compare-and-set answer at once.
/// </summary>
public sealed class CampaignEngine(
    CampaignRuntime campaign,
    IEngineScheduler loop,
    ITelephony telephony,
    IPacer pacer,
    IContactSource contacts,
    IAttemptLog attempts,
    IAgentLedger ledger,
    ComplianceGate gate,
    ILogger? logger = null)
{
    /// <summary>An answered live call that has no agent after this long is abandoned.</summary>
    public static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan MessageFallback = TimeSpan.FromSeconds(30);
    private readonly HashSet<ActiveCall> calls = [];
    private readonly LinkedList<ActiveCall> waiting = new();
    private IDisposable? tick;
    private AgentRoster? roster;
    private int finishing;
    private IReadOnlyList<IvrQuestion>? ivrQuestions;
    private bool evaluationPending;
    private DateTimeOffset lastOwnedCallbackCheck = DateTimeOffset.MinValue;
    private DateTimeOffset nothingDueUntil = DateTimeOffset.MinValue;

    public CampaignRuntime Campaign => campaign;

    public IEngineScheduler Loop => loop;

    public IPacer Pacer => pacer;

    public PacingStatistics Stats { get; } = new();

    public AbandonLedger Abandons { get; } = new();

    public bool Running { get; private set; }

    public DateTimeOffset Now => loop.Time.GetUtcNow();

    public IReadOnlyList<AgentSlot> Agents => Roster.All;

    public IReadOnlyCollection<ActiveCall> Calls => calls;

    /// <summary>Answered live calls waiting (at most 2 s) for an agent.</summary>
    public int WaitingCount => waiting.Count;

    /// <summary>Agent phone legs shared with the worker's other campaigns (live); null: this engine opens its own.</summary>
    public AgentLegs? SharedLegs
    {
        get => Roster.SharedLegs;
        init => Roster.SharedLegs = value;
    }

    /// <summary>After the list had nothing due, how long before asking again.</summary>
    public TimeSpan NothingDueBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the pacer runs when nothing happens.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Raised on the loop after every agent state change (simulated agents and tests listen).</summary>
    public event Action<AgentSlot>? AgentChanged
    {
        add => Roster.Changed += value;
        remove => Roster.Changed -= value;
    }

    /// <summary>Raised on the loop when a call has ended and its agent moved on (for a connected call, once its result is written).</summary>
    public event Action<ActiveCall>? CallFinished;

    /// <summary>Raised on the loop when a contact is not dialed because of compliance.</summary>
    public event Action<DialContact, ContactUpdate>? ContactDeferred;

    /// <summary>Agents this engine knows, to compare with the stored ones.</summary>
    public IReadOnlyCollection<long> AgentIds => Roster.Ids;

    private AgentRoster Roster => roster ??= new AgentRoster(this, campaign, loop, telephony, attempts, ledger, logger ?? NullLogger.Instance);

    private IReadOnlyList<IvrQuestion> IvrQuestions => ivrQuestions ??= IvrScript.Questions(campaign.Definition);

    public AgentSlot? FindAgent(long agentId) => Roster.Find(agentId);

    /// <summary>The agent joins this campaign (ready unless <paramref name="pausedReason"/> is given).</summary>
    public AgentSlot Login(long agentId, string? sipUser, string? pausedReason = null, long version = 0) =>
        Roster.Login(agentId, sipUser, pausedReason, version);

    public bool Ready(long agentId) => Roster.Ready(agentId);

    public bool Pause(long agentId, string? reason) => Roster.Pause(agentId, reason);

    public bool Logout(long agentId) => Roster.Logout(agentId);

    /// <summary>The agent records the outcome of the call in wrap-up (or still on it); wrap-up ends.</summary>
    public bool Dispose(long agentId, Disposition disposition) => Roster.Dispose(agentId, disposition);

    /// <summary>Live mode: the stored row of an agent changed outside this engine (see <see cref="AgentRoster.ApplyStored"/>).</summary>
    public void ApplyStored(long agentId, AgentState stored, string? reason, AgentRequest? request, long version, string? sipUser,
        CallControls? controls = null, bool assigned = true) =>
        Roster.ApplyStored(agentId, stored, reason, request, version, sipUser, controls, assigned);

    /// <summary>Takes an agent in as stored (no state change written): live mode, first seen by this engine.</summary>
    public AgentSlot Adopt(long agentId, string? sipUser, AgentState stored, string? reason, long version) =>
        Roster.Adopt(agentId, sipUser, stored, reason, version);

    /// <summary>The campaign stopped: its agents' legs are released (their stored states are left as they are).</summary>
    public void ReleaseAgents() => Roster.ReleaseAll();

    public void Start()
    {
        if (Running)
        {
            return;
        }

        Running = true;
        ScheduleTick();
        RequestEvaluation();
    }

    /// <summary>Stops starting calls; calls in progress finish normally. Preview offers are given back.</summary>
    public void Stop()
    {
        Running = false;
        tick?.Dispose();
        tick = null;
        foreach (var agent in Roster.All)
        {
            if (agent.Offered is { } offered)
            {
                agent.Offered = null;
                agent.Timer?.Dispose();
                contacts.Defer(offered, new ContactUpdate(offered.State == ContactState.Callback ? ContactState.Callback : ContactState.New, Now, null), Now);
                Roster.Change(agent, AgentState.Ready, null);
            }
        }
    }

    /// <summary>No call up and no call's result still being written (the engine may be disposed when so after Stop).</summary>
    public bool IsIdle => calls.Count == 0 && finishing == 0;

    /// <summary>Asks for a pacing pass after the current work item (several requests make one pass).</summary>
    public void RequestEvaluation()
    {
        if (evaluationPending || !Running)
        {
            return;
        }

        evaluationPending = true;
        loop.Post(Evaluate);
    }

    private void ScheduleTick()
    {
        tick = loop.After(TickInterval, () =>
        {
            if (!Running)
            {
                return;
            }

            ScheduleTick();
            Evaluate();
        });
    }

    private void Evaluate()
    {
        evaluationPending = false;
        if (!Running)
        {
            return;
        }

        if (campaign.Mode != CampaignModes.Agentless)
        {
            ServeOwnedCallbacks();
        }

        var plan = pacer.Plan(this);
        for (var i = 0; i < plan.Offers; i++)
        {
            var agent = Roster.LongestReady();
            if (agent is null || !Offer(agent))
            {
                break;
            }
        }

        for (var i = 0; i < plan.Reserved; i++)
        {
            var agent = Roster.LongestReady();
            if (agent is null)
            {
                break;
            }

            var contact = ClaimDialable();
            if (contact is null)
            {
                break;
            }

            Dial(contact, agent);
        }

        for (var i = 0; i < plan.Unreserved; i++)
        {
            var contact = ClaimDialable();
            if (contact is null)
            {
                break;
            }

            Dial(contact, null);
        }
    }

    /// <summary>Callbacks owned by an agent go to that agent only, as soon as the agent is ready.</summary>
    private void ServeOwnedCallbacks()
    {
        if (Now - lastOwnedCallbackCheck < TimeSpan.FromSeconds(5))
        {
            return;
        }

        lastOwnedCallbackCheck = Now;
        foreach (var agent in Roster.All)
        {
            if (agent.State != AgentState.Ready || agent.Unassigned)
            {
                continue;
            }

            var contact = contacts.ClaimOwnedCallback(campaign, agent.Id, Now);
            if (contact is null)
            {
                continue;
            }

            if (Check(contact))
            {
                Dial(contact, agent);
            }
        }
    }

    /// <summary>Claims contacts until one passes compliance now; the others get their next eligible time.</summary>
    private DialContact? ClaimDialable()
    {
        if (Now < nothingDueUntil)
        {
            return null;
        }

        for (var i = 0; i < 50; i++)
        {
            var contact = contacts.ClaimNext(campaign, Now);
            if (contact is null)
            {
                // Nothing due: ask the list again a little later, not on every event.
                nothingDueUntil = Now + NothingDueBackoff;
                return null;
            }

            if (Check(contact))
            {
                return contact;
            }
        }

        return null;
    }

    private bool Check(DialContact contact)
    {
        var verdict = gate.Check(campaign, contact, Now, contacts.IsOnDnc(contact.Phone, campaign.Id, Now));
        if (verdict.Allowed)
        {
            return true;
        }

        contacts.Defer(contact, verdict.Update!, Now);
        ContactDeferred?.Invoke(contact, verdict.Update!);
        return false;
    }

    private void Dial(DialContact contact, AgentSlot? agent)
    {
        var now = Now;
        if (agent is not null)
        {
            agent.Dialing = contact;
        }

        var reserved = agent is null || Roster.Change(agent, AgentState.Reserved, null);
        if (agent is not null)
        {
            agent.Dialing = null;
        }

        if (!reserved)
        {
            contacts.Defer(contact, new ContactUpdate(contact.State == ContactState.Callback ? ContactState.Callback : ContactState.New, now, null), now);
            return;
        }

        if (!Launch(contact, agent, now))
        {
            // The lease moved on: another engine runs this campaign now and takes over this contact.
            if (agent is not null)
            {
                Roster.Change(agent, AgentState.Ready, null);
            }

            Stop();
        }
    }

    /// <summary>
    /// The one path that places a customer call, whatever started it (predictive, progressive, preview, callback; a
    /// transfer from the IVR hands on a call placed here, it places none):
    /// the attempt row, the call, and the carrier's dial with the campaign's settings (caller id, ring time, machine
    /// detection, recording). The agent, when there is one, is already reserved for it. False when the lease has
    /// moved on: nothing is dialed, and the caller gives the agent back and stops.
    /// </summary>
    private bool Launch(DialContact contact, AgentSlot? agent, DateTimeOffset now, bool manual = false)
    {
        if ((manual ? attempts.StartManual(campaign, contact, now, agent!.Id) : attempts.Start(campaign, contact, now, agent?.Id)) is not { } id)
        {
            return false;
        }

        var call = new ActiveCall(this, loop, id, contact, now) { Agent = agent, Reserved = agent is not null, DialedAt = now, Manual = manual };
        if (agent is not null)
        {
            agent.Call = call;
        }

        calls.Add(call);
        var definition = campaign.Definition;
        call.RecordingPath = definition.RecordCalls && campaign.RecordingsDir is { } folder
            ? Path.Combine(folder, $"{id}.wav")
            : null;
        call.Leg = telephony.Dial(
            new DialRequest(id, contact.Phone, definition.CallerId ?? "", campaign.RingTimeout,
                definition.DetectMachines || campaign.Mode == CampaignModes.Agentless, call.RecordingPath, definition.MachineDetection),
            call);
        return true;
    }

    internal void OnRinging(ActiveCall call)
    {
        if (call.Phase == CallPhase.Dialing)
        {
            call.Phase = CallPhase.Ringing;
            call.RingingAt = Now;
        }
    }

    internal void OnAnswered(ActiveCall call, CallAnswer answer)
    {
        if (call.Phase is not (CallPhase.Dialing or CallPhase.Ringing))
        {
            return;
        }

        var now = Now;
        call.AnsweredAt = now;
        call.RingingAt ??= now;
        call.Machine = answer.IsMachine;
        var live = answer.IsMachine != true;
        Resolve(call, live);
        if (!live)
        {
            OnMachine(call);
            return;
        }

        if (campaign.Mode == CampaignModes.Agentless)
        {
            AnswerAgentless(call);
            return;
        }

        Abandons.RecordLive(campaign.LocalDay(now));
        if (call.Agent is { } reserved)
        {
            Connect(call, reserved);
            return;
        }

        var free = Roster.LongestReady();
        if (free is not null)
        {
            Connect(call, free);
            return;
        }

        call.Phase = CallPhase.WaitingForAgent;
        waiting.AddLast(call);
        call.AbandonTimer = loop.After(AbandonAfter, () => Abandon(call));
    }

    internal void OnMachineDetected(ActiveCall call, bool isMachine)
    {
        if (call.Ivr is { } ivr && call.Phase == CallPhase.Message)
        {
            // A machine does not press keys: after a keypress a late verdict is wrong.
            if (isMachine && call.Machine != true && call.Dtmf is null)
            {
                if (LeavesVoicemail)
                {
                    ivr.Leave();
                    call.Machine = true;
                    OnMachine(call);
                }
                else
                {
                    ivr.OnMachine();
                }
            }

            return;
        }

        if (!isMachine || call.Machine == true || call.Phase is CallPhase.Ended or CallPhase.Message)
        {
            return;
        }

        // Late detection: the call was taken for a person. Free whoever holds it, then treat as a machine.
        call.Machine = true;
        waiting.Remove(call);
        call.AbandonTimer?.Dispose();
        if (call.Agent is { } agent && agent.Call == call)
        {
            agent.Call = null;
            call.Agent = null;
            call.Leg?.Unbridge();
            Roster.Free(agent);
        }

        OnMachine(call);
    }

    private void OnMachine(ActiveCall call)
    {
        call.Outcome = CallOutcome.Machine;
        if (call.Reserved && call.Agent is { } agent)
        {
            call.Agent = null;
            agent.Call = null;
            Roster.Free(agent);
        }

        if (LeavesVoicemail)
        {
            LeaveVoicemail(call);
        }
        else if (campaign.Mode == CampaignModes.Agentless)
        {
            PlayMessageThenHangup(call, CallOutcome.Machine, MessagePrompt(call.Contact));
        }
        else
        {
            call.Leg?.Hangup();
        }
    }

    private void Resolve(ActiveCall call, bool live)
    {
        if (call.Resolved)
        {
            return;
        }

        call.Resolved = true;
        Stats.RecordResolution((Now - call.DialedAt).TotalSeconds, live);
    }

    private void Connect(ActiveCall call, AgentSlot agent)
    {
        var now = Now;
        call.AbandonTimer?.Dispose();
        call.AbandonTimer = null;
        call.Agent = agent;
        agent.Call = call;
        if (!Roster.Change(agent, AgentState.OnCall, null))
        {
            // The agent left through the Api at this very moment: find another or let the call wait.
            agent.Call = null;
            call.Agent = null;
            call.Reserved = false;
            var other = Roster.LongestReady();
            if (other is not null)
            {
                Connect(call, other);
            }
            else if (call.Phase != CallPhase.WaitingForAgent)
            {
                call.Phase = CallPhase.WaitingForAgent;
                waiting.AddLast(call);
                call.AbandonTimer = loop.After(AbandonAfter - (now - (call.AnsweredAt ?? now)), () => Abandon(call));
            }

            return;
        }

        waiting.Remove(call);
        call.Phase = CallPhase.Connected;
        call.ConnectedAt = now;
        if (agent.Leg is not null && call.Leg is not null)
        {
            call.Leg.Bridge(agent.Leg);
        }

        ledger.Publish(new AgentEvent(agent.Id, campaign.Id, new CallConnected(call.AttemptId, call.Contact.ToEvent(), campaign.Definition.Script)), now);
    }

    /// <summary>
    /// The desk's call controls: brings the agent's connected call to what the agent asked (hold music or not, the agent
    /// muted or not, hung up, transferred, a consultation). Controls naming another attempt (an earlier call) are ignored, and
    /// so are those of an agent who handed the call over; the agent consulted can only end the consultation (hang up).
    /// </summary>
    internal void ApplyControls(AgentSlot agent, CallControls controls)
    {
        if (agent.Call is not { } call || call.AttemptId != controls.AttemptId || call.Phase != CallPhase.Connected || call.Leg is not { } leg)
        {
            return;
        }

        if (call.ConsultAgent == agent)
        {
            if (controls.Hangup)
            {
                // The agent consulted hangs up on the consultation: back to the customer, who waits on hold.
                EndConsult(call, "consult_ended", resume: false);
            }

            return;
        }

        if (call.Agent != agent)
        {
            return;
        }

        if (controls.Hangup)
        {
            // Reported back as the end of the call (hung up by us): wrap-up follows as after any connected call.
            leg.Hangup();
            return;
        }

        if (call.TransferLeg is not null)
        {
            // A transfer is ringing: the customer stays on hold until it answers or fails.
            return;
        }

        if (!call.Consulting && (controls.TransferTo is not null || controls.TransferToAgent is not null)
            && (controls.TransferId, controls.TransferTo, controls.TransferToAgent) != call.TransferAsked)
        {
            call.TransferAsked = (controls.TransferId, controls.TransferTo, controls.TransferToAgent);
            if (controls.TransferToAgent is { } target)
            {
                TransferToAgent(call, agent, leg, target);
            }
            else
            {
                StartTransfer(call, leg, controls.TransferTo!);
            }

            return;
        }

        if (controls.Consult is { } consult && ApplyConsult(call, agent, leg, consult))
        {
            return;
        }

        if (controls.Hold != call.Held)
        {
            call.Held = controls.Hold;
            leg.Hold(controls.Hold);
        }

        if (controls.Mute != call.Muted)
        {
            call.Muted = controls.Mute;
            leg.Mute(controls.Mute);
        }
    }

    /// <summary>
    /// Blind transfer to another agent of this campaign: a ready agent takes the customer at once (bridged to its phone leg) and
    /// the first agent goes to wrap-up; an agent no longer ready is refused, the customer stays with the first agent and the
    /// desk says why.
    /// </summary>
    private void TransferToAgent(ActiveCall call, AgentSlot from, ICallLeg leg, long targetId)
    {
        if (Take(call, targetId) is not { } to)
        {
            ledger.Publish(new AgentEvent(from.Id, campaign.Id, new TransferFailed(call.AttemptId, "", "agent_not_ready", targetId)), Now);
            return;
        }

        from.Leg?.Unbridge();
        if (to.Leg is not null)
        {
            leg.Bridge(to.Leg);
        }

        HandOver(call, from, to, "blind");
    }

    /// <summary>
    /// Puts a ready agent of this campaign on the call (on_call, its desk showing the customer); null when it is not ready (or
    /// not signed in here, or the one asking).
    /// </summary>
    private AgentSlot? Take(ActiveCall call, long agentId)
    {
        if (Roster.Find(agentId) is not { } to || to == call.Agent || to.State != AgentState.Ready || to.Offered is not null || to.Call is not null)
        {
            return null;
        }

        to.Call = call;
        if (!Roster.Change(to, AgentState.OnCall, null))
        {
            to.Call = null;
            return null;
        }

        ledger.Publish(new AgentEvent(to.Id, campaign.Id, new CallConnected(call.AttemptId, call.Contact.ToEvent(), campaign.Definition.Script)), Now);
        return to;
    }

    /// <summary>The customer, bridged to <paramref name="to"/> already, is that agent's call now; the first agent goes to wrap-up.</summary>
    private void HandOver(ActiveCall call, AgentSlot from, AgentSlot to, string kind)
    {
        call.Held = false;
        call.Muted = false;
        call.Agent = to;
        to.Call = call;
        attempts.Transferred(campaign, call.AttemptId, from.Id, to.Id, null, kind, Now);
        Stats.RecordTalk((Now - call.ConnectedAt!.Value).TotalSeconds);
        Roster.StartWrap(from, call, disposed: false);
    }

    /// <summary>
    /// The consultation asked from the desk: a new one starts (one in progress is released first); the one in progress is
    /// cancelled or completed. True while a consultation is up: the customer's hold stays as it is.
    /// </summary>
    private bool ApplyConsult(ActiveCall call, AgentSlot agent, ICallLeg leg, ConsultControl consult)
    {
        if (consult.Id != call.ConsultId)
        {
            if (call.Consulting)
            {
                EndConsult(call, null, resume: false);
            }

            call.ConsultId = consult.Id;
            if (consult.Cancel)
            {
                return false;
            }

            StartConsult(call, agent, leg, consult);
            if (!call.Consulting)
            {
                return true;
            }
        }

        if (!call.Consulting)
        {
            return false;
        }

        if (consult.Cancel)
        {
            EndConsult(call, null, resume: true);
            return false;
        }

        if (consult.Complete)
        {
            call.ConsultComplete = true;
            if (call.ConsultAnswered)
            {
                CompleteConsult(call, agent, leg);
            }
        }

        return true;
    }

    /// <summary>The customer waits on hold (music) while the agent calls the number or the agent consulted.</summary>
    private void StartConsult(ActiveCall call, AgentSlot agent, ICallLeg leg, ConsultControl consult)
    {
        call.ConsultComplete = false;
        call.ConsultAnswered = false;
        if (!call.Held)
        {
            call.Held = true;
            leg.Hold(true);
        }

        if (consult.AgentId is { } agentId)
        {
            if (Take(call, agentId) is not { } other)
            {
                ledger.Publish(new AgentEvent(agent.Id, campaign.Id, new TransferFailed(call.AttemptId, "", "agent_not_ready", agentId, consult.Id)), Now);
                return;
            }

            call.ConsultAgent = other;
            call.ConsultAnswered = true;
            if (agent.Leg is not null && other.Leg is not null)
            {
                agent.Leg.Bridge(other.Leg);
            }

            return;
        }

        if (consult.To is not { } to)
        {
            return;
        }

        call.ConsultTo = to;
        var observer = new ThirdPartyObserver(loop, leg => OnConsultAnswered(call, leg), (leg, end) => OnConsultEnded(call, leg, end));
        call.ConsultLeg = telephony.Dial(new DialRequest(call.AttemptId, to, campaign.Definition.CallerId ?? "", TransferRingTimeout, DetectMachine: false),
            observer);
        observer.Leg = call.ConsultLeg;
    }

    /// <summary>The number consulted answered: the agent talks to it (the customer still on hold); completed at once if asked already.</summary>
    internal void OnConsultAnswered(ActiveCall call, ICallLeg consult)
    {
        if (call.ConsultLeg != consult)
        {
            return;
        }

        if (call.Phase != CallPhase.Connected || call.Agent is not { } agent || agent.Call != call || call.Leg is not { } leg)
        {
            consult.Hangup();
            return;
        }

        call.ConsultAnswered = true;
        if (agent.Leg is not null)
        {
            // The number's leg bridged to the agent's (the customer's leg, unbridged from the agent, hears its hold music).
            consult.Bridge(agent.Leg);
        }
        if (call.ConsultComplete)
        {
            CompleteConsult(call, agent, leg);
        }
    }

    /// <summary>
    /// The consulted number's leg ended. After a completed consultation the customer's call ends with it; else the agent is
    /// back with the customer, who waits on hold, and the desk says why (not answered: the carrier's reason; else consult_ended).
    /// </summary>
    internal void OnConsultEnded(ActiveCall call, ICallLeg consult, CallEnd end)
    {
        if (call.TransferLeg == consult)
        {
            call.TransferLeg = null;
            call.Leg?.Hangup();
            return;
        }

        if (call.ConsultLeg != consult)
        {
            return;
        }

        call.ConsultLeg = null;
        EndConsult(call, call.ConsultAnswered ? "consult_ended" : end.Reason ?? end.Outcome.ToDb(), resume: false);
    }

    /// <summary>
    /// Ends the consultation: the number is hung up, or the agent consulted is free again; the first agent is back with the
    /// customer, who is taken off hold (<paramref name="resume"/>: the agent cancelled) or waits on hold until the agent resumes.
    /// <paramref name="reason"/>, when given, is shown on the desk.
    /// </summary>
    private void EndConsult(ActiveCall call, string? reason, bool resume)
    {
        var answered = call.ConsultAnswered;
        var to = call.ConsultTo ?? "";
        var other = call.ConsultAgent;
        call.ConsultAnswered = false;
        call.ConsultComplete = false;
        call.ConsultTo = null;
        call.ConsultAgent = null;
        if (call.ConsultLeg is { } number)
        {
            call.ConsultLeg = null;
            number.Hangup();
        }

        if (other is not null)
        {
            other.Leg?.Unbridge();
            if (other.Call == call)
            {
                other.Call = null;
                Roster.Free(other);
            }
        }

        if (call.Agent is not { } agent || agent.Call != call || call.Phase != CallPhase.Connected || call.Leg is not { } leg)
        {
            return;
        }

        if (answered && agent.Leg is not null)
        {
            // Bridged back to the agent (a new bridge starts unheld): on hold again unless the agent cancelled.
            leg.Bridge(agent.Leg);
            call.Held = false;
            if (call.Muted)
            {
                leg.Mute(true);
            }
        }

        if (resume != !call.Held)
        {
            call.Held = !resume;
            leg.Hold(!resume);
        }

        if (reason is not null)
        {
            ledger.Publish(new AgentEvent(agent.Id, campaign.Id, new TransferFailed(call.AttemptId, to, reason, other?.Id, call.ConsultId)), Now);
        }
    }

    /// <summary>The consultation is completed: the customer is put through to the party consulted and the agent goes to wrap-up.</summary>
    private void CompleteConsult(ActiveCall call, AgentSlot agent, ICallLeg leg)
    {
        call.ConsultComplete = false;
        call.ConsultAnswered = false;
        agent.Leg?.Unbridge();
        leg.Hold(false);
        leg.Mute(false);
        if (call.ConsultAgent is { } other)
        {
            call.ConsultAgent = null;
            if (other.Leg is not null)
            {
                leg.Bridge(other.Leg);
            }

            HandOver(call, agent, other, "consult");
            return;
        }

        if (call.ConsultLeg is not { } number)
        {
            return;
        }

        call.ConsultLeg = null;
        call.TransferLeg = number;
        call.TransferTo = call.ConsultTo;
        call.ConsultTo = null;
        leg.Bridge(number);
        call.Held = false;
        call.Muted = false;
        call.Transferred = true;
        attempts.Transferred(campaign, call.AttemptId, agent.Id, null, call.TransferTo, "consult", Now);
        Stats.RecordTalk((Now - call.ConnectedAt!.Value).TotalSeconds);
        Roster.StartWrap(agent, call, disposed: false);
    }

    /// <summary>How long a blind transfer's number may ring before the customer is given back to the agent.</summary>
    public static readonly TimeSpan TransferRingTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Blind transfer: the customer waits on hold while <paramref name="to"/> rings.</summary>
    private void StartTransfer(ActiveCall call, ICallLeg leg, string to)
    {
        call.TransferTo = to;
        if (!call.Held)
        {
            call.Held = true;
            leg.Hold(true);
        }

        var observer = new ThirdPartyObserver(loop, leg => OnTransferAnswered(call, leg), (leg, end) => OnTransferEnded(call, leg, end));
        call.TransferLeg = telephony.Dial(new DialRequest(call.AttemptId, to, campaign.Definition.CallerId ?? "", TransferRingTimeout, DetectMachine: false),
            observer);
        observer.Leg = call.TransferLeg;
    }

    /// <summary>The transfer's number answered: the customer is put through to it and the agent leaves the call for wrap-up.</summary>
    internal void OnTransferAnswered(ActiveCall call, ICallLeg transfer)
    {
        if (call.TransferLeg != transfer)
        {
            return;
        }

        if (call.Phase != CallPhase.Connected || call.Leg is not { } leg || call.Agent is not { } agent || agent.Call != call)
        {
            transfer.Hangup();
            return;
        }

        call.Held = false;
        call.Muted = false;
        leg.Hold(false);
        leg.Mute(false);
        leg.Unbridge();
        agent.Leg?.Unbridge();
        leg.Bridge(transfer);
        call.Transferred = true;
        attempts.Transferred(campaign, call.AttemptId, agent.Id, null, call.TransferTo, "blind", Now);
        Stats.RecordTalk((Now - call.ConnectedAt!.Value).TotalSeconds);
        Roster.StartWrap(agent, call, disposed: false);
    }

    /// <summary>The transfer's leg ended: not answered, the customer is back with the agent; after the transfer, the customer's call ends too.</summary>
    internal void OnTransferEnded(ActiveCall call, ICallLeg transfer, CallEnd end)
    {
        if (call.TransferLeg != transfer)
        {
            return;
        }

        call.TransferLeg = null;
        if (call.Transferred)
        {
            call.Leg?.Hangup();
            return;
        }

        if (call.Phase == CallPhase.Connected && call.Agent is { } agent && agent.Call == call)
        {
            call.Held = false;
            call.Leg?.Hold(false);
            ledger.Publish(new AgentEvent(agent.Id, campaign.Id, new TransferFailed(call.AttemptId, call.TransferTo ?? "",
                end.Reason ?? end.Outcome.ToDb())), Now);
        }
    }

    /// <summary>A number dialled for a transfer or a consultation: its answer and end, handled on the engine's loop.</summary>
    private sealed class ThirdPartyObserver(IEngineScheduler loop, Action<ICallLeg> answered, Action<ICallLeg, CallEnd> ended) : ICallObserver
    {
        public ICallLeg? Leg { get; set; }

        public void OnRinging(ICallLeg leg)
        {
        }

        public void OnAnswered(ICallLeg leg, CallAnswer answer) => loop.Post(() => answered(Leg ?? leg));

        public void OnMachineDetected(ICallLeg leg, bool isMachine)
        {
        }

        public void OnDtmf(ICallLeg leg, char digit)
        {
        }

        public void OnEnded(ICallLeg leg, CallEnd end) => loop.Post(() => ended(Leg ?? leg, end));
    }

    private void Abandon(ActiveCall call)
    {
        if (call.Phase != CallPhase.WaitingForAgent)
        {
            return;
        }

        waiting.Remove(call);
        if (call.Ivr is { } ivr)
        {
            // An agentless caller who pressed the transfer digit: not an abandoned predictive call.
            ivr.TransferFailed();
            return;
        }

        Abandons.RecordAbandon(campaign.LocalDay(Now));
        var definition = campaign.Definition;
        PlayMessageThenHangup(call, CallOutcome.Abandoned,
            new Prompt(null, definition.AbandonMessage ?? $"Sorry we missed you. Please call us back at {definition.CallerId}."));
    }

    private Prompt MessagePrompt(DialContact contact) => new(campaign.Definition.MessageWav, Spoken(campaign.Definition.Message, contact));

    /// <summary>A message with the contact's fields in its placeholders; a field the contact lacks is left out, not spoken.</summary>
    private static string? Spoken(string? text, DialContact contact) => text is null
        ? null
        : ScriptPlaceholders.Fill(text, f => ScriptPlaceholders.ContactValue(contact.Name, contact.AccountId, contact.Phone, contact.CustomJson, f) ?? "");

    /// <summary>The campaign leaves a message on answering machines.</summary>
    private bool LeavesVoicemail => campaign.Definition.MachineMessage is not null || campaign.Definition.MachineMessageWav is not null;

    /// <summary>
    /// Voicemail drop: waits for the machine's beep (or the campaign's wait), plays the machine message and hangs up. The
    /// attempt shows the message left only when it played to the end with the call still up.
    /// </summary>
    private void LeaveVoicemail(ActiveCall call)
    {
        call.Phase = CallPhase.Message;
        var leg = call.Leg;
        if (leg is null)
        {
            return;
        }

        var definition = campaign.Definition;
        var prompt = new Prompt(definition.MachineMessageWav, Spoken(definition.MachineMessage, call.Contact));
        leg.AwaitBeep(TimeSpan.FromSeconds(definition.MachineBeepWaitSeconds), _ => loop.Post(() =>
        {
            if (call.Phase != CallPhase.Message)
            {
                return;
            }

            var fallback = loop.After(MessageFallback, leg.Hangup);
            leg.Play(prompt, () => loop.Post(() =>
            {
                fallback.Dispose();
                call.VoicemailLeft = call.Phase == CallPhase.Message;
                leg.Hangup();
            }));
        }));
    }

    private void PlayMessageThenHangup(ActiveCall call, CallOutcome outcome, Prompt prompt)
    {
        call.Outcome = outcome;
        call.Phase = CallPhase.Message;
        var leg = call.Leg;
        if (leg is null)
        {
            return;
        }

        // Hang up when the prompt ends, or after a fallback if the carrier never says it ended.
        var fallback = loop.After(MessageFallback, leg.Hangup);
        leg.Play(prompt, () => loop.Post(() =>
        {
            fallback.Dispose();
            leg.Hangup();
        }));
    }

    internal void OnDtmf(ActiveCall call, char digit) => call.Ivr?.OnDtmf(digit);

    internal void OnEnded(ActiveCall call, CallEnd end)
    {
        if (call.Phase == CallPhase.Ended)
        {
            return;
        }

        var now = Now;
        var wasWaiting = call.Phase == CallPhase.WaitingForAgent;
        call.Phase = CallPhase.Ended;
        call.EndedAt = now;
        call.End = end;
        call.AbandonTimer?.Dispose();
        call.Ivr?.End();
        calls.Remove(call);
        if (call.TransferLeg is { } transfer)
        {
            // The customer hung up: the transfer's leg (ringing, or put through) ends with the call.
            call.TransferLeg = null;
            transfer.Hangup();
        }

        if (call.Consulting)
        {
            // The customer hung up during a consultation: the number is hung up, the agent consulted is free again.
            EndConsult(call, null, resume: false);
        }

        if (wasWaiting && call.Ivr is not null)
        {
            // Hung up while a transfer was waiting for an agent: the IVR's outcome stands.
            waiting.Remove(call);
        }
        else if (wasWaiting)
        {
            // The customer hung up before an agent came: abandoned all the same.
            waiting.Remove(call);
            Abandons.RecordAbandon(campaign.LocalDay(now));
            call.Outcome = CallOutcome.Abandoned;
        }

        if (call.AnsweredAt is null)
        {
            Resolve(call, live: false);
        }

        var outcome = call.Outcome ?? (call.ConnectedAt is not null ? CallOutcome.Connected : end.Outcome switch
        {
            CallOutcome.Connected => CallOutcome.Failed,
            var o => o,
        });
        call.Outcome = outcome;

        // The result is written before a connected agent moves on: it says whether the agent recorded the disposition
        // during the call. The loop does not wait for it: live, the write is queued, and the agent's wrap-up starts
        // when it is done (posted back to the loop); on the benchmark's ports it is done at once.
        var finished = attempts.Finish(campaign, call, ContactAfter(call, outcome, now));
        if (!finished.IsCompleted && call.Agent is { } holder && holder.Call == call && call.ConnectedAt is not null)
        {
            finishing++;
            finished.ContinueWith(t => loop.Post(() =>
            {
                finishing--;
                AfterFinish(call, Disposed(t));
            }), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            RequestEvaluation();
            return;
        }

        AfterFinish(call, finished.IsCompleted && Disposed(finished));
    }

    private static bool Disposed(Task<bool> finished) => finished.Status == TaskStatus.RanToCompletion && finished.Result;

    /// <summary>The call's result is written: its agent goes to wrap-up (or is free), and the pacer runs.</summary>
    private void AfterFinish(ActiveCall call, bool disposed)
    {
        // A transferred call's agent went to wrap-up when the transfer answered.
        if (call.Agent is { } agent && agent.Call == call && !call.Transferred)
        {
            if (call.ConnectedAt is { } connected)
            {
                Stats.RecordTalk((call.EndedAt!.Value - connected).TotalSeconds);
                Roster.StartWrap(agent, call, disposed);
            }
            else
            {
                agent.Call = null;
                Roster.Free(agent);
            }
        }

        CallFinished?.Invoke(call);
        RequestEvaluation();
    }

    /// <summary>A ready agent first takes the oldest answered call waiting, else the pacer runs.</summary>
    internal void AgentReadyNow(AgentSlot agent)
    {
        if (waiting.First is { } first)
        {
            Connect(first.Value, agent);
            return;
        }

        RequestEvaluation();
    }

    /// <summary>Preview: reserve a ready agent and show a contact; the agent dials or skips it in time.</summary>
    private bool Offer(AgentSlot agent)
    {
        var contact = ClaimDialable();
        if (contact is null)
        {
            return false;
        }

        // Offered first, so that the stored reservation names the contact.
        agent.Offered = contact;
        if (!Roster.Change(agent, AgentState.Reserved, AgentStates.PreviewReason))
        {
            agent.Offered = null;
            contacts.Defer(contact, new ContactUpdate(contact.State == ContactState.Callback ? ContactState.Callback : ContactState.New, Now, null), Now);
            return true;
        }

        ledger.Publish(new AgentEvent(agent.Id, campaign.Id, new ContactOffered(contact.ToEvent(), campaign.Definition.PreviewSeconds)), Now);
        agent.Timer = loop.After(TimeSpan.FromSeconds(campaign.Definition.PreviewSeconds), () =>
        {
            if (agent.Offered == contact)
            {
                GiveBackOffer(agent, "preview_timeout");
                if (agent.State == AgentState.Reserved)
                {
                    Roster.Change(agent, AgentState.Paused, "preview_timeout");
                }
            }
        });
        return true;
    }

    public bool PreviewDial(long agentId)
    {
        if (Roster.Find(agentId) is not { } agent || agent.Offered is not { } contact)
        {
            return false;
        }

        agent.Offered = null;
        agent.Timer?.Dispose();
        // Checked again at the moment of dialing: the preview may have lasted past the window or a DNC entry.
        if (!Check(contact))
        {
            Roster.Free(agent);
            return false;
        }

        // The agent is already reserved (for this offer): the call is placed as every other call is.
        if (!Launch(contact, agent, Now))
        {
            // The lease moved on: another engine runs this campaign now and takes over this contact.
            Roster.Free(agent);
            Stop();
            return false;
        }

        return true;
    }

    /// <summary>
    /// Manual dial from the desk: a paused agent of this campaign dials a contact of it. The contact passes the same
    /// compliance gate as every call the engine places (DNC, maximum attempts, minimum gap, the no-redial period, the
    /// calling window in the contact's zone); a refusal is shown on the desk with its reason and the contact keeps its
    /// schedule (a DNC entry found now makes it DNC, as for any call). Placed, the call is the agent's (reserved, marked
    /// manual); the agent is connected when it answers, and is paused again (reason manual) when the call is done.
    /// </summary>
    public bool ManualDial(long agentId, long contactId)
    {
        if (Roster.Find(agentId) is not { } agent)
        {
            return false;
        }

        var now = Now;
        if (agent.State != AgentState.Paused || agent.Call is not null || agent.Offered is not null)
        {
            ledger.Publish(new AgentEvent(agentId, campaign.Id, new ManualDialRefused(contactId, "", "agent_busy")), now);
            return false;
        }

        if (contacts.ClaimManual(campaign, contactId, now) is not { } contact)
        {
            ledger.Publish(new AgentEvent(agentId, campaign.Id, new ManualDialRefused(contactId, "", "contact_busy")), now);
            return false;
        }

        var verdict = gate.Check(campaign, contact, now, contacts.IsOnDnc(contact.Phone, campaign.Id, now));
        if (!verdict.Allowed)
        {
            var refused = verdict.Update!;
            contacts.Defer(contact, refused.State == ContactState.Dnc ? refused : Unchanged(contact, refused.Reason), now);
            ContactDeferred?.Invoke(contact, refused);
            ledger.Publish(new AgentEvent(agentId, campaign.Id, new ManualDialRefused(contact.Id, contact.Phone, refused.Reason ?? "refused")), now);
            return false;
        }

        agent.Dialing = contact;
        var reserved = Roster.Change(agent, AgentState.Reserved, AgentStates.ManualReason);
        agent.Dialing = null;
        if (!reserved)
        {
            contacts.Defer(contact, Unchanged(contact, null), now);
            return false;
        }

        // Paused again when the call is done (after wrap-up when it was answered), as the Api does when the desk disposes.
        agent.After = AgentState.Paused;
        agent.AfterReason = AgentStates.ManualReason;
        if (!Launch(contact, agent, now, manual: true))
        {
            Roster.Free(agent);
            Stop();
            return false;
        }

        return true;
    }

    /// <summary>A contact given back as it was (state and due time): a manual dial that was not placed changes nothing.</summary>
    private static ContactUpdate Unchanged(DialContact contact, string? reason) => new(
        contact.State,
        contact.NextEligibleAt is { } next && next < DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(next) : DateTimeOffset.MaxValue,
        reason,
        CallbackAt: contact.CallbackAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null,
        CallbackAgentId: contact.CallbackAgentId,
        CallbackOpenAt: contact.CallbackOpenAt is { } open ? DateTimeOffset.FromUnixTimeMilliseconds(open) : null);

    /// <summary>The agent consulted hung up its phone: the first agent is back with the customer, who waits on hold.</summary>
    internal void ConsultedAgentLeft(ActiveCall call) => EndConsult(call, "consult_ended", resume: false);

    public bool PreviewSkip(long agentId)
    {
        if (Roster.Find(agentId) is not { } agent || agent.Offered is null)
        {
            return false;
        }

        GiveBackOffer(agent, "skipped");
        Roster.Free(agent);
        return true;
    }

    /// <summary>The agent's preview offer goes back to the list (the agent left, skipped it, or let it expire).</summary>
    internal void GiveBackOffer(AgentSlot agent, string reason)
    {
        var contact = agent.Offered!;
        agent.Offered = null;
        agent.Timer?.Dispose();
        var state = contact.State == ContactState.Callback ? ContactState.Callback : ContactState.Retry;
        contacts.Defer(contact, new ContactUpdate(state, Now.AddMinutes(Math.Max(1, campaign.Definition.MinGapMinutes)), reason), Now);
    }

    /// <summary>A live agentless answer: a callback the customer asked for goes to a ready agent, else the IVR runs.</summary>
    private void AnswerAgentless(ActiveCall call)
    {
        if (campaign.Definition.TransferDigit is { Length: 1 } && call.Contact.State == ContactState.Callback && Roster.LongestReady() is { } agent)
        {
            call.Note = "ivr_callback";
            Connect(call, agent);
            return;
        }

        call.Outcome = CallOutcome.Connected;
        call.Phase = CallPhase.Message;
        var ivr = new IvrCall(this, loop, call, IvrQuestions);
        call.Ivr = ivr;
        ivr.Start(MessagePrompt(call.Contact));
    }

    /// <summary>The IVR's transfer digit: the longest-ready agent takes the call now, else it waits up to 2 s like a predictive call.</summary>
    internal void TakeTransfer(ActiveCall call)
    {
        if (Roster.LongestReady() is { } agent)
        {
            Connect(call, agent);
            return;
        }

        call.Phase = CallPhase.WaitingForAgent;
        waiting.AddLast(call);
        call.AbandonTimer = loop.After(AbandonAfter, () => Abandon(call));
    }

    /// <summary>The contact's next state: a callback open to anyone when the IVR promised one, else the retry rules.</summary>
    private ContactUpdate ContactAfter(ActiveCall call, CallOutcome outcome, DateTimeOffset now)
    {
        if (call.VoicemailLeft)
        {
            // The message was left: the contact has it, as if a person had heard it.
            return new ContactUpdate(ContactState.Done, now, "voicemail_left", outcome.ToDb());
        }

        if (call.Ivr is not { CallbackPromised: true })
        {
            return Compliance.RetryRules.After(campaign, call.Contact, outcome, now, call.AnsweredAt is null ? call.End?.RetryAfter : null);
        }

        var at = now.AddMinutes(Math.Max(1, campaign.Definition.MinGapMinutes));
        return new ContactUpdate(ContactState.Callback, at, "ivr_transfer_no_agent", outcome.ToDb(), CallbackAt: at);
    }
}
