using Dapper;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;

namespace Dialer.Db.Dialing;

/// <summary>An agent's state row (agent_states).</summary>
public sealed record AgentStateRow
{
    public long AgentId { get; init; }

    /// <summary>agent_states.state as stored; <see cref="Current"/> is the state it names.</summary>
    public string State { get; init; } = AgentStates.LoggedOut;

    /// <summary>Pause reason, or why the engine changed the state (preview, preview_timeout, …).</summary>
    public string? Reason { get; init; }

    /// <summary>agent_states.request as stored; <see cref="PendingRequest"/> is the request it names.</summary>
    public string? Request { get; init; }

    /// <summary>The pause reason of a pause request.</summary>
    public string? RequestReason { get; init; }

    public AgentState Current => AgentStates.FromDb(State);

    /// <summary>
    /// Read with a campaign's agents: whether the agent may work that campaign (assigned to it, or to no campaign). False
    /// when a manager took the agent off the campaign while it was signed in to it.
    /// </summary>
    public bool Assigned { get; init; } = true;

    /// <summary>What the agent asked the engine while it owns the agent, not yet carried out; null when nothing is pending.</summary>
    public AgentRequest? PendingRequest => AgentRequest.FromDb(Request, RequestReason);

    public string CampaignsJson { get; init; } = "[]";

    public long Since { get; init; }

    public long? AttemptId { get; init; }

    public long? ContactId { get; init; }

    public long? WrapUntil { get; init; }

    public long Version { get; init; }

    public string? SipUsername { get; init; }

    /// <summary>agent_states.call_controls as stored; <see cref="Controls"/> is what it says.</summary>
    public string? CallControlsJson { get; init; }

    /// <summary>What the agent wants of the call in progress (hold, mute, hang-up), if anything.</summary>
    public CallControls? Controls => CallControls.FromJson(CallControlsJson);
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
    /// Returns the new version, or null when someone else changed it first. A change clears a pending request (the
    /// change carries it out, or supersedes it), except a pause or logout asked during a call when the change is the
    /// call's wrap-up (<paramref name="keepRequest"/>): it is still to be carried out when wrap-up ends, and the desk shows it.
    /// </summary>
    public async Task<long?> TryChangeAsync(long agentId, long expectedVersion, AgentState to, string? reason, long? attemptId, long? contactId,
        long? wrapUntil, long at, CancellationToken ct, string? campaignsJson = null, bool keepRequest = false)
    {
        var state = to.ToDb();
        var keep = keepRequest ? 1 : 0;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var n = await c.ExecuteAsync(new CommandDefinition(Sql.Change,
            new { agentId, expectedVersion, state, reason, attemptId, contactId, wrapUntil, at, campaignsJson, keep }, tx, cancellationToken: ct));
        if (n != 1)
        {
            return null;
        }

        await c.ExecuteAsync(new CommandDefinition(Sql.Log, new { agentId, state, reason, at }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return expectedVersion + 1;
    }

    /// <summary>
    /// Leaves a request for the engine (the agent is reserved, on a call or in wrap-up), compare-and-set on the row version:
    /// the state, its reason and its time are unchanged (time in state goes on), the version moves so that the engine sees it.
    /// Returns the new version, or null when someone else changed the row first.
    /// </summary>
    public async Task<long?> TryRequestAsync(long agentId, long expectedVersion, AgentRequest request, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var n = await c.ExecuteAsync(new CommandDefinition(Sql.Request,
            new { agentId, expectedVersion, request = request.Db, requestReason = request.PauseReason }, cancellationToken: ct));
        return n == 1 ? expectedVersion + 1 : null;
    }

    /// <summary>
    /// Sets the desk's call controls for the engine (the agent is on a call), compare-and-set on the row version: the state,
    /// its time and a pending request are unchanged. Returns the new version, or null when someone else changed the row first.
    /// </summary>
    public async Task<long?> TryControlAsync(long agentId, long expectedVersion, CallControls controls, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var n = await c.ExecuteAsync(new CommandDefinition(Sql.Control,
            new { agentId, expectedVersion, controls = controls.ToJson() }, cancellationToken: ct));
        return n == 1 ? expectedVersion + 1 : null;
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
    public async Task PublishAsync(long? agentId, long? campaignId, OutboxEvent e, long at, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.Outbox, new { kind = e.Kind, agentId, campaignId, payloadJson = OutboxEvents.Serialize(e), at },
            cancellationToken: ct));
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
            s.agent_id, s.state, s.reason, s.request, s.request_reason, s.campaigns_json, s.since, s.attempt_id, s.contact_id, s.wrap_until,
            s.version, u.sip_username, s.call_controls AS call_controls_json
            """;

        public const string Get = $"SELECT {Columns} FROM agent_states s JOIN users u ON u.id = s.agent_id WHERE s.agent_id = @agentId";

        // Whether the agent may work the campaign: assigned to it, or to no campaign at all.
        private const string AssignedColumn = """
            CASE WHEN EXISTS (SELECT 1 FROM agent_campaigns a WHERE a.agent_id = s.agent_id AND a.campaign_id = @campaignId)
                   OR NOT EXISTS (SELECT 1 FROM agent_campaigns a WHERE a.agent_id = s.agent_id) THEN 1 ELSE 0 END AS assigned
            """;

        // campaigns_json is a JSON array of campaign ids, read as a table by each dialect's JSON function.
        public static readonly DialectSql ForCampaign = new(
            Sqlite: $"""
                SELECT {Columns}, {AssignedColumn} FROM agent_states s JOIN users u ON u.id = s.agent_id
                WHERE s.state <> '{AgentStates.LoggedOut}' AND EXISTS (SELECT 1 FROM json_each(s.campaigns_json) j WHERE j.value = @campaignId)
                """,
            SqlServer: $"""
                SELECT {Columns}, {AssignedColumn} FROM agent_states s JOIN users u ON u.id = s.agent_id
                WHERE s.state <> '{AgentStates.LoggedOut}' AND EXISTS (SELECT 1 FROM OPENJSON(s.campaigns_json) j WHERE TRY_CAST(j.value AS BIGINT) = @campaignId)
                """,
            Postgres: $"""
                SELECT {Columns}, {AssignedColumn} FROM agent_states s JOIN users u ON u.id = s.agent_id
                WHERE s.state <> '{AgentStates.LoggedOut}'
                  AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.campaigns_json::jsonb) j(value) WHERE j.value = CAST(@campaignId AS TEXT))
                """);

        public const string Assignments = "SELECT campaign_id FROM agent_campaigns WHERE agent_id = @agentId";

        public const string CallContact = "SELECT id, campaign_id, phone, name, account_id, time_zone, custom_json FROM contacts WHERE id = @id";

        public const string CallAttempt = "SELECT id, outcome, answered_at, agent_connected_at, ended_at FROM call_attempts WHERE id = @id";

        public const string CallCampaign = "SELECT config_json FROM campaigns WHERE id = @id";

        public const string Change = $"""
            UPDATE agent_states SET state = @state, reason = @reason, since = @at, attempt_id = @attemptId, contact_id = @contactId,
                wrap_until = @wrapUntil, campaigns_json = COALESCE(@campaignsJson, campaigns_json),
                request = CASE WHEN @keep = 1 AND request IN ('{AgentRequest.PauseDb}', '{AgentRequest.LogoutDb}') THEN request ELSE NULL END,
                request_reason = CASE WHEN @keep = 1 AND request IN ('{AgentRequest.PauseDb}', '{AgentRequest.LogoutDb}') THEN request_reason ELSE NULL END,
                call_controls = NULL, version = version + 1
            WHERE agent_id = @agentId AND version = @expectedVersion
            """;

        public const string Request = """
            UPDATE agent_states SET request = @request, request_reason = @requestReason, version = version + 1
            WHERE agent_id = @agentId AND version = @expectedVersion
            """;

        public const string Control = """
            UPDATE agent_states SET call_controls = @controls, version = version + 1
            WHERE agent_id = @agentId AND version = @expectedVersion
            """;

        // The line keeps the campaigns the agent is signed in to after the change (the KPI report's per-campaign time).
        public const string Log = """
            INSERT INTO agent_state_log (agent_id, state, reason, at, campaigns_json)
            SELECT @agentId, @state, @reason, @at, campaigns_json FROM agent_states WHERE agent_id = @agentId
            """;

        public const string ReadLog = "SELECT state, reason, at FROM agent_state_log WHERE agent_id = @agentId ORDER BY id";

        public static readonly DialectSql Ensure = new(
            Sqlite: $"""
                INSERT INTO agent_states (agent_id, state, campaigns_json, since, version) VALUES (@agentId, '{AgentStates.LoggedOut}', '[]', @at, 1)
                ON CONFLICT (agent_id) DO NOTHING
                """,
            SqlServer: $"""
                IF NOT EXISTS (SELECT 1 FROM agent_states WITH (UPDLOCK, HOLDLOCK) WHERE agent_id = @agentId)
                    INSERT INTO agent_states (agent_id, state, campaigns_json, since, version) VALUES (@agentId, '{AgentStates.LoggedOut}', '[]', @at, 1)
                """,
            Postgres: $"""
                INSERT INTO agent_states (agent_id, state, campaigns_json, since, version) VALUES (@agentId, '{AgentStates.LoggedOut}', '[]', @at, 1)
                ON CONFLICT (agent_id) DO NOTHING
                """);

        public const string Outbox = "INSERT INTO outbox (kind, agent_id, campaign_id, payload_json, created_at) VALUES (@kind, @agentId, @campaignId, @payloadJson, @at)";
    }
}
