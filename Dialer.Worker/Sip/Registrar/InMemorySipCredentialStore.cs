using System.Collections.Concurrent;
using Dialer.Worker.Sip.Auth;

namespace Dialer.Worker.Sip.Registrar;

/// <summary>Credentials held in memory (tests and the test-call tool); the database-backed store replaces it in the worker.</summary>
public sealed class InMemorySipCredentialStore : ISipCredentialStore
{
    private readonly ConcurrentDictionary<string, (string Md5, string Sha256)> users = new(StringComparer.Ordinal);

    public void Set(string user, string realm, string password) =>
        users[user + "@" + realm] = (Digest.Ha1("MD5", user, realm, password), Digest.Ha1("SHA-256", user, realm, password));

    public ValueTask<string?> GetHa1Async(string user, string realm, string algorithm, CancellationToken cancellationToken)
    {
        if (!users.TryGetValue(user + "@" + realm, out var ha1))
        {
            return ValueTask.FromResult<string?>(null);
        }

        return ValueTask.FromResult<string?>(algorithm.StartsWith("SHA-256", StringComparison.OrdinalIgnoreCase) ? ha1.Sha256 : ha1.Md5);
    }
}
