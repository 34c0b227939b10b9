namespace Dialer.Worker.Sip.Registrar;

/// <summary>
/// Agents' SIP credentials as stored hashes: HA1 = H("user:realm:password") with H = MD5 or SHA-256
/// (users.sip_ha1_md5 / users.sip_ha1_sha256). The registrar never sees passwords.
/// </summary>
public interface ISipCredentialStore
{
    /// <summary>The stored HA1 (lower-case hex) for <paramref name="user"/> in <paramref name="realm"/>, for "MD5" or "SHA-256"; null when unknown.</summary>
    ValueTask<string?> GetHa1Async(string user, string realm, string algorithm, CancellationToken cancellationToken);

    /// <summary>
    /// Every HA1 that may sign a REGISTER for <paramref name="user"/>: the phone's own and, in the database-backed store,
    /// the unexpired browser phone credentials the Api issued to the agent's desk.
    /// </summary>
    async ValueTask<IReadOnlyList<string>> GetHa1CandidatesAsync(string user, string realm, string algorithm, CancellationToken cancellationToken) =>
        await GetHa1Async(user, realm, algorithm, cancellationToken) is { } ha1 ? [ha1] : [];
}
