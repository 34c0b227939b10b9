using System.Text.Json;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Dialer.Db.Reminders;
using Dialer.Worker.Engine;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Hosting;

/// <summary>
/// The engine's ports on the product database. The writes the engine does not need an answer to at once — a
/// call's result, a disposition, a contact given back, an event for an agent's page — go to <see cref="Writes"/>,
/// which runs them in order off the engine's loop; so does the result's one answer (was a disposition given during
/// the call), which the engine takes when it comes. What the loop waits for is what decides its next step, and
/// stays synchronous: claiming a contact, the DNC read, starting an attempt (its id names the call, and it is the
/// lease check before dialing) and an agent's compare-and-set (lost to the Api, the agent is not reserved). Under
/// a lease (<see cref="Fence"/>) every write about contacts and calls carries the epoch: once the lease has moved
/// on, writes change nothing, no contact is claimed, no attempt starts, and <see cref="LeaseLost"/> is raised once.
/// </summary>
public sealed class DbDialingPorts(
    ContactClaimStore contacts,
    AttemptStore attempts,
    AgentStateStore agents,
    ReminderStore reminders,
    string workerId,
    string carrier,
    TimeProvider time,
    CancellationToken ct) : IContactSource, IAttemptLog, IAgentLedger
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private int lost;

    /// <summary>The lease the engine runs under; null: unfenced (tests of the engine alone).</summary>
    public LeaseFence? Fence { get; init; }

    /// <summary>Where the queued writes run: <see cref="DbWriteQueue.Start"/> live, <see cref="DbWriteQueue.Inline"/> in tests on the virtual clock.</summary>
    public required DbWriteQueue Writes { get; init; }

    /// <summary>Raised once, on the loop or on the writer, when a fenced write found the lease moved on.</summary>
    public Action? LeaseLost { get; init; }

    /// <summary>True once a fenced write found the lease moved on.</summary>
    public bool IsLeaseLost => Volatile.Read(ref lost) == 1;

    public DialContact? ClaimNext(CampaignRuntime campaign, DateTimeOffset now) =>
        IsLeaseLost ? null : ToDial(Fenced(() => contacts.ClaimNextAsync(campaign.Id, workerId, now.ToUnixTimeMilliseconds(), ct, Fence), null));

    public DialContact? ClaimOwnedCallback(CampaignRuntime campaign, long agentId, DateTimeOffset now) =>
        IsLeaseLost ? null : ToDial(Fenced(() => contacts.ClaimOwnedCallbackAsync(campaign.Id, agentId, workerId, now.ToUnixTimeMilliseconds(), ct, Fence), null));

    public DialContact? ClaimManual(CampaignRuntime campaign, long contactId, DateTimeOffset now) =>
        IsLeaseLost ? null : ToDial(Fenced(() => contacts.ClaimManualAsync(campaign.Id, contactId, workerId, now.ToUnixTimeMilliseconds(), ct, Fence), null));

    public bool IsOnDnc(string phone, long campaignId, DateTimeOffset now) =>
        Wait(contacts.IsOnDncAsync(phone, campaignId, now.ToUnixTimeMilliseconds(), ct));

    public void Defer(DialContact contact, ContactUpdate update, DateTimeOffset now)
    {
        var next = Next(update, contact);
        var at = now.ToUnixTimeMilliseconds();
        Writes.Enqueue($"release of contact {contact.Id}", async t =>
        {
            if (!await FencedAsync(() => contacts.ReleaseAsync(contact.Id, workerId, next, at, t, Fence), false))
            {
                return;
            }

            if (update.State is ContactState.Dnc or ContactState.Done or ContactState.Invalid)
            {
                await reminders.CompleteForContactAsync(contact.Id, ReminderStates.Failed, update.Reason, t);
            }
        });
    }

    public long? Start(CampaignRuntime campaign, DialContact contact, DateTimeOffset queuedAt, long? agentId) =>
        IsLeaseLost
            ? null
            : Fenced<long?>(async () => await attempts.StartAsync(campaign.Id, contact.Id, contact.Phone, agentId, workerId, carrier,
                queuedAt.ToUnixTimeMilliseconds(), ct, Fence), null);

    public long? StartManual(CampaignRuntime campaign, DialContact contact, DateTimeOffset queuedAt, long agentId) =>
        IsLeaseLost
            ? null
            : Fenced<long?>(async () => await attempts.StartAsync(campaign.Id, contact.Id, contact.Phone, agentId, workerId, carrier,
                queuedAt.ToUnixTimeMilliseconds(), ct, Fence, manual: true), null);

    public void Transferred(CampaignRuntime campaign, long attemptId, long fromAgentId, long? toAgentId, string? toNumber, string kind, DateTimeOffset at)
    {
        var ms = at.ToUnixTimeMilliseconds();
        Writes.Enqueue($"transfer of attempt {attemptId}", t => FencedAsync(() => attempts.TransferAsync(attemptId, fromAgentId, toAgentId, toNumber, kind, ms, t, Fence), false));
    }

    public Task<bool> Finish(CampaignRuntime campaign, ActiveCall call, ContactUpdate update)
    {
        var ended = call.EndedAt ?? call.DialedAt;
        var result = new AttemptResult(
            call.AttemptId,
            call.Agent?.Id,
            call.Leg?.Id,
            call.DialedAt.ToUnixTimeMilliseconds(),
            call.RingingAt?.ToUnixTimeMilliseconds(),
            call.AnsweredAt?.ToUnixTimeMilliseconds(),
            call.ConnectedAt?.ToUnixTimeMilliseconds(),
            ended.ToUnixTimeMilliseconds(),
            (call.Outcome ?? CallOutcome.Failed).ToDb(),
            call.End?.SipCode,
            call.End?.Reason,
            call.Machine,
            call.ConnectedAt is { } c ? Math.Round((ended - c).TotalSeconds, 3) : null,
            call.Dtmf,
            call.RecordingPath,
            call.SurveyJson,
            call.Note,
            call.VoicemailLeft);
        var day = campaign.LocalDay(call.AnsweredAt ?? ended).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var next = Next(update, call.Contact);
        var contactId = call.Contact.Id;
        // A billing reminder is delivered when the customer heard it, in person or as the message left on their machine.
        var delivered = call.Outcome == CallOutcome.Connected || call.VoicemailLeft;
        var voicemailLeft = call.VoicemailLeft;
        return Writes.Enqueue($"result of attempt {call.AttemptId}", async t =>
        {
            var written = false;
            var disposed = await FencedAsync(async () =>
            {
                var given = await attempts.FinishAsync(campaign.Id, contactId, workerId, result, next, day, t, Fence);
                written = true;
                return given;
            }, false);
            if (written && update.State is ContactState.Done or ContactState.Invalid or ContactState.Dnc)
            {
                await reminders.CompleteForContactAsync(contactId, delivered ? ReminderStates.Delivered : ReminderStates.Failed, result.Outcome, t, voicemailLeft);
            }

            return disposed;
        }, false);
    }

    public void Dispose(CampaignRuntime campaign, long attemptId, long contactId, long agentId, Disposition disposition, double wrapSeconds, ContactUpdate? update)
    {
        var callback = update is null ? null : Next(update, null);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Writes.Enqueue($"disposition of attempt {attemptId}", t => FencedAsync(() => attempts.DisposeAsync(attemptId, agentId, disposition.Code,
            disposition.Notes, disposition.SurveyJson, Math.Round(wrapSeconds, 3), callback, now, t, Fence), false));
    }

    public bool TryChange(AgentSlot agent, AgentState to, string? reason, DateTimeOffset at)
    {
        var call = to.IsBusy() ? agent.Call : null;
        // A reservation records its contact (offered, or about to be dialed): a recovery after a lost worker finds it by that.
        var contactId = call?.Contact.Id ?? (to == AgentState.Reserved ? (agent.Offered ?? agent.Dialing)?.Id : null);
        // Wrap-up keeps a pause or logout asked during the call: the Api's disposition carries it out when it ends wrap-up.
        var version = Wait(agents.TryChangeAsync(agent.Id, agent.Version, to, reason, call?.AttemptId, contactId, null,
            at.ToUnixTimeMilliseconds(), ct, keepRequest: to == AgentState.WrapUp));
        if (version is { } v)
        {
            agent.Version = v;
            return true;
        }

        // Changed meanwhile (the Api, or another campaign's engine): the slot takes the stored state.
        if (Wait(agents.GetAsync(agent.Id, ct)) is { } row)
        {
            agent.Version = row.Version;
            agent.State = row.Current;
            agent.Reason = row.Reason;
        }

        return false;
    }

    public void Publish(AgentEvent agentEvent, DateTimeOffset at) =>
        Writes.Enqueue($"{agentEvent.Event.Kind} event of agent {agentEvent.AgentId}", t =>
            agents.PublishAsync(agentEvent.AgentId, agentEvent.CampaignId, agentEvent.Event, at.ToUnixTimeMilliseconds(), t));

    private static ContactNext Next(ContactUpdate u, DialContact? contact) => new(
        u.State,
        u.NextEligibleAt == DateTimeOffset.MaxValue ? long.MaxValue : u.NextEligibleAt.ToUnixTimeMilliseconds(),
        u.Reason,
        u.Outcome,
        u.AbandonedAt?.ToUnixTimeMilliseconds(),
        u.CallbackAt?.ToUnixTimeMilliseconds() ?? (u.State == ContactState.Callback ? contact?.CallbackAt : null),
        u.CallbackAgentId ?? (u.State == ContactState.Callback ? contact?.CallbackAgentId : null),
        // A callback given back keeps its owner and the time it opens to anyone.
        u.CallbackOpenAt?.ToUnixTimeMilliseconds() ?? (u.State == ContactState.Callback && u.CallbackAgentId is null ? contact?.CallbackOpenAt : null));

    private static DialContact? ToDial(ClaimedContact? c) => c is null
        ? null
        : new DialContact(c.Id, c.CampaignId, c.Phone, c.TimeZone, c.State, c.Attempts, c.LastAttemptAt, c.AbandonedAt,
            c.State == ContactState.Callback ? c.CallbackAt : null, c.CallbackAgentId, c.Name, c.AccountId, c.CustomJson,
            c.State == ContactState.Callback ? c.CallbackOpenAt : null, c.NextEligibleAt);

    /// <summary>Runs a fenced statement and waits for it (on the loop); when the lease has moved on: <paramref name="whenLost"/>.</summary>
    private T Fenced<T>(Func<Task<T>> write, T whenLost) => Wait(FencedAsync(write, whenLost));

    /// <summary>Runs a fenced statement; when the lease has moved on: <paramref name="whenLost"/>, and the loss is raised once.</summary>
    private async Task<T> FencedAsync<T>(Func<Task<T>> write, T whenLost)
    {
        try
        {
            return await write();
        }
        catch (LeaseLostException)
        {
            if (Interlocked.Exchange(ref lost, 1) == 0)
            {
                LeaseLost?.Invoke();
            }

            return whenLost;
        }
    }

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
