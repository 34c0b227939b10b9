using System.Security.Cryptography;
using System.Text;

namespace Dialer.Db.Auth;

/// <summary>Makes and checks secrets. Nothing here is ever logged.</summary>
public static class Secrets
{
    public const string ApiKeyPrefix = "dk_";
    public const string SessionPrefix = "ds_";
    private const int PasswordIterations = 100_000;

    public static string NewApiKey() => ApiKeyPrefix + RandomToken(32);

    public static string NewSessionToken() => SessionPrefix + RandomToken(32);

    /// <summary>The browser phone's short-lived SIP secret: 24 random bytes (digest HA1 stored, never the secret).</summary>
    public static string NewBrowserPhoneSecret() => RandomToken(24);

    /// <summary>API keys and session tokens are long random strings: one SHA-256 is the right hash.</summary>
    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Passwords are chosen by people: PBKDF2-SHA256 with a random salt.</summary>
    public static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, PasswordIterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${PasswordIterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool VerifyPassword(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var iterations))
        {
            return false;
        }

        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>SIP digest HA1 = H(user:realm:password), stored instead of the SIP password (RFC 7616).</summary>
    public static string SipHa1(string user, string realm, string password, bool sha256)
    {
        var bytes = Encoding.UTF8.GetBytes($"{user}:{realm}:{password}");
        return Convert.ToHexStringLower(sha256 ? SHA256.HashData(bytes) : MD5.HashData(bytes));
    }

    private static string RandomToken(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
