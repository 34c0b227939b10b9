using Dialer.Db;

namespace Dialer.Api.Webhooks;

/// <summary>Configuration section "Webhooks": how outcome callbacks are sent and retried.</summary>
public sealed class WebhookOptions : IValidatedOptions
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

    /// <summary>Whether plain http:// URLs may be registered and sent to (off: HTTPS only).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Host names or addresses exempt from the public-address check (an internal receiver, a test
    /// receiver on 127.0.0.1); compared with the URL's host, case-insensitively.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    public IEnumerable<string> Problems() =>
        DialerOptions.Check(PollSeconds > 0, $"{Section}:PollSeconds", "above 0", PollSeconds)
            .Concat(DialerOptions.Check(MaxAttempts >= 1, $"{Section}:MaxAttempts", "at least 1", MaxAttempts))
            .Concat(DialerOptions.Check(RetryBaseSeconds > 0, $"{Section}:RetryBaseSeconds", "above 0", RetryBaseSeconds))
            .Concat(DialerOptions.Check(RetryMaxSeconds >= RetryBaseSeconds, $"{Section}:RetryMaxSeconds", "at least RetryBaseSeconds", RetryMaxSeconds))
            .Concat(DialerOptions.Check(TimeoutSeconds > 0, $"{Section}:TimeoutSeconds", "above 0", TimeoutSeconds))
            .Concat(DialerOptions.Check(BatchSize >= 1, $"{Section}:BatchSize", "at least 1", BatchSize))
            .Concat(DialerOptions.Check(Parallelism >= 1, $"{Section}:Parallelism", "at least 1", Parallelism))
            .Concat(DialerOptions.Check(AllowedHosts.All(h => !string.IsNullOrWhiteSpace(h) && !h.Contains('/') && !h.Contains(':', StringComparison.Ordinal) || System.Net.IPAddress.TryParse(h.Trim('[', ']'), out _)),
                $"{Section}:AllowedHosts", "host names or addresses (no scheme, port or path)", string.Join(", ", AllowedHosts)));

    public TimeSpan Backoff(int failedTries) =>
        TimeSpan.FromSeconds(Math.Min(RetryMaxSeconds, RetryBaseSeconds * Math.Pow(2, Math.Max(0, failedTries - 1))));
}
