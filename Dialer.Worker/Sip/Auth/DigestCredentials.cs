namespace Dialer.Worker.Sip.Auth;

/// <summary>An Authorization or Proxy-Authorization digest header.</summary>
public sealed record DigestCredentials(
    string Username, string Realm, string Nonce, string Uri, string Response, string Algorithm,
    string? Qop, string? Nc, string? Cnonce, string? Opaque)
{
    public static DigestCredentials? Parse(string header)
    {
        var p = DigestParameters.Parse(header);
        if (p is null
            || !p.TryGetValue("username", out var user) || !p.TryGetValue("realm", out var realm)
            || !p.TryGetValue("nonce", out var nonce) || !p.TryGetValue("uri", out var uri)
            || !p.TryGetValue("response", out var response))
        {
            return null;
        }

        return new DigestCredentials(user, realm, nonce, uri, response, p.GetValueOrDefault("algorithm") ?? "MD5",
            p.GetValueOrDefault("qop"), p.GetValueOrDefault("nc"), p.GetValueOrDefault("cnonce"), p.GetValueOrDefault("opaque"));
    }

    public override string ToString() =>
        $"Digest username=\"{Username}\", realm=\"{Realm}\", nonce=\"{Nonce}\", uri=\"{Uri}\", response=\"{Response}\", algorithm={Algorithm}"
        + (Qop is null ? string.Empty : $", qop={Qop}, nc={Nc}, cnonce=\"{Cnonce}\"")
        + (Opaque is null ? string.Empty : $", opaque=\"{Opaque}\"");
}
