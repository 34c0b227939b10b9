namespace Dialer.Worker.Sip.Auth;

/// <summary>A WWW-Authenticate or Proxy-Authenticate digest challenge.</summary>
public sealed record DigestChallenge(string Realm, string Nonce, string? Opaque, string Algorithm, string? Qop, bool Stale)
{
    public static DigestChallenge? Parse(string header)
    {
        var p = DigestParameters.Parse(header);
        if (p is null || !p.TryGetValue("realm", out var realm) || !p.TryGetValue("nonce", out var nonce))
        {
            return null;
        }

        var algorithm = p.GetValueOrDefault("algorithm") ?? "MD5";
        if (!Digest.IsSupported(algorithm))
        {
            return null;
        }

        return new DigestChallenge(realm, nonce, p.GetValueOrDefault("opaque"), algorithm, p.GetValueOrDefault("qop"),
            string.Equals(p.GetValueOrDefault("stale"), "true", StringComparison.OrdinalIgnoreCase));
    }

    public override string ToString() =>
        $"Digest realm=\"{Realm}\", nonce=\"{Nonce}\", algorithm={Algorithm}"
        + (Qop is null ? string.Empty : $", qop=\"{Qop}\"")
        + (Opaque is null ? string.Empty : $", opaque=\"{Opaque}\"")
        + (Stale ? ", stale=TRUE" : string.Empty);
}
