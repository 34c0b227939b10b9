using Dialer.Db;

namespace Dialer.Api.BrowserPhone;

/// <summary>The agent's phone in the browser, as the Api serves it (section <c>BrowserPhone</c>).</summary>
public sealed class BrowserPhoneOptions : IValidatedOptions
{
    public const string Section = "BrowserPhone";

    /// <summary>How long a browser phone credential is valid; the desk asks for a new one before it runs out.</summary>
    public int CredentialMinutes { get; set; } = 12 * 60;

    /// <summary>A Worker whose heartbeat is older than this is not offered to pages (its WebSocket URL is skipped).</summary>
    public int WorkerLiveSeconds { get; set; } = 60;

    /// <summary>How long the Api keeps the Workers' WebSocket origins (for the Content-Security-Policy) before reading them again.</summary>
    public int OriginsCacheSeconds { get; set; } = 10;

    public IEnumerable<string> Problems() =>
        DialerOptions.Check(CredentialMinutes is >= 5 and <= 7 * 24 * 60, $"{Section}:CredentialMinutes", "5-10080", CredentialMinutes)
            .Concat(DialerOptions.Check(WorkerLiveSeconds >= 5, $"{Section}:WorkerLiveSeconds", "at least 5", WorkerLiveSeconds))
            .Concat(DialerOptions.Check(OriginsCacheSeconds is >= 0 and <= 300, $"{Section}:OriginsCacheSeconds", "0-300", OriginsCacheSeconds));
}
