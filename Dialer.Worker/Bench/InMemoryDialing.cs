using Dialer.Db.Model;
using Dialer.Worker.Engine;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Bench;

/// <summary>
/// The engine's persistence in memory for the benchmark: an endless supply of fresh contacts (due retries
/// first), results counted per day, and agent time per state.
/// </summary>
public sealed class InMemoryDialing(DateTimeOffset firstDay) : IContactSource, IAttemptLog, IAgentLedger
{
    private readonly PriorityQueue<DialContact, long> retries = new();
    private readonly Dictionary<int, DayTotals> days = [];
    private long nextContact;
    private long nextAttempt;

    public double TalkSeconds { get; private set; }

    public double WrapSeconds { get; private set; }

    /// <summary>Logged in and not paused: ready, reserved, on call, wrap-up.</summary>
    public double WorkingSeconds { get; private set; }

    public double IdleSeconds { get; private set; }

    public long Connected { get; private set; }

    public long Abandoned { get; private set; }

    public long Attempts { get; private set; }

    public IReadOnlyDictionary<int, DayTotals> Days => days;

    public DialContact? ClaimNext(CampaignRuntime campaign, DateTimeOffset now)
    {
        if (retries.TryPeek(out var due, out var at) && at <= now.ToUnixTimeMilliseconds())
        {
            retries.Dequeue();
            return due with { State = ContactState.Dialing };
        }

        var id = ++nextContact;
        return new DialContact(id, campaign.Id, $"+1555{id:D7}", "UTC", ContactState.New, 0, null, null, null, null);
    }

    public DialContact? ClaimOwnedCallback(CampaignRuntime campaign, long agentId, DateTimeOffset now) => null;

    public bool IsOnDnc(string phone, long campaignId, DateTimeOffset now) => false;

    public void Defer(DialContact contact, ContactUpdate update, DateTimeOffset now)
    {
        if (update.State is ContactState.Retry or ContactState.New or ContactState.Callback && update.NextEligibleAt < DateTimeOffset.MaxValue)
        {
            retries.Enqueue(contact with { State = update.State }, update.NextEligibleAt.ToUnixTimeMilliseconds());
        }
    }

    public long? Start(CampaignRuntime campaign, DialContact contact, DateTimeOffset queuedAt, long? agentId)
    {
        Attempts++;
        return ++nextAttempt;
    }

    private static readonly Task<bool> NotDisposed = Task.FromResult(false);

    /// <summary>The benchmark's agents record dispositions in wrap-up only: never one given during the call. Written at once.</summary>
    public Task<bool> Finish(CampaignRuntime campaign, ActiveCall call, ContactUpdate update)
    {
        var day = DayOf(call.AnsweredAt ?? call.EndedAt ?? call.DialedAt);
        var totals = days.TryGetValue(day, out var t) ? t : new DayTotals();
        if (call.Outcome == CallOutcome.Connected)
        {
            Connected++;
            totals = totals with { Live = totals.Live + 1, Connected = totals.Connected + 1 };
        }
        else if (call.Outcome == CallOutcome.Abandoned)
        {
            Abandoned++;
            totals = totals with { Live = totals.Live + 1, Abandoned = totals.Abandoned + 1 };
        }

        days[day] = totals;
        if (update.State == ContactState.Retry)
        {
            var contact = call.Contact with
            {
                State = ContactState.Retry,
                Attempts = call.Contact.Attempts + 1,
                LastAttemptAt = (call.EndedAt ?? call.DialedAt).ToUnixTimeMilliseconds(),
                AbandonedAt = update.AbandonedAt?.ToUnixTimeMilliseconds() ?? call.Contact.AbandonedAt,
            };
            retries.Enqueue(contact, update.NextEligibleAt.ToUnixTimeMilliseconds());
        }

        return NotDisposed;
    }

    public void Dispose(CampaignRuntime campaign, long attemptId, long contactId, long agentId, Disposition disposition, double wrapSeconds, ContactUpdate? update)
    {
    }

    public bool TryChange(AgentSlot agent, AgentState to, string? reason, DateTimeOffset at)
    {
        if (agent.State.IsWorking())
        {
            var seconds = (at - agent.Since).TotalSeconds;
            WorkingSeconds += seconds;
            switch (agent.State)
            {
                case AgentState.OnCall:
                    TalkSeconds += seconds;
                    break;
                case AgentState.WrapUp:
                    WrapSeconds += seconds;
                    break;
                default:
                    IdleSeconds += seconds;
                    break;
            }
        }

        agent.Version++;
        return true;
    }

    public void Publish(AgentEvent agentEvent, DateTimeOffset at)
    {
    }

    private int DayOf(DateTimeOffset at) => (int)Math.Floor((at - firstDay).TotalDays);

    public sealed record DayTotals(long Live = 0, long Connected = 0, long Abandoned = 0);
}
