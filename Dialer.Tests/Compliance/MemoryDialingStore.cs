using Dialer.Db.Model;
using Dialer.Worker.Engine;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Compliance;

/// <summary>
/// The engine's ports in memory, with the semantics of the Dapper stores (contacts claimed by state, released with
/// their next state; DNC global or per campaign with an expiry; attempts counted on the contact when they start;
/// callbacks given in wrap-up move the contact unless it is being dialed; live answers and abandons per campaign day).
/// </summary>
public sealed class MemoryDialingStore : IContactSource, IAttemptLog, IAgentLedger
{
    private readonly List<ContactRow> contacts = [];
    private readonly List<DncRow> dnc = [];
    private readonly Dictionary<DateOnly, (long Live, long Abandoned)> days = [];
    private long nextAttempt;

    public IReadOnlyList<ContactRow> Contacts => contacts;

    public ContactRow Add(ContactRow row)
    {
        contacts.Add(row);
        return row;
    }

    public void AddDnc(string phone, long campaignId, DateTimeOffset? expiresAt) => dnc.Add(new DncRow(phone, campaignId, expiresAt));

    public void Seed(DateOnly day, long live, long abandoned) => days[day] = (live, abandoned);

    public void RemoveDnc(string phone) => dnc.RemoveAll(d => d.Phone == phone);

    /// <summary>No contact can be dialed again: every one is done, invalid or on DNC, none claimed.</summary>
    public bool AllFinal => contacts.All(c => c.State is ContactState.Done or ContactState.Invalid or ContactState.Dnc);

    /// <summary>What the runner seeds a new engine's abandon ledger with (campaign_daily_stats).</summary>
    public IReadOnlyDictionary<DateOnly, (long Live, long Abandoned)> Days => days;

    public DialContact? ClaimNext(CampaignRuntime campaign, DateTimeOffset now)
    {
        var at = now.ToUnixTimeMilliseconds();
        var row = contacts
            .Where(c => c.State is ContactState.New or ContactState.Retry or ContactState.Callback && c.NextEligibleAt <= at
                && (c.CallbackAgentId is null || c.CallbackOpenAt is null || c.CallbackOpenAt <= at))
            .OrderBy(c => c.State == ContactState.Callback ? 0 : 1).ThenBy(c => c.NextEligibleAt).ThenBy(c => c.Id)
            .FirstOrDefault();
        return Claim(row);
    }

    public DialContact? ClaimOwnedCallback(CampaignRuntime campaign, long agentId, DateTimeOffset now)
    {
        var at = now.ToUnixTimeMilliseconds();
        var row = contacts
            .Where(c => c.State == ContactState.Callback && c.CallbackAgentId == agentId && c.NextEligibleAt <= at && c.CallbackOpenAt > at)
            .OrderBy(c => c.NextEligibleAt).ThenBy(c => c.Id)
            .FirstOrDefault();
        return Claim(row);
    }

    public bool IsOnDnc(string phone, long campaignId, DateTimeOffset now) =>
        dnc.Any(d => d.Phone == phone && (d.CampaignId == 0 || d.CampaignId == campaignId) && (d.ExpiresAt is null || d.ExpiresAt > now));

    public void Defer(DialContact contact, ContactUpdate update, DateTimeOffset now)
    {
        var row = Row(contact.Id);
        if (row.State == ContactState.Dialing)
        {
            Release(row, update, contact);
        }
    }

    public long? Start(CampaignRuntime campaign, DialContact contact, DateTimeOffset queuedAt, long? agentId)
    {
        var row = Row(contact.Id);
        row.Attempts++;
        row.LastAttemptAt = queuedAt.ToUnixTimeMilliseconds();
        return ++nextAttempt;
    }

    public Task<bool> Finish(CampaignRuntime campaign, ActiveCall call, ContactUpdate update)
    {
        var day = campaign.LocalDay(call.AnsweredAt ?? call.EndedAt ?? call.DialedAt);
        var (live, abandoned) = days.GetValueOrDefault(day);
        days[day] = (live + (call.Outcome is CallOutcome.Connected or CallOutcome.Abandoned ? 1 : 0), abandoned + (call.Outcome == CallOutcome.Abandoned ? 1 : 0));
        var row = Row(call.Contact.Id);
        if (row.State == ContactState.Dialing)
        {
            Release(row, update, call.Contact);
        }

        return Task.FromResult(false);
    }

    public void Dispose(CampaignRuntime campaign, long attemptId, long contactId, long agentId, Disposition disposition, double wrapSeconds, ContactUpdate? update)
    {
        var row = Row(contactId);
        if (update is not null && row.State != ContactState.Dialing)
        {
            Release(row, update, null);
        }
    }

    public bool TryChange(AgentSlot agent, AgentState to, string? reason, DateTimeOffset at)
    {
        agent.Version++;
        return true;
    }

    public void Publish(AgentEvent agentEvent, DateTimeOffset at)
    {
    }

    private DialContact? Claim(ContactRow? row)
    {
        if (row is null)
        {
            return null;
        }

        var claimed = new DialContact(row.Id, 1, row.Phone, row.TimeZone, row.State, row.Attempts, row.LastAttemptAt, row.AbandonedAt,
            row.State == ContactState.Callback ? row.CallbackAt : null, row.CallbackAgentId);
        row.State = ContactState.Dialing;
        return claimed;
    }

    /// <summary>As <c>ContactClaimStore.Sql.Release</c> with <c>DbDialingPorts.Next</c>.</summary>
    private static void Release(ContactRow row, ContactUpdate u, DialContact? contact)
    {
        row.State = u.State;
        row.NextEligibleAt = u.NextEligibleAt == DateTimeOffset.MaxValue ? long.MaxValue : u.NextEligibleAt.ToUnixTimeMilliseconds();
        row.AbandonedAt = u.AbandonedAt?.ToUnixTimeMilliseconds() ?? row.AbandonedAt;
        row.CallbackAt = u.CallbackAt?.ToUnixTimeMilliseconds() ?? (u.State == ContactState.Callback ? contact?.CallbackAt : null);
        row.CallbackAgentId = u.CallbackAgentId ?? (u.State == ContactState.Callback ? contact?.CallbackAgentId : null);
        row.CallbackOpenAt = u.CallbackOpenAt?.ToUnixTimeMilliseconds();
    }

    private ContactRow Row(long id) => contacts[(int)id - 1];

    private sealed record DncRow(string Phone, long CampaignId, DateTimeOffset? ExpiresAt);
}

/// <summary>A row of contacts.</summary>
public sealed class ContactRow(long id, string phone, string timeZone)
{
    public long Id => id;

    public string Phone => phone;

    public string TimeZone => timeZone;

    public string State { get; set; } = ContactState.New;

    public int Attempts { get; set; }

    public long NextEligibleAt { get; set; }

    public long? LastAttemptAt { get; set; }

    public long? AbandonedAt { get; set; }

    public long? CallbackAt { get; set; }

    public long? CallbackAgentId { get; set; }

    public long? CallbackOpenAt { get; set; }
}
