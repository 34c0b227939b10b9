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
        if (campaign.Mode != "agentless")
        {
            agent.Leg = telephony.OpenAgentLeg(new AgentLegRequest(agentId, sipUser ?? $"agent{agentId}"), new AgentLegObserver(this, loop, agent));
        }

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

    public bool Pause(long agentId, string reason) => Leave(agentId, AgentState.Paused, reason);

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

        if (!ChangeAgent(agent, AgentState.Reserved, "preview"))
        {
            contacts.Defer(contact, new ContactUpdate(contact.State == ContactState.Callback ? ContactState.Callback : ContactState.New, Now, null), Now);
            return true;
        }

        agent.Offered = contact;
        ledger.Publish(new AgentEvent("contact_offered", agent.Id, campaign.Id, new
        {
            contact = new { id = contact.Id, phone = contact.Phone, name = contact.Name, accountId = contact.AccountId, custom = contact.CustomJson },
            expiresInSeconds = campaign.Definition.PreviewSeconds,
        }), Now);
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

        // The agent is already reserved; Dial moves Reserved to Reserved with the call attached.
        var id = attempts.Start(campaign, contact, Now, agent.Id);
        var call = new ActiveCall(this, loop, id, contact, Now) { Agent = agent, Reserved = true, DialedAt = Now };
        agent.Call = call;
        calls.Add(call);
        var definition = campaign.Definition;
        call.Leg = telephony.Dial(new DialRequest(id, contact.Phone, definition.CallerId ?? "", campaign.RingTimeout, definition.DetectMachines), call);
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
    /// Live mode: the stored state changed outside the engine (the Api: ready, pause, logout, disposition).
    /// </summary>
    public void ApplyStored(long agentId, AgentState stored, string? reason, long version, string? sipUser)
    {
        if (!agents.TryGetValue(agentId, out var agent))
        {
            if (stored != AgentState.LoggedOut)
            {
                Login(agentId, sipUser, stored == AgentState.Ready ? null : reason ?? "paused", version);
            }

            return;
        }

        if (version <= agent.Version)
        {
            return;
        }

        agent.Version = version;
        switch (stored)
        {
            case AgentState.Ready when agent.State == AgentState.WrapUp:
                // Disposition written by the Api: wrap-up is over.
                agent.State = AgentState.Ready;
                Stats.RecordWrap((Now - agent.Since).TotalSeconds);
                agent.Timer?.Dispose();
                agent.Call = null;
                agent.Since = Now;
                AgentChanged?.Invoke(agent);
                AgentReadyNow(agent);
                break;
            case AgentState.Ready:
                agent.State = AgentState.Ready;
                agent.Since = Now;
                AgentChanged?.Invoke(agent);
                AgentReadyNow(agent);
                break;
            case AgentState.Paused or AgentState.LoggedOut:
                if (agent.Offered is not null)
                {
                    GiveBackOffer(agent, "agent_left");
                }

                agent.State = stored;
                agent.Reason = reason;
                agent.Since = Now;
                AgentChanged?.Invoke(agent);
                if (stored == AgentState.LoggedOut)
                {
                    RemoveAgent(agent);
                }

                break;
        }
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
