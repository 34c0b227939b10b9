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
    private bool Launch(DialContact contact, AgentSlot? agent, DateTimeOffset now)
    {
        if (attempts.Start(campaign, contact, now, agent?.Id) is not { } id)
        {
            return false;
        }

        var call = new ActiveCall(this, loop, id, contact, now) { Agent = agent, Reserved = agent is not null, DialedAt = now };
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
    /// muted or not, hung up). Controls naming another attempt (an earlier call) are ignored.
    /// </summary>
    internal void ApplyControls(AgentSlot agent, CallControls controls)
    {
        if (agent.Call is not { } call || call.AttemptId != controls.AttemptId || call.Phase != CallPhase.Connected || call.Leg is not { } leg)
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

        if (controls.TransferTo is { } to && to != call.TransferTo)
        {
            StartTransfer(call, leg, to);
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

        var observer = new TransferObserver(this, loop, call);
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

    /// <summary>The transfer's leg: its answer and end, on the engine's loop.</summary>
    private sealed class TransferObserver(CampaignEngine engine, IEngineScheduler loop, ActiveCall call) : ICallObserver
    {
        public ICallLeg? Leg { get; set; }

        public void OnRinging(ICallLeg leg)
        {
        }

        public void OnAnswered(ICallLeg leg, CallAnswer answer) => loop.Post(() => engine.OnTransferAnswered(call, Leg ?? leg));

        public void OnMachineDetected(ICallLeg leg, bool isMachine)
        {
        }

        public void OnDtmf(ICallLeg leg, char digit)
        {
        }

        public void OnEnded(ICallLeg leg, CallEnd end) => loop.Post(() => engine.OnTransferEnded(call, Leg ?? leg, end));
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
            return Compliance.RetryRules.After(campaign, call.Contact, outcome, now);
        }

        var at = now.AddMinutes(Math.Max(1, campaign.Definition.MinGapMinutes));
        return new ContactUpdate(ContactState.Callback, at, "ivr_transfer_no_agent", outcome.ToDb(), CallbackAt: at);
    }
}
