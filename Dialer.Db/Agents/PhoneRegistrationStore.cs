using Dapper;

namespace Dialer.Db.Agents;

public sealed record PhoneRegistration(string SipUsername, long? AgentId, long Registered, string? Contact, long ExpiresAt, long UpdatedAt)
{
    public bool IsRegistered => Registered == 1;
}

/// <summary>
/// Agents' phone registrations, written by the Worker's registrar and read by the Api: an agent whose phone
/// is not registered (or whose binding has expired) cannot go ready when the dialer uses SIP.
/// </summary>
public sealed class PhoneRegistrationStore(DbConnectionFactory db, TimeProvider time)
{
    /// <summary>Records a registration change; answers the agent id owning the SIP user, if any.</summary>
    public async Task<long?> RecordAsync(string sipUsername, bool registered, string? contact, long expiresAt, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var agentId = await c.ExecuteScalarAsync<long?>(new CommandDefinition(Sql.AgentOf, new { sipUsername }, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            db.Dialect == SqlDialect.Sqlite ? Sql.UpsertSqlite : Sql.UpsertSqlServer,
            new
            {
                sipUsername,
                agentId,
                registered = registered ? 1 : 0,
                contact,
                expiresAt = registered ? expiresAt : 0,
                now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            },
            cancellationToken: ct));
        return agentId;
    }

    /// <summary>The agent's phone registration, or null when the phone never registered.</summary>
    public async Task<PhoneRegistration?> ForAgentAsync(long agentId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<PhoneRegistration>(new CommandDefinition(Sql.ForAgent, new { agentId }, cancellationToken: ct));
    }

    /// <summary>True when the agent's phone is registered now (a binding not yet expired).</summary>
    public async Task<bool> IsRegisteredAsync(long agentId, CancellationToken ct) =>
        await ForAgentAsync(agentId, ct) is { IsRegistered: true } r && r.ExpiresAt > time.GetUtcNow().ToUnixTimeMilliseconds();

    private static class Sql
    {
        public const string AgentOf = "SELECT id FROM users WHERE sip_username = @sipUsername AND role = 'agent'";

        public const string UpsertSqlite = """
            INSERT INTO phone_registrations (sip_username, agent_id, registered, contact, expires_at, updated_at)
            VALUES (@sipUsername, @agentId, @registered, @contact, @expiresAt, @now)
            ON CONFLICT (sip_username) DO UPDATE SET agent_id = excluded.agent_id, registered = excluded.registered,
                contact = excluded.contact, expires_at = excluded.expires_at, updated_at = excluded.updated_at
            """;

        public const string UpsertSqlServer = """
            MERGE phone_registrations WITH (HOLDLOCK) AS t
            USING (SELECT @sipUsername AS sip_username) AS s ON t.sip_username = s.sip_username
            WHEN MATCHED THEN UPDATE SET agent_id = @agentId, registered = @registered, contact = @contact,
                expires_at = @expiresAt, updated_at = @now
            WHEN NOT MATCHED THEN INSERT (sip_username, agent_id, registered, contact, expires_at, updated_at)
                VALUES (@sipUsername, @agentId, @registered, @contact, @expiresAt, @now);
            """;

        public const string ForAgent = """
            SELECT p.sip_username, p.agent_id, p.registered, p.contact, p.expires_at, p.updated_at
            FROM phone_registrations p JOIN users u ON u.sip_username = p.sip_username
            WHERE u.id = @agentId
            """;
    }
}
