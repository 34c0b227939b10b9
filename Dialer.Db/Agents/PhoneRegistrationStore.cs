using Dapper;

namespace Dialer.Db.Agents;

public sealed record PhoneRegistration(string SipUsername, long? AgentId, long Registered, string? Contact, long ExpiresAt, long UpdatedAt)
{
    public bool IsRegistered => Registered == 1;
}

/// <summary>Where a registered phone's REGISTER came from: the transport ("UDP"/"TCP") and the source address and port.</summary>
public sealed record PhoneRegistrationSource(string Transport, string Address, int Port);

/// <summary>
/// A row registered = 1 with its source (null when none was recorded: rows written before migration 0024). A class
/// with properties, not a positional record: SQLite reports no column types for an empty result, which Dapper's
/// constructor matching cannot take.
/// </summary>
public sealed class StoredPhoneBinding
{
    public required string SipUsername { get; init; }

    public string? Contact { get; init; }

    public long ExpiresAt { get; init; }

    public string? Transport { get; init; }

    public string? SourceAddress { get; init; }

    public long? SourcePort { get; init; }

    /// <summary>The Worker that took the REGISTER (null: recorded before migration 0026).</summary>
    public string? WorkerId { get; init; }

    /// <summary>That Worker's last heartbeat (unix ms), and when it stopped cleanly (null: it did not).</summary>
    public long? HolderHeartbeatAt { get; init; }

    public long? HolderStoppedAt { get; init; }

    /// <summary>Held by another Worker that is alive: a heartbeat since <paramref name="liveSince"/> and no clean stop.</summary>
    public bool HeldByOtherLiveWorker(string workerId, long liveSince) =>
        WorkerId is not null && WorkerId != workerId && HolderStoppedAt is null && HolderHeartbeatAt >= liveSince;
}

/// <summary>
/// Agents' phone registrations, written by the Worker's registrar and read by the Api: an agent whose phone
/// is not registered (or whose binding has expired) cannot go ready when the dialer uses SIP.
/// </summary>
public sealed class PhoneRegistrationStore(DbConnectionFactory db, TimeProvider time)
{
    /// <summary>Records a registration change; answers the agent id owning the SIP user, if any.</summary>
    public Task<long?> RecordAsync(string sipUsername, bool registered, string? contact, long expiresAt, CancellationToken ct) =>
        RecordAsync(sipUsername, registered, contact, expiresAt, null, ct);

    /// <summary>
    /// Records a registration change and, for a registered phone, where it can be reached again (<paramref name="source"/>;
    /// cleared when null or unregistered); answers the agent id owning the SIP user, if any.
    /// </summary>
    public async Task<long?> RecordAsync(string sipUsername, bool registered, string? contact, long expiresAt, PhoneRegistrationSource? source, CancellationToken ct,
        string? workerId = null)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var agentId = await c.ExecuteScalarAsync<long?>(new CommandDefinition(Sql.AgentOf, new { sipUsername }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            db.Sql(Sql.Upsert),
            new
            {
                sipUsername,
                agentId,
                registered = registered ? 1 : 0,
                contact,
                expiresAt = registered ? expiresAt : 0,
                now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            },
            tx,
            cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(Sql.DeleteSource, new { sipUsername }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(Sql.DeleteHolder, new { sipUsername }, tx, cancellationToken: ct));
        if (registered && workerId is not null)
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.InsertHolder,
                new { sipUsername, workerId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, tx, cancellationToken: ct));
        }

        if (registered && source is not null)
        {
            await c.ExecuteAsync(new CommandDefinition(
                Sql.InsertSource,
                new { sipUsername, transport = source.Transport, sourceAddress = source.Address, sourcePort = source.Port },
                tx,
                cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
        return agentId;
    }

    /// <summary>Every row still marked registered (expired or not), with its source: what a starting Worker restores or clears.</summary>
    public async Task<IReadOnlyList<StoredPhoneBinding>> RegisteredAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<StoredPhoneBinding>(new CommandDefinition(Sql.Registered, cancellationToken: ct))];
    }

    /// <summary>
    /// Marks a phone unregistered if its row still holds the binding that was read (compare-and-set on
    /// <paramref name="expectedExpiresAt"/>, so a REGISTER recorded meanwhile is kept). Answers whether it changed,
    /// and the agent id owning the SIP user, if any.
    /// </summary>
    public async Task<(bool Changed, long? AgentId)> MarkUnregisteredAsync(string sipUsername, long expectedExpiresAt, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var changed = await c.ExecuteAsync(new CommandDefinition(
            Sql.MarkUnregistered,
            new { sipUsername, expectedExpiresAt, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            tx,
            cancellationToken: ct)) == 1;
        if (changed)
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.DeleteSource, new { sipUsername }, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(Sql.DeleteHolder, new { sipUsername }, tx, cancellationToken: ct));
        }

        var agentId = await c.ExecuteScalarAsync<long?>(new CommandDefinition(Sql.AgentOf, new { sipUsername }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (changed, agentId);
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

        public static readonly DialectSql Upsert = new(
            Sqlite: """
                INSERT INTO phone_registrations (sip_username, agent_id, registered, contact, expires_at, updated_at)
                VALUES (@sipUsername, @agentId, @registered, @contact, @expiresAt, @now)
                ON CONFLICT (sip_username) DO UPDATE SET agent_id = excluded.agent_id, registered = excluded.registered,
                    contact = excluded.contact, expires_at = excluded.expires_at, updated_at = excluded.updated_at
                """,
            SqlServer: """
                MERGE phone_registrations WITH (HOLDLOCK) AS t
                USING (SELECT @sipUsername AS sip_username) AS s ON t.sip_username = s.sip_username
                WHEN MATCHED THEN UPDATE SET agent_id = @agentId, registered = @registered, contact = @contact,
                    expires_at = @expiresAt, updated_at = @now
                WHEN NOT MATCHED THEN INSERT (sip_username, agent_id, registered, contact, expires_at, updated_at)
                    VALUES (@sipUsername, @agentId, @registered, @contact, @expiresAt, @now);
                """,
            Postgres: """
                INSERT INTO phone_registrations (sip_username, agent_id, registered, contact, expires_at, updated_at)
                VALUES (@sipUsername, @agentId, @registered, @contact, @expiresAt, @now)
                ON CONFLICT (sip_username) DO UPDATE SET agent_id = excluded.agent_id, registered = excluded.registered,
                    contact = excluded.contact, expires_at = excluded.expires_at, updated_at = excluded.updated_at
                """);

        public const string DeleteSource = "DELETE FROM phone_registration_sources WHERE sip_username = @sipUsername";

        public const string InsertSource = """
            INSERT INTO phone_registration_sources (sip_username, transport, source_address, source_port)
            VALUES (@sipUsername, @transport, @sourceAddress, @sourcePort)
            """;

        public const string DeleteHolder = "DELETE FROM phone_registration_holders WHERE sip_username = @sipUsername";

        public const string InsertHolder = """
            INSERT INTO phone_registration_holders (sip_username, worker_id, updated_at) VALUES (@sipUsername, @workerId, @now)
            """;

        public const string Registered = """
            SELECT p.sip_username, p.contact, p.expires_at, s.transport, s.source_address, CAST(s.source_port AS BIGINT) AS source_port,
                h.worker_id, w.heartbeat_at AS holder_heartbeat_at, w.stopped_at AS holder_stopped_at
            FROM phone_registrations p
                LEFT JOIN phone_registration_sources s ON s.sip_username = p.sip_username
                LEFT JOIN phone_registration_holders h ON h.sip_username = p.sip_username
                LEFT JOIN workers w ON w.worker_id = h.worker_id
            WHERE p.registered = 1
            """;

        public const string MarkUnregistered = """
            UPDATE phone_registrations SET registered = 0, contact = NULL, expires_at = 0, updated_at = @now
            WHERE sip_username = @sipUsername AND registered = 1 AND expires_at = @expectedExpiresAt
            """;

        public const string ForAgent = """
            SELECT p.sip_username, p.agent_id, p.registered, p.contact, p.expires_at, p.updated_at
            FROM phone_registrations p JOIN users u ON u.sip_username = p.sip_username
            WHERE u.id = @agentId
            """;
    }
}
