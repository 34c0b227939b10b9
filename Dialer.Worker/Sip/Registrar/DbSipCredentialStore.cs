using Dialer.Db.Auth;

namespace Dialer.Worker.Sip.Registrar;

/// <summary>
/// Agents' SIP credentials from the users table: the HA1 hashes stored when the agent was created, valid for
/// the realm they were computed with (Telephony:Realm). Disabled agents have none.
/// </summary>
public sealed class DbSipCredentialStore(UserStore users, IConfiguration configuration) : ISipCredentialStore
{
    private readonly string realm = configuration["Telephony:Realm"] ?? UserStore.DefaultSipRealm;

    public async ValueTask<string?> GetHa1Async(string user, string realm, string algorithm, CancellationToken cancellationToken)
    {
        if (!string.Equals(realm, this.realm, StringComparison.Ordinal)
            || await users.FindSipCredentialsAsync(user, cancellationToken) is not { } found)
        {
            return null;
        }

        return algorithm.ToUpperInvariant() switch
        {
            "MD5" or "MD5-SESS" => found.Ha1Md5,
            "SHA-256" or "SHA-256-SESS" => found.Ha1Sha256,
            _ => null,
        };
    }
}
