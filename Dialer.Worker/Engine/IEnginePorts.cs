using Dialer.Db.Model;

namespace Dialer.Worker.Engine;

/// <summary>Where the engine gets contacts. Live: the contacts table (claimed by compare-and-set); benchmark: memory.</summary>
public interface IContactSource
{
    /// <summary>
    /// Claims the next contact due now (callbacks open to anyone first, then by priority and due time).
    /// The claim is exclusive until the contact is finished, deferred or released.
    /// </summary>
    DialContact? ClaimNext(CampaignRuntime campaign, DateTimeOffset now);

    /// <summary>Claims a due callback owned by <paramref name="agentId"/> and not yet open to anyone.</summary>
    DialContact? ClaimOwnedCallback(CampaignRuntime campaign, long agentId, DateTimeOffset now);

    /// <summary>Global (campaign 0) or campaign DNC entry in force at <paramref name="now"/>.</summary>
    bool IsOnDnc(string phone, long campaignId, DateTimeOffset now);

    /// <summary>Gives a claimed contact back without dialing it: not dialable now, with the reason.</summary>
    void Defer(DialContact contact, ContactUpdate update, DateTimeOffset now);

    /// <summary>
    /// Manual dial from the desk: claims this contact of the campaign whatever its due time, unless it is being dialled or
    /// finished for good; null otherwise (and where manual dial is not supported).
    /// </summary>
    DialContact? ClaimManual(CampaignRuntime campaign, long contactId, DateTimeOffset now) => null;
}

/// <summary>Where results go: call_attempts and the contact's next state.</summary>
public interface IAttemptLog
{
    /// <summary>
    /// Creates the attempt row (and counts the attempt on the contact); returns its id, or null when the engine
    /// may no longer dial (its lease has moved on to another engine): the contact is then not dialed.
    /// </summary>
    long? Start(CampaignRuntime campaign, DialContact contact, DateTimeOffset queuedAt, long? agentId);

    /// <summary>
    /// Writes the outcome and timings, and moves the contact on (retry, done, …; or to the callback the agent
    /// gave during the call). Completes with true when the agent already recorded a disposition during the call.
    /// The engine does not wait for it: a write still running when this returns is finished off the loop, in the
    /// order the engine asked for its writes.
    /// </summary>
    Task<bool> Finish(CampaignRuntime campaign, ActiveCall call, ContactUpdate update);

    /// <summary>An attempt placed by an agent's manual dial (marked manual); by default as any other.</summary>
    long? StartManual(CampaignRuntime campaign, DialContact contact, DateTimeOffset queuedAt, long agentId) => Start(campaign, contact, queuedAt, agentId);

    /// <summary>
    /// The call left <paramref name="fromAgentId"/> for the agent <paramref name="toAgentId"/> or the number <paramref name="toNumber"/>
    /// (kind blind or consult): recorded with the attempt; to an agent, the attempt is that agent's from now on. Not waited for.
    /// </summary>
    void Transferred(CampaignRuntime campaign, long attemptId, long fromAgentId, long? toAgentId, string? toNumber, string kind, DateTimeOffset at)
    {
    }

    /// <summary>Writes the agent's disposition for the attempt; a callback moves the contact to callback.</summary>
    void Dispose(CampaignRuntime campaign, long attemptId, long contactId, long agentId, Disposition disposition, double wrapSeconds, ContactUpdate? update);
}

/// <summary>Agent states and the events for their pages.</summary>
public interface IAgentLedger
{
    /// <summary>
    /// Persists and logs the engine's change of an agent's state. False when the stored state had moved
    /// (the agent paused or logged out through the Api): the slot then holds the stored state.
    /// </summary>
    bool TryChange(AgentSlot agent, AgentState to, string? reason, DateTimeOffset at);

    void Publish(AgentEvent agentEvent, DateTimeOffset at);
}

/// <summary>A contact's next state after an attempt (or instead of one).</summary>
public sealed record ContactUpdate(
    string State,
    DateTimeOffset NextEligibleAt,
    string? Reason,
    string? Outcome = null,
    DateTimeOffset? AbandonedAt = null,
    DateTimeOffset? CallbackAt = null,
    long? CallbackAgentId = null,
    DateTimeOffset? CallbackOpenAt = null);
