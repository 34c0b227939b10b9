using Dialer.Db.Model;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Engine;

/// <summary>Agent commands: login, ready, pause, logout, disposition, preview dial and skip.</summary>
public sealed partial class CampaignEngine
{
    public AgentSlot? FindAgent(long agentId) => agents.GetValueOrDefault(agentId);

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
            if (ChangeAgent(agent, AgentState.Ready, null))
            {
                AgentReadyNow(agent);
            }
        }
        else
        {
            ChangeAgent(agent, AgentState.Paused, pausedReason);
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
                if (ChangeAgent(agent, AgentState.Ready, null))
                {
                    AgentReadyNow(agent);
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
            GiveBackOffer(agent, "agent_left");
        }

        if (agent.State is AgentState.Ready or AgentState.Paused || (agent.State == AgentState.Reserved && agent.Call is null))
        {
            ChangeAgent(agent, to, reason);
            if (to == AgentState.LoggedOut)
            {
                RemoveAgent(agent);
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
        if (!ChangeAgent(agent, AgentState.Reserved, AgentStates.PreviewReason))
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
                    ChangeAgent(agent, AgentState.Paused, "preview_timeout");
                }
            }
        });
        return true;
    }

    public bool PreviewDial(long agentId)
    {
        if (!agents.TryGetValue(agentId, out var agent) || agent.Offered is not { } contact)
        {
            return false;
        }

        agent.Offered = null;
        agent.Timer?.Dispose();
        // Checked again at the moment of dialing: the preview may have lasted past the window or a DNC entry.
        if (!Check(contact))
        {
            AgentFree(agent);
            return false;
        }

        // The agent is already reserved (for this offer): the call is placed as every other call is.
        if (!Launch(contact, agent, Now))
        {
            // The lease moved on: another engine runs this campaign now and takes over this contact.
            AgentFree(agent);
            Stop();
            return false;
        }

        return true;
    }

    public bool PreviewSkip(long agentId)
    {
        if (!agents.TryGetValue(agentId, out var agent) || agent.Offered is null)
        {
            return false;
        }

        GiveBackOffer(agent, "skipped");
        AgentFree(agent);
        return true;
    }

    private void GiveBackOffer(AgentSlot agent, string reason)
    {
        var contact = agent.Offered!;
        agent.Offered = null;
        agent.Timer?.Dispose();
        var state = contact.State == ContactState.Callback ? ContactState.Callback : ContactState.Retry;
        contacts.Defer(contact, new ContactUpdate(state, Now.AddMinutes(Math.Max(1, campaign.Definition.MinGapMinutes)), reason), Now);
    }

    /// <summary>
    /// Live mode: the stored row of an agent changed outside this engine — through the Api (ready, pause,
    /// logout, disposition, or a request for the engine) or by another campaign's engine (busy elsewhere).
    /// </summary>
    public void ApplyStored(long agentId, AgentState stored, string? reason, AgentRequest? request, long version, string? sipUser)
    {
        if (!agents.TryGetValue(agentId, out var agent))
        {
            if (stored != AgentState.LoggedOut)
            {
                Adopt(agentId, sipUser, stored, reason, version);
            }

            return;
        }

        if (version <= agent.Version)
        {
            return;
        }

        agent.Version = version;
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
                AgentReadyNow(agent);
                break;
            case AgentState.Ready:
                SetStored(agent, AgentState.Ready, null);
                AgentReadyNow(agent);
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
                    RemoveAgent(agent);
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
                    GiveBackOffer(agent, "agent_left");
                }

                SetStored(agent, stored, reason);
                if (stored == AgentState.LoggedOut)
                {
                    RemoveAgent(agent);
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

        AgentChanged?.Invoke(agent);
        if (stored == AgentState.Ready)
        {
            AgentReadyNow(agent);
        }

        return agent;
    }

    /// <summary>The campaign stopped: its agents' legs are released (their stored states are left as they are).</summary>
    public void ReleaseAgents()
    {
        foreach (var agent in agentList.ToList())
        {
            agent.Timer?.Dispose();
            CloseLeg(agent);
        }
    }

    /// <summary>Agents this engine knows, to compare with the stored ones.</summary>
    public IReadOnlyCollection<long> AgentIds => agents.Keys;

    private void SetStored(AgentSlot agent, AgentState state, string? reason)
    {
        agent.State = state;
        agent.Reason = reason;
        agent.Since = Now;
        AgentChanged?.Invoke(agent);
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

    private sealed class AgentLegObserver(CampaignEngine engine, IEngineScheduler loop, AgentSlot agent) : ICallObserver
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
            if (agent.Call is { } call && call.Phase == CallPhase.Connected)
            {
                call.Leg?.Hangup();
            }

            engine.Pause(agent.Id, "phone_disconnected");
        });
    }
}
