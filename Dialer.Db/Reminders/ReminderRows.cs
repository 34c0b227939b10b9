using Dialer.Db.Model;

namespace Dialer.Db.Reminders;

// Rows as Dapper reads them: classes with setters, so INT/BIGINT convert per dialect.

internal sealed class ContactRow
{
    public long Id { get; set; }

    public string Phone { get; set; } = "";

    public string State { get; set; } = "";

    public string? AccountId { get; set; }

    public string? CustomJson { get; set; }
}

internal sealed class OpenRow
{
    public string Id { get; set; } = "";

    public long ApiKeyId { get; set; }

    public long? ContactId { get; set; }

    public string AccountId { get; set; } = "";

    public long CreatedAt { get; set; }
}

internal sealed class ViewRow
{
    public string Id { get; set; } = "";

    public long CampaignId { get; set; }

    public string AccountId { get; set; } = "";

    public string Phone { get; set; } = "";

    public string AmountDue { get; set; } = "0";

    public string Currency { get; set; } = "";

    public string DueDate { get; set; } = "";

    public string Kind { get; set; } = "";

    public string? Language { get; set; }

    public string State { get; set; } = "";

    public string? Reason { get; set; }

    public string? Outcome { get; set; }

    public string? ContactState { get; set; }

    public long Attempts { get; set; }

    public long? LastAttemptAt { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    /// <summary>An open reminder whose contact is being called, or has been tried, is dialing.</summary>
    public ReminderView ToView() => new(
        Id,
        CampaignId,
        AccountId,
        Phone,
        decimal.Parse(AmountDue, System.Globalization.CultureInfo.InvariantCulture),
        Currency,
        DueDate,
        Kind,
        Language,
        State == ReminderStates.Queued && (ContactState == Model.ContactState.Dialing || Attempts > 0) ? ReminderStates.Dialing : State,
        Reason,
        Outcome,
        (int)Attempts,
        LastAttemptAt is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(LastAttemptAt.Value),
        DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
        DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
}
