using Dialer.Db.Model;
using Dialer.Worker.Pacing;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Engine;

/// <summary>
/// The agents of one campaign's engine and every change of their state: login, ready, pause, logout (at once, or
/// after the call), reservations, wrap-up and disposition, the stored rows the Api changed (and the requests in
/// them), and the agents' phone legs. Each change is compare-and-set through the <see cref="IAgentLedger"/>. What
/// concerns calls — a free agent taking a waiting call, preview offers given back or dialed — is the engine's.
/// Touched only on the engine's loop.
/// </summary>
internal sealed class AgentRoster(
    CampaignEngine campaignEngine,
    CampaignRuntime campaign,
    IEngineScheduler loop,
    ITelephony telephony,
    IAttemptLog attempts,
    IAgentLedger ledger,
    ILogger log)
{
    private readonly CampaignEngine engine = campaignEngine;
    private readonly Dictionary<long, AgentSlot> agents = [];
    private readonly List<AgentSlot> agentList = [];

    /// <summary>Raised on the loop after every agent state change.</summary>
    public event Action<AgentSlot>? Changed;

    /// <summary>Agent phone legs shared with the worker's other campaigns (live); null: the roster opens its own.</summary>
    public AgentLegs? SharedLegs { get; set; }

    public IReadOnlyList<AgentSlot> All => agentList;

    public IReadOnlyCollection<long> Ids => agents.Keys;

    private DateTimeOffset Now => loop.Time.GetUtcNow();

    private PacingStatistics Stats => engine.Stats;

    public AgentSlot? Find(long agentId) => agents.GetValueOrDefault(agentId);

    /// <summary>The ready agent waiting longest, not holding a preview offer.</summary>
    public AgentSlot? LongestReady()
    {
        AgentSlot? best = null;
        foreach (var agent in agentList)
        {
            if (agent.State == AgentState.Ready && agent.Offered is null && !agent.Unassigned && (best is null || agent.Since < best.Since))
            {
                best = agent;
            }
        }

        return best;
    }

    /// <summary>The agent joins this campaign (ready unless <paramref name="pausedReason"/> is given).</summary>
    public AgentSlot Login(long agentId, string? sipUser, string? pausedReason = null, long version = 0)
    {
        if (agents.TryGetValue(agentId, out var existing))
        {
            return existing;
        }

        var agent = new AgentSlot(agentId, sipUser) { Version = version, Since = Now };
        agents[agentId] = agent;
        agentList.Add(agent);
        OpenLeg(agent);

        if (pausedReason is null)
        {
            if (Change(agent, AgentState.Ready, null))
            {
                ReadyNow(agent);
            }
        }
        else
        {
            Change(agent, AgentState.Paused, pausedReason);
        }

        return agent;
    }

    public bool Ready(long agentId)
    {
        if (!agents.TryGetValue(agentId, out var agent))
        {
            return false;
        }

        switch (agent.State)
        {
            case AgentState.Paused:
                agent.After = null;
                if (Change(agent, AgentState.Ready, null))
                {
                    ReadyNow(agent);
                }

                return true;
            case AgentState.WrapUp:
                EndWrap(agent, null);
                return true;
            case AgentState.Ready:
                return true;
            default:
                // Busy: cancel a pending pause or logout.
                agent.After = null;
                return true;
        }
    }

    public bool Pause(long agentId, string? reason) => Leave(agentId, AgentState.Paused, reason);

    public bool Logout(long agentId) => Leave(agentId, AgentState.LoggedOut, null);

    private bool Leave(long agentId, AgentState to, string? reason)
    {
        if (!agents.TryGetValue(agentId, out var agent))
        {
            return false;
        }

        if (agent.Offered is not null)
        {
            engine.GiveBackOffer(agent, "agent_left");
        }

        if (agent.State is AgentState.Ready or AgentState.Paused || (agent.State == AgentState.Reserved && agent.Call is null))
        {
            Change(agent, to, reason);
            if (to == AgentState.LoggedOut)
            {
                Remove(agent);
            }

            return true;
        }

        agent.After = to;
        agent.AfterReason = reason;
        return true;
    }

    /// <summary>The agent records the outcome of the call in wrap-up (or still on it); wrap-up ends.</summary>
    public bool Dispose(long agentId, Disposition disposition)
    {
        if (!agents.TryGetValue(agentId, out var agent) || agent.State != AgentState.WrapUp)
        {
            return false;
        }

        EndWrap(agent, disposition);
        return true;
    }

    private bool PreviewDial(long agentId) => engine.PreviewDial(agentId);

    private bool PreviewSkip(long agentId) => engine.PreviewSkip(agentId);

    /// <summary>
    /// Live mode: the stored row of an agent changed outside this engine — through the Api (ready, pause,
    /// logout, disposition, or a request for the engine) or by another campaign's engine (busy elsewhere).
    /// </summary>
    /// <param name="assigned">
    /// False when the agent, still signed in to the campaign, is no longer assigned to it: it is not taken in; one this engine has
    /// gets none of its calls from now on and is let go once free (after the call, wrap-up and disposition in progress).
    /// </param>
    public void ApplyStored(long agentId, AgentState stored, string? reason, AgentRequest? request, long version, string? sipUser,
        CallControls? controls = null, bool assigned = true)
    {
        if (!agents.TryGetValue(agentId, out var agent))
        {
            if (stored != AgentState.LoggedOut && assigned)
            {
                Adopt(agentId, sipUser, stored, reason, version);
            }

            return;
        }

        if (agent.Unassigned != !assigned)
        {
            log.LogInformation("Agent {Agent} is {Assigned} campaign {Campaign}", agentId, assigned ? "assigned again to" : "no longer assigned to", campaign.Id);
            agent.Unassigned = !assigned;
        }

        ApplyStoredChange(agent, stored, reason, request, version, controls);
        if (agent.Unassigned)
        {
            LetGoWhenFree(agent);
        }
    }

    private void ApplyStoredChange(AgentSlot agent, AgentState stored, string? reason, AgentRequest? request, long version, CallControls? controls)
    {
        var agentId = agent.Id;
        if (version <= agent.Version)
        {
            return;
        }

        agent.Version = version;
        if (controls is not null)
        {
            // Hold, mute or hang-up asked from the desk for the call in progress.
            engine.ApplyControls(agent, controls);
        }

        if (request is not null)
        {
            switch (request.Kind)
            {
                case AgentRequestKind.Pause:
                    Pause(agentId, request.PauseReason);
                    break;
                case AgentRequestKind.Logout:
                    Logout(agentId);
                    break;
                case AgentRequestKind.Ready:
                    Ready(agentId);
                    break;
                case AgentRequestKind.PreviewDial:
                    PreviewDial(agentId);
                    break;
                case AgentRequestKind.PreviewSkip:
                    PreviewSkip(agentId);
                    break;
                case AgentRequestKind.ManualDial when request.ManualTarget is { } target && target.CampaignId == campaign.Id:
                    engine.ManualDial(agentId, target.ContactId);
                    break;
            }

            return;
        }

        switch (stored)
        {
            case AgentState.Ready when agent.State == AgentState.WrapUp && agent.Call is not null:
                // Disposition written by the Api: wrap-up is over.
                Stats.RecordWrap((Now - agent.Since).TotalSeconds);
                agent.Timer?.Dispose();
                agent.Call = null;
                SetStored(agent, AgentState.Ready, null);
                ReadyNow(agent);
                break;
            case AgentState.Ready:
                SetStored(agent, AgentState.Ready, null);
                ReadyNow(agent);
                break;
            case AgentState.Paused or AgentState.LoggedOut when agent.State == AgentState.WrapUp && agent.Call is not null:
                // Disposition written by the Api, with the pause or logout the agent asked for meanwhile: wrap-up is over.
                Stats.RecordWrap((Now - agent.Since).TotalSeconds);
                agent.Timer?.Dispose();
                agent.Call = null;
                agent.After = null;
                SetStored(agent, stored, reason);
                if (stored == AgentState.LoggedOut)
                {
                    Remove(agent);
                }

                break;
            case AgentState.Paused or AgentState.LoggedOut when agent.Call is not null:
                // Still on one of our calls: leave when it is done.
                agent.After = stored;
                agent.AfterReason = reason;
                break;
            case AgentState.Paused or AgentState.LoggedOut:
                if (agent.Offered is not null)
                {
                    engine.GiveBackOffer(agent, "agent_left");
                }

                SetStored(agent, stored, reason);
                if (stored == AgentState.LoggedOut)
                {
                    Remove(agent);
                }

                break;
            default:
                // Reserved, on a call or in wrap-up for another campaign: not available here.
                if (agent.Call is null && agent.Offered is null)
                {
                    SetStored(agent, stored, reason);
                }

                break;
        }
    }

    /// <summary>Takes an agent in as stored (no state change written): live mode, first seen by this engine.</summary>
    public AgentSlot Adopt(long agentId, string? sipUser, AgentState stored, string? reason, long version)
    {
        var agent = new AgentSlot(agentId, sipUser) { Version = version, Since = Now, State = stored, Reason = reason };
        agents[agentId] = agent;
        agentList.Add(agent);
        OpenLeg(agent);

        Changed?.Invoke(agent);
        if (stored == AgentState.Ready)
        {
            ReadyNow(agent);
        }

        return agent;
    }

    /// <summary>The campaign stopped: its agents' legs are released (their stored states are left as they are).</summary>
    public void ReleaseAll()
    {
        foreach (var agent in agentList.ToList())
        {
            agent.Timer?.Dispose();
            CloseLeg(agent);
        }
    }

    /// <summary>Wrap-up after a connected call; none when the disposition was recorded during the call.</summary>
    public void StartWrap(AgentSlot agent, ActiveCall call, bool disposed)
    {
        var now = Now;
        if (!disposed && !Change(agent, AgentState.WrapUp, null))
        {
            return;
        }

        ledger.Publish(new AgentEvent(agent.Id, campaign.Id, new CallEnded(
            call.AttemptId,
            call.Outcome?.ToDb(),
            call.ConnectedAt is { } c ? Math.Round(((call.EndedAt ?? now) - c).TotalSeconds, 1) : 0,
            disposed ? 0 : campaign.Definition.WrapUpSeconds)), now);
        if (disposed)
        {
            Stats.RecordWrap(0);
            agent.Call = null;
            Free(agent);
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

        Free(agent);
    }

    /// <summary>The agent has nothing to do now: apply a pending pause/logout, else make it ready.</summary>
    public void Free(AgentSlot agent)
    {
        if (agent.After is { } after)
        {
            agent.After = null;
            Change(agent, after, agent.AfterReason);
            if (after == AgentState.LoggedOut)
            {
                Remove(agent);
            }
            else if (agent.Unassigned)
            {
                LetGo(agent);
            }

            return;
        }

        if (Change(agent, AgentState.Ready, null))
        {
            ReadyNow(agent);
        }
    }

    /// <summary>Writes the engine's change of an agent's state (compare-and-set); false when the stored row had moved on.</summary>
    public bool Change(AgentSlot agent, AgentState to, string? reason)
    {
        var now = Now;
        if (!ledger.TryChange(agent, to, reason, now))
        {
            log.LogInformation("Agent {Agent} changed elsewhere to {State}", agent.Id, agent.State);
            Changed?.Invoke(agent);
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
        Changed?.Invoke(agent);
        return true;
    }

    /// <summary>A ready agent takes a waiting call (or the pacer runs), unless it is no longer assigned here: then it is let go.</summary>
    private void ReadyNow(AgentSlot agent)
    {
        if (agent.Unassigned)
        {
            LetGo(agent);
            return;
        }

        engine.AgentReadyNow(agent);
    }

    /// <summary>An agent no longer assigned here is let go as soon as it has nothing of this campaign: an offer is given back.</summary>
    private void LetGoWhenFree(AgentSlot agent)
    {
        if (!agents.ContainsKey(agent.Id) || agent.Call is not null || agent.Dialing is not null)
        {
            return;
        }

        if (agent.Offered is not null)
        {
            engine.GiveBackOffer(agent, "agent_unassigned");
            Free(agent);
            return;
        }

        LetGo(agent);
    }

    /// <summary>
    /// The agent leaves this engine without a change to its stored state (it stays signed in, ready or paused, for the
    /// campaigns it is still assigned to); the desk shows the campaign as no longer assigned.
    /// </summary>
    private void LetGo(AgentSlot agent)
    {
        if (!agents.ContainsKey(agent.Id))
        {
            return;
        }

        log.LogInformation("Agent {Agent} let go by campaign {Campaign}: no longer assigned to it", agent.Id, campaign.Id);
        Remove(agent);
        Changed?.Invoke(agent);
    }

    private void Remove(AgentSlot agent)
    {
        agent.Timer?.Dispose();
        CloseLeg(agent);
        agents.Remove(agent.Id);
        agentList.Remove(agent);
    }

    private void SetStored(AgentSlot agent, AgentState state, string? reason)
    {
        agent.State = state;
        agent.Reason = reason;
        agent.Since = Now;
        Changed?.Invoke(agent);
    }

    private void OpenLeg(AgentSlot agent)
    {
        // Agentless campaigns need agents' phones only to take the transfer digit's calls.
        if (campaign.Mode == CampaignModes.Agentless && campaign.Definition.TransferDigit is null)
        {
            return;
        }

        var request = new AgentLegRequest(agent.Id, agent.SipUser ?? $"agent{agent.Id}");
        var observer = new AgentLegObserver(this, loop, agent);
        agent.LegObserver = observer;
        agent.Leg = SharedLegs is { } shared ? shared.Acquire(request, observer) : telephony.OpenAgentLeg(request, observer);
    }

    private void CloseLeg(AgentSlot agent)
    {
        if (SharedLegs is { } shared && agent.LegObserver is { } observer)
        {
            shared.Release(agent.Id, observer);
        }
        else
        {
            agent.Leg?.Hangup();
        }

        agent.Leg = null;
        agent.LegObserver = null;
    }

    private sealed class AgentLegObserver(AgentRoster roster, IEngineScheduler loop, AgentSlot agent) : ICallObserver
    {
        public void OnRinging(ICallLeg leg)
        {
        }

        public void OnAnswered(ICallLeg leg, CallAnswer answer)
        {
        }

        public void OnMachineDetected(ICallLeg leg, bool isMachine)
        {
        }

        public void OnDtmf(ICallLeg leg, char digit)
        {
        }

        public void OnEnded(ICallLeg leg, CallEnd end) => loop.Post(() =>
        {
            // The agent's phone hung up: end the customer call and pause the agent.
            if (agent.Leg != leg)
            {
                return;
            }

            agent.Leg = null;
            if (agent.Call is { } call && call.Phase == CallPhase.Connected && call.ConsultAgent == agent)
            {
                // The agent consulted hung up: the first agent is back with the customer.
                roster.engine.ConsultedAgentLeft(call);
            }
            else if (agent.Call is { } own && own.Phase == CallPhase.Connected && own.Agent == agent && !own.Transferred)
            {
                own.Leg?.Hangup();
            }

            roster.Pause(agent.Id, "phone_disconnected");
        });
    }
}
