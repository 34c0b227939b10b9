using System.Text.Json.Serialization;

namespace Dialer.Db.Reminders;

/// <summary>What an Idempotency-Key already holds.</summary>
public sealed record StoredResponse
{
    public string RequestHash { get; init; } = "";

    public int StatusCode { get; init; }

    public string ResponseJson { get; init; } = "";
}

public enum SubmitOutcome
{
    /// <summary>This request did the work; the response is new (and now stored).</summary>
    Created,

    /// <summary>The same key and body were seen before: the stored response, nothing changed.</summary>
    Replayed,

    /// <summary>The key was used before with another body.</summary>
    KeyReused,
}

public sealed record SubmitResult(SubmitOutcome Outcome, int StatusCode, string ResponseJson);

/// <summary>A reminder as GET /api/reminders answers it.</summary>
public sealed record ReminderView(
    string Id,
    long CampaignId,
    string AccountId,
    string Phone,
    decimal AmountDue,
    string Currency,
    string DueDate,
    string Kind,
    string? Language,
    string State,
    string? Reason,
    string? Outcome,
    int Attempts,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// The billing intake. A batch becomes contacts of a billing-reminder campaign and one reminder row per
/// item, in one transaction together with its Idempotency-Key row (whose primary key decides between
/// concurrent duplicates). The engine reports final outcomes through <see cref="CompleteForContactAsync(long, string, string?, CancellationToken, bool)"/>;
/// every final state queues a signed webhook for the key's registered callbacks.
/// </summary>

/// <summary>The body of a webhook: the reminder's final state.</summary>
public sealed record WebhookPayload(
    string Id,
    string AccountId,
    string State,
    string? Outcome,
    int Attempts,
    DateTimeOffset At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    bool VoicemailLeft = false);
