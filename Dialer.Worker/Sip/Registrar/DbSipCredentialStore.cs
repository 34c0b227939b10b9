using Dialer.Db.Agents;
using Dialer.Db.Auth;

namespace Dialer.Worker.Sip.Registrar;

/// <summary>
/// Agents' SIP credentials from the users table: the HA1 hashes stored when the agent was created, valid for
/// the realm they were computed with (Telephony:Realm), and the short-lived browser phone credentials the Api issued to
/// the agent's desk (browser_phone_credentials, until they expire). Disabled agents have none.
/// </summary>
public sealed class DbSipCredentialStore(UserStore users, IConfiguration configuration, BrowserPhoneStore? browserPhones = null) : ISipCredentialStore
{
    private readonly string realm = configuration["Telephony:Realm"] ?? UserStore.DefaultSipRealm;

    public async ValueTask<string?> GetHa1Async(string user, string realm, string algorithm, CancellationToken cancellationToken)
    {
        if (!string.Equals(realm, this.realm, StringComparison.Ordinal)
            || await users.FindSipCredentialsAsync(user, cancellationToken) is not { } found)
        {
            return null;
        }

        return Pick(algorithm, found.Ha1Md5, found.Ha1Sha256);
    }

    public async ValueTask<IReadOnlyList<string>> GetHa1CandidatesAsync(string user, string realm, string algorithm, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        if (await GetHa1Async(user, realm, algorithm, cancellationToken) is { } own)
        {
            candidates.Add(own);
        }

        if (browserPhones is not null && string.Equals(realm, this.realm, StringComparison.Ordinal))
        {
            candidates.AddRange((await browserPhones.ValidAsync(user, cancellationToken))
                .Select(c => Pick(algorithm, c.SipHa1Md5, c.SipHa1Sha256))
                .OfType<string>());
        }

        return candidates;
    }

    private static string? Pick(string algorithm, string? md5, string? sha256) => algorithm.ToUpperInvariant() switch
    {
        "MD5" or "MD5-SESS" => md5,
        "SHA-256" or "SHA-256-SESS" => sha256,
        _ => null,
    };
}
