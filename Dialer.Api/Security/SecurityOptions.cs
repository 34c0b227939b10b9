namespace Dialer.Api.Security;

/// <summary>The settings of the section <c>Security</c> (README, "Security").</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Origins (<c>https://dialer.example</c>) besides the request's own from which a signed-in browser may send
    /// changes: the public address when a proxy in front of the Api rewrites the host or ends TLS.
    /// </summary>
    public string[] TrustedOrigins { get; set; } = [];

    /// <summary>The Content-Security-Policy of every answer; empty means <see cref="SecurityHeaders.DefaultPolicy"/>.</summary>
    public string? ContentSecurityPolicy { get; set; }

    /// <summary>Strict-Transport-Security max-age, answered over HTTPS only; 0 turns HSTS off.</summary>
    public int HstsMaxAgeDays { get; set; } = 365;
}
