namespace Dialer.Tests.Reminders;

/// <summary>A clock the test moves by hand, for retry backoff without waiting.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
