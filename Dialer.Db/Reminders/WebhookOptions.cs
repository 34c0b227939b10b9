namespace Dialer.Db.Reminders;

/// <summary>Configuration section "Webhooks": how outcome callbacks are sent and retried.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Whether this process runs the delivery loop (the Api does by default).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the outbox is polled when nothing was due.</summary>
    public double PollSeconds { get; set; } = 2;

    /// <summary>Tries per delivery before it is marked failed.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Backoff after the n-th failed try: RetryBaseSeconds × 2^(n-1), at most RetryMaxSeconds.</summary>
    public double RetryBaseSeconds { get; set; } = 10;

    public double RetryMaxSeconds { get; set; } = 3600;

    /// <summary>Time allowed for the receiver to answer.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Deliveries claimed per poll; sent with at most Parallelism at once.</summary>
    public int BatchSize { get; set; } = 50;

    public int Parallelism { get; set; } = 8;

    public TimeSpan Backoff(int failedTries) =>
        TimeSpan.FromSeconds(Math.Min(RetryMaxSeconds, RetryBaseSeconds * Math.Pow(2, Math.Max(0, failedTries - 1))));
}
