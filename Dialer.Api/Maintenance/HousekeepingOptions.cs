using Dialer.Db;

namespace Dialer.Api.Maintenance;

/// <summary>Configuration section "Housekeeping": the periodic purge of rows nobody reads any more.</summary>
public sealed class HousekeepingOptions : IValidatedOptions
{
    public const string Section = "Housekeeping";

    /// <summary>Whether this process runs the purge loop (the Api does by default; the Worker never registers it).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Minutes between purges; the first one runs when the process starts.</summary>
    public double IntervalMinutes { get; set; } = 60;

    /// <summary>
    /// Retention of the billing intake's Idempotency-Keys (POST /api/reminders), in days from the first request
    /// with the key. Within it a retry with the same key answers the stored response (another body: 409). A key
    /// older than this is deleted by the next purge, so up to <see cref="IntervalMinutes"/> later; until then it
    /// still replays, and after it the same key is a new request. Expired sign-in sessions are deleted by the same
    /// purge (they stop working at their expiry whether deleted or not).
    /// </summary>
    public double IdempotencyKeyDays { get; set; } = 7;

    public TimeSpan Interval => TimeSpan.FromMinutes(IntervalMinutes);

    public TimeSpan IdempotencyKeyRetention => TimeSpan.FromDays(IdempotencyKeyDays);

    /// <summary>Fails start-up on values that would spin the loop or purge keys as they are written.</summary>
    public IEnumerable<string> Problems() =>
        DialerOptions.Check(IntervalMinutes > 0, $"{Section}:IntervalMinutes", "above 0", IntervalMinutes)
            .Concat(DialerOptions.Check(IdempotencyKeyDays > 0, $"{Section}:IdempotencyKeyDays", "above 0", IdempotencyKeyDays));
}
