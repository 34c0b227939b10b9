using Dapper;

namespace Dialer.Db.Agents;

/// <summary>How a supervisor is on an agent's call (supervisor_monitors.mode).</summary>
public static class MonitorModes
{
    public const string Listen = "listen";
    public const string Whisper = "whisper";
    public const string Barge = "barge";

    public static readonly string[] All = [Listen, Whisper, Barge];
}

/// <summary>Where a monitor is (supervisor_monitors.state) and why it ended (reason).</summary>
public static class MonitorStates
{
    public const string Requested = "requested";
    public const string Calling = "calling";
    public const string On = "on";
    public const string Ended = "ended";

    public const string Left = "left";
    public const string CallEnded = "call_ended";
    public const string SupervisorHungUp = "supervisor_hung_up";
    public const string NoCall = "no_call";
    public const string Failed = "failed";
}

/// <summary>One supervisor_monitors row.</summary>
public sealed record MonitorRow
{
    public long Id { get; init; }

    public long SupervisorId { get; init; }

    public long AgentId { get; init; }

    public string Mode { get; init; } = MonitorModes.Listen;

    public string State { get; init; } = MonitorStates.Requested;

    public bool EndRequested { get; init; }

    public long? AttemptId { get; init; }

    public string? Reason { get; init; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; init; }

    /// <summary>The supervisor's SIP user, the phone the Worker rings (joined from users).</summary>
    public string? SupervisorSipUser { get; init; }

    public bool IsOpen => State != MonitorStates.Ended;
}

/// <summary>
/// Supervisors on agents' calls (migration 0037): the Api asks (start, change mode, leave), the Worker that has the
/// agent on a call carries it out and writes how it went. A supervisor is on one call at a time: asking again ends
/// the one before. Leaving ends a monitor at once; the Worker follows.
/// </summary>
public sealed class SupervisorMonitorStore(DbConnectionFactory db)
{
    /// <summary>A new monitor of <paramref name="agentId"/>'s call, ending (as left) any the supervisor still has open.</summary>
    public async Task<MonitorRow> RequestAsync(long supervisorId, long agentId, string mode, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.AskToLeave, new { supervisorId, now, ended = MonitorStates.Ended }, tx, cancellationToken: ct));
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(Sql.Insert),
            new { supervisorId, agentId, mode, state = MonitorStates.Requested, now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (await GetAsync(id, ct))!;
    }

    public async Task<MonitorRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<MonitorRow>(new CommandDefinition($"{Sql.Select} WHERE m.id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>The supervisor's open monitor, if any.</summary>
    public async Task<MonitorRow?> CurrentAsync(long supervisorId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryFirstOrDefaultAsync<MonitorRow>(new CommandDefinition(
            $"{Sql.Select} WHERE m.supervisor_id = @supervisorId AND m.state <> @ended ORDER BY m.id DESC",
            new { supervisorId, ended = MonitorStates.Ended }, cancellationToken: ct));
    }

    /// <summary>Every open monitor (few: one per supervisor at most), for the Workers' poll.</summary>
    public async Task<IReadOnlyList<MonitorRow>> OpenAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<MonitorRow>(new CommandDefinition(
            $"{Sql.Select} WHERE m.state <> @ended ORDER BY m.id", new { ended = MonitorStates.Ended }, cancellationToken: ct))];
    }

    /// <summary>Changes the mode of the supervisor's open monitor; false when it is not theirs or has ended.</summary>
    public async Task<bool> SetModeAsync(long id, long supervisorId, string mode, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.SetMode,
            new { id, supervisorId, mode, now, ended = MonitorStates.Ended }, cancellationToken: ct)) == 1;
    }

    /// <summary>The supervisor leaves: the monitor ends at once (the Worker carrying it takes the supervisor off the call). False when not theirs or ended.</summary>
    public async Task<bool> AskToLeaveAsync(long id, long supervisorId, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition($"{Sql.AskToLeave} AND id = @id",
            new { id, supervisorId, now, ended = MonitorStates.Ended }, cancellationToken: ct)) == 1;
    }

    /// <summary>The Worker's progress: calling, on (with the call's attempt), or ended with a reason. An ended monitor stays ended.</summary>
    public async Task UpdateAsync(long id, string state, long? attemptId, string? reason, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.Update, new { id, state, attemptId, reason, now, ended = MonitorStates.Ended }, cancellationToken: ct));
    }

    internal static class Sql
    {
        private const string Columns = "supervisor_id, agent_id, mode, state, created_at, updated_at";

        public static readonly DialectSql Insert = new(
            Sqlite: $"INSERT INTO supervisor_monitors ({Columns}) VALUES (@supervisorId, @agentId, @mode, @state, @now, @now) RETURNING id",
            SqlServer: $"INSERT INTO supervisor_monitors ({Columns}) OUTPUT INSERTED.id VALUES (@supervisorId, @agentId, @mode, @state, @now, @now)",
            Postgres: $"INSERT INTO supervisor_monitors ({Columns}) VALUES (@supervisorId, @agentId, @mode, @state, @now, @now) RETURNING id");

        public const string Select = """
            SELECT m.id, m.supervisor_id, m.agent_id, m.mode, m.state, m.end_requested, m.attempt_id, m.reason, m.created_at, m.updated_at,
                u.sip_username AS supervisor_sip_user
            FROM supervisor_monitors m JOIN users u ON u.id = m.supervisor_id
            """;

        // Ended at once, whether a Worker has picked it up or not: the Worker carrying it sees it gone from the open ones and
        // takes the supervisor off the call (and one left by a Worker that died does not stay open).
        public const string AskToLeave = """
            UPDATE supervisor_monitors SET end_requested = 1, updated_at = @now, state = @ended, reason = 'left'
            WHERE supervisor_id = @supervisorId AND state <> @ended
            """;

        public const string SetMode = "UPDATE supervisor_monitors SET mode = @mode, updated_at = @now WHERE id = @id AND supervisor_id = @supervisorId AND state <> @ended";

        public const string Update = """
            UPDATE supervisor_monitors SET state = @state, attempt_id = COALESCE(@attemptId, attempt_id), reason = COALESCE(@reason, reason), updated_at = @now
            WHERE id = @id AND state <> @ended
            """;
    }
}
