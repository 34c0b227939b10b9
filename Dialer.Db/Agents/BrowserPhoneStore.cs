using Dapper;
using Dialer.Db.Auth;

namespace Dialer.Db.Agents;

/// <summary>A browser phone credential just issued: the SIP user, the secret (given to the page once, never stored) and its expiry.</summary>
public sealed record BrowserPhoneCredential(string SipUsername, string Secret, long ExpiresAt);

/// <summary>A credential's stored digest hashes (HA1 for MD5 and SHA-256).</summary>
public sealed record BrowserPhoneHa1(string SipHa1Md5, string SipHa1Sha256);

/// <summary>
/// The agent's phone in the browser (migration 0038): short-lived SIP credentials the Api issues to the signed-in
/// agent's desk and the Worker's registrar accepts for that agent's SIP user (only their HA1 values are stored),
/// the agent's remembered choice "use this browser as my phone", and the WebSocket URL each Worker offers for SIP
/// over WebSocket (on its workers row: the Api and the Worker share only the database).
/// </summary>
public sealed class BrowserPhoneStore(DbConnectionFactory db, TimeProvider time)
{
    /// <summary>
    /// Issues a new credential for the agent, valid for <paramref name="lifetime"/>, and drops the agent's expired ones.
    /// An agent without a SIP user is given one (the user name, or agent&lt;id&gt; when that is taken by someone else's
    /// phone). Null when <paramref name="agentId"/> is not an enabled agent.
    /// </summary>
    public async Task<BrowserPhoneCredential?> IssueAsync(long agentId, string realm, TimeSpan lifetime, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var agent = await c.QuerySingleOrDefaultAsync<AgentSip>(new CommandDefinition(Sql.Agent, new { agentId }, tx, cancellationToken: ct));
        if (agent is null)
        {
            return null;
        }

        var sipUsername = agent.SipUsername;
        foreach (var candidate in sipUsername is null ? new[] { agent.Username, "agent" + agentId } : [])
        {
            if (await c.ExecuteAsync(new CommandDefinition(Sql.GiveSipUser, new { agentId, candidate }, tx, cancellationToken: ct)) == 1)
            {
                sipUsername = candidate;
                break;
            }
        }

        if (sipUsername is null)
        {
            throw new InvalidOperationException($"No free SIP user name for agent {agentId}.");
        }

        var secret = Secrets.NewBrowserPhoneSecret();
        var expiresAt = now + (long)lifetime.TotalMilliseconds;
        await c.ExecuteAsync(new CommandDefinition(Sql.DeleteExpired, new { agentId, now }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(Sql.Insert, new
        {
            agentId,
            sipHa1Md5 = Secrets.SipHa1(sipUsername, realm, secret, sha256: false),
            sipHa1Sha256 = Secrets.SipHa1(sipUsername, realm, secret, sha256: true),
            expiresAt,
            now,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new BrowserPhoneCredential(sipUsername, secret, expiresAt);
    }

    /// <summary>The unexpired browser credentials of the enabled agent whose SIP user is <paramref name="sipUsername"/>.</summary>
    public async Task<IReadOnlyList<BrowserPhoneHa1>> ValidAsync(string sipUsername, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<BrowserPhoneHa1>(new CommandDefinition(Sql.Valid,
            new { sipUsername, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct))];
    }

    /// <summary>Drops all of the agent's browser credentials (the agent turned the browser phone off).</summary>
    public async Task RevokeAsync(long agentId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.Revoke, new { agentId }, cancellationToken: ct));
    }

    /// <summary>The agent's remembered choice "use this browser as my phone".</summary>
    public async Task<bool> IsChosenAsync(long agentId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition(Sql.Chosen, new { agentId }, cancellationToken: ct)) == 1;
    }

    /// <summary>Remembers the agent's choice; false when <paramref name="agentId"/> is not an agent.</summary>
    public async Task<bool> ChooseAsync(long agentId, bool on, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.Choose, new { agentId, on = on ? 1 : 0 }, cancellationToken: ct)) == 1;
    }

    /// <summary>A Worker says where pages reach its SIP over WebSocket (null: it offers none).</summary>
    public async Task PublishWebSocketUrlAsync(string workerId, string? url, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.PublishUrl, new { workerId, url }, cancellationToken: ct));
    }

    /// <summary>The WebSocket URLs of live Workers (a heartbeat since <paramref name="liveSince"/>, not stopped), the freshest first.</summary>
    public async Task<IReadOnlyList<string>> WebSocketUrlsAsync(long liveSince, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<string>(new CommandDefinition(Sql.Urls, new { liveSince }, cancellationToken: ct))];
    }

    private sealed record AgentSip(string Username, string? SipUsername);

    internal static class Sql
    {
        public const string Agent = "SELECT username, sip_username FROM users WHERE id = @agentId AND role = 'agent' AND disabled_at IS NULL";

        public const string GiveSipUser = """
            UPDATE users SET sip_username = @candidate
            WHERE id = @agentId AND sip_username IS NULL AND NOT EXISTS (SELECT 1 FROM users o WHERE o.sip_username = @candidate)
            """;

        public const string DeleteExpired = "DELETE FROM browser_phone_credentials WHERE user_id = @agentId AND expires_at <= @now";

        public const string Insert = """
            INSERT INTO browser_phone_credentials (user_id, sip_ha1_md5, sip_ha1_sha256, expires_at, created_at)
            VALUES (@agentId, @sipHa1Md5, @sipHa1Sha256, @expiresAt, @now)
            """;

        public const string Valid = """
            SELECT b.sip_ha1_md5, b.sip_ha1_sha256
            FROM browser_phone_credentials b JOIN users u ON u.id = b.user_id
            WHERE u.sip_username = @sipUsername AND u.role = 'agent' AND u.disabled_at IS NULL AND b.expires_at > @now
            ORDER BY b.expires_at DESC
            """;

        public const string Revoke = "DELETE FROM browser_phone_credentials WHERE user_id = @agentId";

        public const string Chosen = "SELECT browser_phone FROM users WHERE id = @agentId AND role = 'agent'";

        public const string Choose = "UPDATE users SET browser_phone = @on WHERE id = @agentId AND role = 'agent'";

        public const string PublishUrl = "UPDATE workers SET sip_ws_url = @url WHERE worker_id = @workerId";

        public const string Urls = """
            SELECT sip_ws_url FROM workers
            WHERE sip_ws_url IS NOT NULL AND stopped_at IS NULL AND heartbeat_at >= @liveSince
            ORDER BY heartbeat_at DESC
            """;
    }
}
