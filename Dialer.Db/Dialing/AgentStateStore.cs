using Dapper;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;

namespace Dialer.Db.Dialing;

/// <summary>An agent's state row (agent_states).</summary>
public sealed record AgentStateRow
{
    public long AgentId { get; init; }

    /// <summary>logged_out | ready | reserved | on_call | wrap_up | paused</summary>
    public string State { get; init; } = "logged_out";

    /// <summary>Pause reason; or a request to the engine written by the Api: "request:pause:&lt;reason&gt;",
    /// "request:logout", "request:preview_dial", "request:preview_skip".</summary>
    public string? Reason { get; init; }

    public string CampaignsJson { get; init; } = "[]";

    public long Since { get; init; }

    public long? AttemptId { get; init; }

    public long? ContactId { get; init; }

    public long? WrapUntil { get; init; }

    public long Version { get; init; }

    public string? SipUsername { get; init; }
}

/// <summary>The contact of an agent's current call or offer (settable properties: Dapper converts column types per dialect).</summary>
public sealed record AgentCallContact
{
    public long Id { get; init; }

    public long CampaignId { get; init; }

    public string Phone { get; init; } = "";

    public string? Name { get; init; }

    public string? AccountId { get; init; }

    public string TimeZone { get; init; } = "";

    public string? CustomJson { get; init; }
}

/// <summary>The attempt of an agent's current call so far.</summary>
public sealed record AgentCallAttempt
{
    public long Id { get; init; }

    public string? Outcome { get; init; }

    public long? AnsweredAt { get; init; }

    public long? AgentConnectedAt { get; init; }

    public long? EndedAt { get; init; }
}

/// <summary>What the agent sees of the current call or offered contact: the contact, the attempt (if dialed) and the campaign.</summary>
public sealed record AgentCall(AgentCallContact Contact, AgentCallAttempt? Attempt, CampaignDefinition Definition);

/// <summary>
/// Agent states shared by the Api (login, ready, pause, logout, disposition, requests) and the engine
/// (reserved, on call, wrap-up). Every change is compare-and-set on the row version and logged in
/// agent_state_log; the events for the agent's page go to the outbox.
/// </summary>
public sealed class AgentStateStore(DbConnectionFactory db)
{
    public async Task<AgentStateRow?> GetAsync(long agentId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<AgentStateRow>(new CommandDefinition(Sql.Get, new { agentId }, cancellationToken: ct));
    }

    /// <summary>Agents logged in to the campaign (any state but logged_out).</summary>
    public async Task<IReadOnlyList<AgentStateRow>> ListForCampaignAsync(long campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<AgentStateRow>(new CommandDefinition(
            db.Sql(Sql.ForCampaign), new { campaignId }, cancellationToken: ct))];
    }

    /// <summary>Campaigns the agent is assigned to (agent_campaigns); empty means no restriction was set.</summary>
    public async Task<IReadOnlyList<long>> AssignmentsAsync(long agentId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<long>(new CommandDefinition(Sql.Assignments, new { agentId }, cancellationToken: ct))];
    }

    /// <summary>
    /// Changes the row only if its version is still <paramref name="expectedVersion"/>; logs the change.
    /// Returns the new version, or null when someone else changed it first.
    /// </summary>
    public async Task<long?> TryChangeAsync(long agentId, long expectedVersion, string state, string? reason, long? attemptId, long? contactId,
        long? wrapUntil, long at, CancellationToken ct, string? campaignsJson = null)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var n = await c.ExecuteAsync(new CommandDefinition(Sql.Change,
            new { agentId, expectedVersion, state, reason, attemptId, contactId, wrapUntil, at, campaignsJson }, tx, cancellationToken: ct));
        if (n != 1)
        {
            return null;
        }

        // A request to the engine is not a state change: only real changes go to the log.
        if (reason is null || !reason.StartsWith("request:", StringComparison.Ordinal))
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.Log, new { agentId, state, reason, at }, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
        return expectedVersion + 1;
    }

    /// <summary>Creates the row on the agent's first login (logged out, version 1) if missing.</summary>
    public async Task<AgentStateRow> EnsureAsync(long agentId, long at, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(db.Sql(Sql.Ensure),
            new { agentId, at }, cancellationToken: ct));
        return (await c.QuerySingleAsync<AgentStateRow>(new CommandDefinition(Sql.Get, new { agentId }, cancellationToken: ct)))!;
    }

    /// <summary>The contact (null when it is gone), the attempt and the campaign of an agent's current call or offer.</summary>
    public async Task<AgentCall?> CurrentCallAsync(long? contactId, long? attemptId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var contact = await c.QuerySingleOrDefaultAsync<AgentCallContact>(new CommandDefinition(Sql.CallContact, new { id = contactId }, cancellationToken: ct));
        if (contact is null)
        {
            return null;
        }

        var attempt = attemptId is null
            ? null
            : await c.QuerySingleOrDefaultAsync<AgentCallAttempt>(new CommandDefinition(Sql.CallAttempt, new { id = attemptId }, cancellationToken: ct));
        var config = await c.ExecuteScalarAsync<string>(new CommandDefinition(Sql.CallCampaign, new { id = contact.CampaignId }, cancellationToken: ct));
        return new AgentCall(contact, attempt, CampaignJson.Deserialize(config!));
    }

    /// <summary>An event for the agent's page (and the live dashboard).</summary>
    public async Task PublishAsync(string kind, long? agentId, long? campaignId, string payloadJson, long at, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.Outbox, new { kind, agentId, campaignId, payloadJson, at }, cancellationToken: ct));
    }

    /// <summary>The state log of an agent, oldest first.</summary>
    public async Task<IReadOnlyList<(string State, string? Reason, long At)>> LogAsync(long agentId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<(string, string?, long)>(new CommandDefinition(Sql.ReadLog, new { agentId }, cancellationToken: ct))];
    }

    internal static class Sql
    {
        private const string Columns = """
            s.agent_id, s.state, s.reason, s.campaigns_json, s.since, s.attempt_id, s.contact_id, s.wrap_until, s.version, u.sip_username
            """;

        public const string Get = $"SELECT {Columns} FROM agent_states s JOIN users u ON u.id = s.agent_id WHERE s.agent_id = @agentId";

        // campaigns_json is a JSON array of campaign ids, read as a table by each dialect's JSON function.
        public static readonly DialectSql ForCampaign = new(
            Sqlite: $"""
                SELECT {Columns} FROM agent_states s JOIN users u ON u.id = s.agent_id
                WHERE s.state <> 'logged_out' AND EXISTS (SELECT 1 FROM json_each(s.campaigns_json) j WHERE j.value = @campaignId)
                """,
            SqlServer: $"""
                SELECT {Columns} FROM agent_states s JOIN users u ON u.id = s.agent_id
                WHERE s.state <> 'logged_out' AND EXISTS (SELECT 1 FROM OPENJSON(s.campaigns_json) j WHERE TRY_CAST(j.value AS BIGINT) = @campaignId)
                """,
            Postgres: $"""
                SELECT {Columns} FROM agent_states s JOIN users u ON u.id = s.agent_id
                WHERE s.state <> 'logged_out'
                  AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.campaigns_json::jsonb) j(value) WHERE j.value = CAST(@campaignId AS TEXT))
                """);

        public const string Assignments = "SELECT campaign_id FROM agent_campaigns WHERE agent_id = @agentId";

        public const string CallContact = "SELECT id, campaign_id, phone, name, account_id, time_zone, custom_json FROM contacts WHERE id = @id";

        public const string CallAttempt = "SELECT id, outcome, answered_at, agent_connected_at, ended_at FROM call_attempts WHERE id = @id";

        public const string CallCampaign = "SELECT config_json FROM campaigns WHERE id = @id";

        public const string Change = """
            UPDATE agent_states SET state = @state, reason = @reason, since = @at, attempt_id = @attemptId, contact_id = @contactId,
                wrap_until = @wrapUntil, campaigns_json = COALESCE(@campaignsJson, campaigns_json), version = version + 1
            WHERE agent_id = @agentId AND version = @expectedVersion
            """;

        public const string Log = "INSERT INTO agent_state_log (agent_id, state, reason, at) VALUES (@agentId, @state, @reason, @at)";

        public const string ReadLog = "SELECT state, reason, at FROM agent_state_log WHERE agent_id = @agentId ORDER BY id";

        public static readonly DialectSql Ensure = new(
            Sqlite: """
                INSERT INTO agent_states (agent_id, state, campaigns_json, since, version) VALUES (@agentId, 'logged_out', '[]', @at, 1)
                ON CONFLICT (agent_id) DO NOTHING
                """,
            SqlServer: """
                IF NOT EXISTS (SELECT 1 FROM agent_states WITH (UPDLOCK, HOLDLOCK) WHERE agent_id = @agentId)
                    INSERT INTO agent_states (agent_id, state, campaigns_json, since, version) VALUES (@agentId, 'logged_out', '[]', @at, 1)
                """,
            Postgres: """
                INSERT INTO agent_states (agent_id, state, campaigns_json, since, version) VALUES (@agentId, 'logged_out', '[]', @at, 1)
                ON CONFLICT (agent_id) DO NOTHING
                """);

        public const string Outbox = "INSERT INTO outbox (kind, agent_id, campaign_id, payload_json, created_at) VALUES (@kind, @agentId, @campaignId, @payloadJson, @at)";
    }
}
