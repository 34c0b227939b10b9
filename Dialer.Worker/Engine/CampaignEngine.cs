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
/// commands), so the same code runs live and on the benchmark's virtual clock.
/// </summary>
public sealed partial class CampaignEngine(
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
    private readonly Dictionary<long, AgentSlot> agents = [];
    private readonly List<AgentSlot> agentList = [];
    private readonly HashSet<ActiveCall> calls = [];
    private readonly LinkedList<ActiveCall> waiting = new();
    private readonly ILogger log = logger ?? NullLogger.Instance;
    private IDisposable? tick;
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

    public IReadOnlyList<AgentSlot> Agents => agentList;

    public IReadOnlyCollection<ActiveCall> Calls => calls;

    /// <summary>Answered live calls waiting (at most 2 s) for an agent.</summary>
    public int WaitingCount => waiting.Count;

    /// <summary>Agent phone legs shared with the worker's other campaigns (live); null: this engine opens its own.</summary>
    public AgentLegs? SharedLegs { get; init; }

    /// <summary>After the list had nothing due, how long before asking again.</summary>
    public TimeSpan NothingDueBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the pacer runs when nothing happens.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Raised on the loop after every agent state change (simulated agents and tests listen).</summary>
    public event Action<AgentSlot>? AgentChanged;

    /// <summary>Raised on the loop when a call has ended and its result is written.</summary>
    public event Action<ActiveCall>? CallFinished;

    /// <summary>Raised on the loop when a contact is not dialed because of compliance.</summary>
    public event Action<DialContact, ContactUpdate>? ContactDeferred;

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
        foreach (var agent in agentList)
        {
            if (agent.Offered is { } offered)
            {
                agent.Offered = null;
                agent.Timer?.Dispose();
                contacts.Defer(offered, new ContactUpdate(offered.State == ContactState.Callback ? ContactState.Callback : ContactState.New, Now, null), Now);
                ChangeAgent(agent, AgentState.Ready, null);
            }
        }
    }

    /// <summary>Calls still up (the engine may be disposed when this is zero after Stop).</summary>
    public bool IsIdle => calls.Count == 0;

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
            var agent = LongestReady();
            if (agent is null || !Offer(agent))
            {
                break;
            }
        }

        for (var i = 0; i < plan.Reserved; i++)
        {
            var agent = LongestReady();
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
        foreach (var agent in agentList)
        {
            if (agent.State != AgentState.Ready)
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

        var reserved = agent is null || ChangeAgent(agent, AgentState.Reserved, null);
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
                ChangeAgent(agent, AgentState.Ready, null);
            }

            Stop();
        }
    }

    /// <summary>
    /// The one path that places a customer call, whatever started it (predictive, progressive, preview, callback):
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
                definition.DetectMachines || campaign.Mode == CampaignModes.Agentless, call.RecordingPath),
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

        var free = LongestReady();
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
        if (call.Ivr is not null && call.Phase == CallPhase.Message)
        {
            // A machine does not press keys: after a keypress a late verdict is wrong.
            if (isMachine && call.Machine != true && call.Dtmf is null)
            {
                IvrMachine(call);
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
            AgentFree(agent);
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
            AgentFree(agent);
        }

        if (campaign.Mode == CampaignModes.Agentless)
        {
            PlayMessageThenHangup(call, CallOutcome.Machine, MessagePrompt());
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
        if (!ChangeAgent(agent, AgentState.OnCall, null))
        {
            // The agent left through the Api at this very moment: find another or let the call wait.
            agent.Call = null;
            call.Agent = null;
            call.Reserved = false;
            var other = LongestReady();
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

    private void Abandon(ActiveCall call)
    {
        if (call.Phase != CallPhase.WaitingForAgent)
        {
            return;
        }

        waiting.Remove(call);
        if (call.Ivr is not null)
        {
            // An agentless caller who pressed the transfer digit: not an abandoned predictive call.
            TransferFailed(call);
            return;
        }

        Abandons.RecordAbandon(campaign.LocalDay(Now));
        var definition = campaign.Definition;
        PlayMessageThenHangup(call, CallOutcome.Abandoned,
            new Prompt(null, definition.AbandonMessage ?? $"Sorry we missed you. Please call us back at {definition.CallerId}."));
    }

    private Prompt MessagePrompt() => new(campaign.Definition.MessageWav, campaign.Definition.Message);

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
        call.Ivr?.Timer?.Dispose();
        calls.Remove(call);
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

        // Written before the agent moves on: it says whether the agent recorded the disposition during the call.
        var disposed = attempts.Finish(campaign, call, ContactAfter(call, outcome, now));
        if (call.Agent is { } agent && agent.Call == call)
        {
            if (call.ConnectedAt is { } connected)
            {
                Stats.RecordTalk((now - connected).TotalSeconds);
                StartWrap(agent, call, disposed);
            }
            else
            {
                agent.Call = null;
                AgentFree(agent);
            }
        }

        CallFinished?.Invoke(call);
        RequestEvaluation();
    }

    /// <summary>Wrap-up after a connected call; none when the disposition was recorded during the call.</summary>
    private void StartWrap(AgentSlot agent, ActiveCall call, bool disposed)
    {
        var now = Now;
        if (!disposed && !ChangeAgent(agent, AgentState.WrapUp, null))
        {
            return;
        }

        ledger.Publish(new AgentEvent(agent.Id, campaign.Id, new CallEnded(
            call.AttemptId,
            call.Outcome?.ToDb(),
            call.ConnectedAt is { } c ? Math.Round((now - c).TotalSeconds, 1) : 0,
            disposed ? 0 : campaign.Definition.WrapUpSeconds)), now);
        if (disposed)
        {
            Stats.RecordWrap(0);
            agent.Call = null;
            AgentFree(agent);
            return;
        }

        agent.Timer?.Dispose();
        agent.Timer = loop.After(TimeSpan.FromSeconds(campaign.Definition.WrapUpSeconds), () => EndWrap(agent, null));
    }

    private void EndWrap(AgentSlot agent, Disposition? disposition)
    {
        if (agent.State != AgentState.WrapUp || agent.Call is not { } call)
        {
            return;
        }

        var now = Now;
        var wrap = (now - agent.Since).TotalSeconds;
        Stats.RecordWrap(wrap);
        agent.Timer?.Dispose();
        agent.Timer = null;
        agent.Call = null;
        if (disposition is not null)
        {
            ContactUpdate? update = null;
            if (disposition.CallbackAt is { } at)
            {
                update = new ContactUpdate(ContactState.Callback, at, "callback", CallbackAt: at,
                    CallbackAgentId: disposition.CallbackMine ? agent.Id : null,
                    CallbackOpenAt: disposition.CallbackMine ? at.AddMinutes(campaign.Definition.CallbackOpenAfterMinutes) : null);
            }

            attempts.Dispose(campaign, call.AttemptId, call.Contact.Id, agent.Id, disposition, wrap, update);
        }

        AgentFree(agent);
    }

    /// <summary>The agent has nothing to do now: apply a pending pause/logout, else make it ready.</summary>
    private void AgentFree(AgentSlot agent)
    {
        if (agent.After is { } after)
        {
            agent.After = null;
            ChangeAgent(agent, after, agent.AfterReason);
            if (after == AgentState.LoggedOut)
            {
                RemoveAgent(agent);
            }

            return;
        }

        if (ChangeAgent(agent, AgentState.Ready, null))
        {
            AgentReadyNow(agent);
        }
    }

    /// <summary>A ready agent first takes the oldest answered call waiting, else the pacer runs.</summary>
    private void AgentReadyNow(AgentSlot agent)
    {
        if (waiting.First is { } first)
        {
            Connect(first.Value, agent);
            return;
        }

        RequestEvaluation();
    }

    private AgentSlot? LongestReady()
    {
        AgentSlot? best = null;
        foreach (var agent in agentList)
        {
            if (agent.State == AgentState.Ready && agent.Offered is null && (best is null || agent.Since < best.Since))
            {
                best = agent;
            }
        }

        return best;
    }

    private bool ChangeAgent(AgentSlot agent, AgentState to, string? reason)
    {
        var now = Now;
        if (!ledger.TryChange(agent, to, reason, now))
        {
            log.LogInformation("Agent {Agent} changed elsewhere to {State}", agent.Id, agent.State);
            AgentChanged?.Invoke(agent);
            return false;
        }

        agent.State = to;
        agent.Reason = reason;
        agent.Since = now;
        if (to is not (AgentState.OnCall or AgentState.WrapUp or AgentState.Reserved))
        {
            agent.Call = null;
        }

        ledger.Publish(new AgentEvent(agent.Id, campaign.Id, new AgentStateChanged(to.ToDb(), reason)), now);
        AgentChanged?.Invoke(agent);
        return true;
    }

    private void RemoveAgent(AgentSlot agent)
    {
        agent.Timer?.Dispose();
        CloseLeg(agent);
        agents.Remove(agent.Id);
        agentList.Remove(agent);
    }
}
