using Dialer.Db;

namespace Dialer.Api.Security;

/// <summary>The settings of the section <c>Security</c> (README, "Security"), checked at start.</summary>
public sealed class SecurityOptions : IValidatedOptions
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

    public IEnumerable<string> Problems()
    {
        for (var i = 0; i < TrustedOrigins.Length; i++)
        {
            var origin = TrustedOrigins[i];
            var ok = Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                && string.Equals(origin.TrimEnd('/'), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
            foreach (var problem in DialerOptions.Check(ok, $"{Section}:{nameof(TrustedOrigins)}:{i}", "an origin such as https://dialer.example (scheme, host, port; no path)", origin))
            {
                yield return problem;
            }
        }

        foreach (var problem in DialerOptions.Check(HstsMaxAgeDays >= 0, $"{Section}:{nameof(HstsMaxAgeDays)}", "0 (off) or more days", HstsMaxAgeDays))
        {
            yield return problem;
        }
    }
}
