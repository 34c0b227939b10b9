using System.Security.Cryptography;
using System.Text;

namespace Dialer.Worker.Sip.Auth;

/// <summary>HTTP digest computations for SIP (RFC 2617, RFC 7616, RFC 8760): MD5 and SHA-256, with and without -sess, qop=auth.</summary>
public static class Digest
{
    public static bool IsSupported(string algorithm) =>
        algorithm.ToUpperInvariant() is "MD5" or "MD5-SESS" or "SHA-256" or "SHA-256-SESS";

    public static string Hash(string algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = algorithm.StartsWith("SHA-256", StringComparison.OrdinalIgnoreCase) ? SHA256.HashData(bytes) : MD5.HashData(bytes);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>HA1 = H(user:realm:password), what a credential store keeps instead of the password.</summary>
    public static string Ha1(string algorithm, string user, string realm, string password) =>
        Hash(algorithm, user + ":" + realm + ":" + password);

    public static string Response(string algorithm, string ha1, string nonce, string? qop, string? nc, string? cnonce, string method, string uri)
    {
        if (algorithm.EndsWith("-sess", StringComparison.OrdinalIgnoreCase))
        {
            ha1 = Hash(algorithm, ha1 + ":" + nonce + ":" + cnonce);
        }

        var ha2 = Hash(algorithm, method + ":" + uri);
        return qop is null
            ? Hash(algorithm, ha1 + ":" + nonce + ":" + ha2)
            : Hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    /// <summary>Answers a challenge for a request (the Authorization or Proxy-Authorization value).</summary>
    public static DigestCredentials Answer(DigestChallenge challenge, string user, string password, string method, string uri, int nonceCount = 1)
    {
        string? qop = null;
        if (challenge.Qop is { } offered)
        {
            if (!offered.Split(',').Select(q => q.Trim()).Contains("auth", StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("the challenge offers only qop values other than auth");
            }

            qop = "auth";
        }

        var cnonce = qop is null && !challenge.Algorithm.EndsWith("-sess", StringComparison.OrdinalIgnoreCase)
            ? null
            : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var nc = qop is null ? null : nonceCount.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        var ha1 = Ha1(challenge.Algorithm, user, challenge.Realm, password);
        var response = Response(challenge.Algorithm, ha1, challenge.Nonce, qop, nc, cnonce, method, uri);
        return new DigestCredentials(user, challenge.Realm, challenge.Nonce, uri, response, challenge.Algorithm, qop, nc, cnonce, challenge.Opaque);
    }

    /// <summary>Checks credentials against a stored HA1 for the same algorithm.</summary>
    public static bool Verify(DigestCredentials credentials, string ha1, string method)
    {
        var expected = Response(credentials.Algorithm, ha1, credentials.Nonce, credentials.Qop, credentials.Nc, credentials.Cnonce, method, credentials.Uri);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(credentials.Response.ToLowerInvariant()));
    }
}
