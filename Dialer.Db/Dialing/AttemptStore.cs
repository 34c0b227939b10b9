using Dapper;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;

namespace Dialer.Db.Dialing;

/// <summary>An attempt's results, written when the call has ended.</summary>
public sealed record AttemptResult(
    long Id,
    long? AgentId,
    string? CallId,
    long? DialedAt,
    long? RingingAt,
    long? AnsweredAt,
    long? AgentConnectedAt,
    long EndedAt,
    string Outcome,
    int? SipCode,
    string? SipReason,
    bool? Machine,
    double? TalkSeconds,
    string? Dtmf,
    string? RecordingPath = null,
    string? SurveyJson = null,
    string? Notes = null,
    bool VoicemailLeft = false);

/// <summary>One campaign day's counts, as campaign_daily_stats keeps them.</summary>
public sealed record DailyCounts
{
    public long CampaignId { get; init; }

    public string Day { get; init; } = "";

    public long Attempts { get; init; }

    public long LiveAnswered { get; init; }

    public long Connected { get; init; }

    public long Abandoned { get; init; }

    public long Machine { get; init; }

    public long Busy { get; init; }

    public long NoAnswer { get; init; }

    public long Failed { get; init; }

    public double TalkSeconds { get; init; }
}

/// <summary>A call handed over by an agent (call_transfers), with that agent's wrap-up disposition.</summary>
public sealed record CallTransfer
{
    public long Id { get; init; }

    public long AttemptId { get; init; }

    public long FromAgentId { get; init; }

    public long? ToAgentId { get; init; }

    public string? ToNumber { get; init; }

    public string Kind { get; init; } = "";

    public long At { get; init; }

    public string? Disposition { get; init; }

    public string? Notes { get; init; }

    public double? WrapSeconds { get; init; }
}

/// <summary>What a disposition of an attempt is checked against: its contact (and time zone) and its campaign.</summary>
/// <param name="AgentId">The agent the attempt is with (after a transfer to an agent, the receiving one).</param>
/// <param name="Manual">Dialled by hand from the desk.</param>
public sealed record DispositionTarget(long ContactId, string TimeZone, CampaignDefinition Definition, long? AgentId = null, bool Manual = false);

/// <summary>
/// call_attempts: created when a call is queued (and counted on the contact), finished with its outcome and
/// timings together with the contact's next state and the day's counts, in one transaction.
/// </summary>
public sealed class AttemptStore(DbConnectionFactory db)
{
    public async Task<long> StartAsync(long campaignId, long contactId, string phone, long? agentId, string workerId, string carrier, long now, CancellationToken ct,
        LeaseFence? fence = null, bool manual = false)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await CampaignLeaseStore.EnsureHeldAsync(c, tx, fence, ct);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Sql(Sql.Insert),
            new { campaignId, contactId, phone, agentId, workerId, carrier, now, manual = manual ? 1 : 0 }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(Sql.CountAttempt, new { contactId, now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>
    /// Writes the outcome, moves the contact on (if this worker still holds it) and adds to the day's counts.
    /// A callback the agent gave while the call was up replaces <paramref name="next"/> (the call's outcome is
    /// kept as the contact's last outcome). The IVR's survey answers and note fill survey_json and notes unless
    /// the agent already wrote them. True when the agent had already recorded a disposition.
    /// </summary>
    public async Task<bool> FinishAsync(long campaignId, long contactId, string workerId, AttemptResult result, ContactNext next, string day, CancellationToken ct,
        LeaseFence? fence = null)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await CampaignLeaseStore.EnsureHeldAsync(c, tx, fence, ct);
        // An attempt is finished once: one that recovery already ended (worker_lost) is neither rewritten nor counted again.
        if (await c.ExecuteAsync(new CommandDefinition(Sql.Finish, new
        {
            result.Id,
            result.AgentId,
            result.CallId,
            result.DialedAt,
            result.RingingAt,
            result.AnsweredAt,
            result.AgentConnectedAt,
            result.EndedAt,
            result.Outcome,
            result.SipCode,
            result.SipReason,
            machine = result.Machine is null ? (int?)null : result.Machine.Value ? 1 : 0,
            result.TalkSeconds,
            result.Dtmf,
            result.RecordingPath,
            result.SurveyJson,
            result.Notes,
            voicemailLeft = result.VoicemailLeft ? 1 : 0,
        }, tx, cancellationToken: ct)) != 1)
        {
            return false;
        }

        // Read after the attempt row is written (and locked): a disposition the Api commits later finds the
        // contact released and moves it itself.
        var given = await c.QuerySingleOrDefaultAsync<(string? Disposition, long? CallbackAt, long? CallbackAgentId, long? CallbackOpenAt)>(
            new CommandDefinition(Sql.Given, new { result.Id }, tx, cancellationToken: ct));
        if (given.CallbackAt is { } callbackAt)
        {
            next = next with
            {
                State = ContactState.Callback,
                NextEligibleAt = callbackAt,
                Reason = "callback",
                CallbackAt = callbackAt,
                CallbackAgentId = given.CallbackAgentId,
                CallbackOpenAt = given.CallbackOpenAt,
            };
        }

        await c.ExecuteAsync(new CommandDefinition(ContactClaimStore.Sql.Release,
            ContactClaimStore.Args(contactId, workerId, next, result.EndedAt), tx, cancellationToken: ct));
        var o = CallOutcomes.Column(result.Outcome);
        await c.ExecuteAsync(new CommandDefinition(db.Sql(Sql.AddDay), new
        {
            campaignId,
            day,
            live = CallOutcomes.IsLiveAnswer(o) ? 1 : 0,
            connected = o == CallOutcomes.Connected ? 1 : 0,
            abandoned = o == CallOutcomes.Abandoned ? 1 : 0,
            machine = o == CallOutcomes.Machine ? 1 : 0,
            busy = o == CallOutcomes.Busy ? 1 : 0,
            noAnswer = o == CallOutcomes.NoAnswer ? 1 : 0,
            failed = o is CallOutcomes.Failed or CallOutcomes.Invalid ? 1 : 0,
            talk = result.TalkSeconds ?? 0,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return given.Disposition is not null;
    }

    /// <summary>The attempt's contact and campaign, for checking a disposition (the attempt must exist).</summary>
    public async Task<DispositionTarget> DispositionTargetAsync(long attemptId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleAsync<TargetRow>(new CommandDefinition(Sql.Target, new { attemptId }, cancellationToken: ct));
        return new DispositionTarget(row.ContactId, row.TimeZone, CampaignJson.Deserialize(row.ConfigJson), row.AgentId, row.Manual != 0);
    }

    /// <summary>
    /// The agent's disposition for its attempt (also wrap seconds); with a callback the contact moves to the
    /// callback state — at once if the call has ended, else when it ends (the callback is kept in
    /// attempt_callbacks for <see cref="FinishAsync"/>). A later disposition replaces an earlier one, except that
    /// notes and survey answers left out keep what is there (what the IVR wrote before a transfer to the agent).
    /// False when the attempt is not this agent's.
    /// </summary>
    public async Task<bool> DisposeAsync(long attemptId, long agentId, string code, string? notes, string? surveyJson, double? wrapSeconds,
        ContactNext? callback, long now, CancellationToken ct, LeaseFence? fence = null)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await CampaignLeaseStore.EnsureHeldAsync(c, tx, fence, ct);
        var n = await c.ExecuteAsync(new CommandDefinition(Sql.Dispose,
            new { attemptId, agentId, code, notes, surveyJson, wrapSeconds }, tx, cancellationToken: ct));
        if (n == 0)
        {
            // The agent handed the call over (call_transfers): its wrap-up's disposition is kept with the hand-over; the
            // attempt's own disposition and the contact's next state are the receiving agent's.
            var handed = await c.ExecuteAsync(new CommandDefinition(Sql.DisposeTransfer,
                new { attemptId, agentId, code, notes, wrapSeconds }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            return handed > 0;
        }

        if (n == 1)
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.DeleteCallback, new { attemptId }, tx, cancellationToken: ct));
        }

        if (n == 1 && callback is not null)
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.InsertCallback, new
            {
                attemptId,
                callbackAt = callback.CallbackAt ?? callback.NextEligibleAt,
                callbackAgentId = callback.CallbackAgentId,
                callbackOpenAt = callback.CallbackOpenAt,
                now,
            }, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(Sql.Callback, new
            {
                attemptId,
                state = callback.State,
                next = callback.NextEligibleAt,
                reason = callback.Reason,
                callbackAt = callback.CallbackAt,
                callbackAgentId = callback.CallbackAgentId,
                callbackOpenAt = callback.CallbackOpenAt,
                dialing = ContactState.Dialing,
                now,
            }, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
        return n == 1;
    }

    /// <summary>
    /// The call left <paramref name="fromAgentId"/> for an agent or a number (a call_transfers row); to an agent, the attempt is
    /// that agent's from now on (its disposition, its talk). False when the attempt has ended already.
    /// </summary>
    public async Task<bool> TransferAsync(long attemptId, long fromAgentId, long? toAgentId, string? toNumber, string kind, long at, CancellationToken ct,
        LeaseFence? fence = null)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await CampaignLeaseStore.EnsureHeldAsync(c, tx, fence, ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.InsertTransfer, new { attemptId, fromAgentId, toAgentId, toNumber, kind, at }, tx, cancellationToken: ct));
        var n = toAgentId is null
            ? 1
            : await c.ExecuteAsync(new CommandDefinition(Sql.HandOver, new { attemptId, toAgentId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return n == 1;
    }

    /// <summary>The hand-overs of an attempt, oldest first.</summary>
    public async Task<IReadOnlyList<CallTransfer>> TransfersAsync(long attemptId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<CallTransfer>(new CommandDefinition(Sql.Transfers, new { attemptId }, cancellationToken: ct))];
    }

    public async Task<IReadOnlyList<DailyCounts>> DaysAsync(long campaignId, string fromDay, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<DailyCounts>(new CommandDefinition(Sql.Days, new { campaignId, fromDay }, cancellationToken: ct))];
    }

    /// <summary>
    /// Recomputes a campaign day's counts from the attempts that ended in [from, to) and replaces the stored ones. One
    /// transaction that first takes the day's row (creating it when missing): a call ending meanwhile either has added
    /// itself already (this waits for it and then counts it) or waits for this and adds itself after, so none is lost.
    /// Reading first and replacing after, as before, dropped the calls that ended in between.
    /// </summary>
    public async Task<DailyCounts> RecomputeDayAsync(
        long campaignId, string day, long from, long to, Func<IReadOnlyList<(string Outcome, double? Talk)>, DailyCounts> count, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(db.Sql(Sql.TakeDay), new { campaignId, day }, tx, cancellationToken: ct));
        var rows = (await c.QueryAsync<(string, double?)>(new CommandDefinition(Sql.Ended, new { campaignId, from, to }, tx, cancellationToken: ct))).ToList();
        var counts = count(rows) with { CampaignId = campaignId, Day = day };
        await c.ExecuteAsync(new CommandDefinition(Sql.UpdateDay, counts, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return counts;
    }

    // Properties, not a tuple: Dapper converts INT (SQL Server) and INTEGER (SQLite) alike into them.
    private sealed record TargetRow
    {
        public long ContactId { get; init; }

        public string TimeZone { get; init; } = "";

        public string ConfigJson { get; init; } = "";

        public long? AgentId { get; init; }

        public long Manual { get; init; }
    }

    internal static class Sql
    {
        private const string InsertColumns = "campaign_id, contact_id, phone, agent_id, worker_id, carrier, queued_at, dialed_at, manual";

        public static readonly DialectSql Insert = new(
            Sqlite: $"INSERT INTO call_attempts ({InsertColumns}) VALUES (@campaignId, @contactId, @phone, @agentId, @workerId, @carrier, @now, @now, @manual) RETURNING id",
            SqlServer: $"INSERT INTO call_attempts ({InsertColumns}) OUTPUT INSERTED.id VALUES (@campaignId, @contactId, @phone, @agentId, @workerId, @carrier, @now, @now, @manual)",
            Postgres: $"INSERT INTO call_attempts ({InsertColumns}) VALUES (@campaignId, @contactId, @phone, @agentId, @workerId, @carrier, @now, @now, @manual) RETURNING id");

        public const string CountAttempt = "UPDATE contacts SET attempts = attempts + 1, last_attempt_at = @now, updated_at = @now WHERE id = @contactId";

        public const string Finish = """
            UPDATE call_attempts SET agent_id = @AgentId, call_id = @CallId, dialed_at = @DialedAt, ringing_at = @RingingAt,
                answered_at = @AnsweredAt, agent_connected_at = @AgentConnectedAt, ended_at = @EndedAt, outcome = @Outcome,
                sip_code = @SipCode, sip_reason = @SipReason, machine = @machine, talk_seconds = @TalkSeconds, dtmf = @Dtmf,
                recording_path = @RecordingPath, survey_json = COALESCE(survey_json, @SurveyJson), notes = COALESCE(notes, @Notes),
                voicemail_left = @voicemailLeft
            WHERE id = @Id AND ended_at IS NULL
            """;

        public const string Target = """
            SELECT ct.id AS contact_id, ct.time_zone, cp.config_json, a.agent_id, a.manual
            FROM call_attempts a JOIN contacts ct ON ct.id = a.contact_id JOIN campaigns cp ON cp.id = a.campaign_id
            WHERE a.id = @attemptId
            """;

        public const string Dispose = """
            UPDATE call_attempts SET disposition = @code, notes = COALESCE(@notes, notes), survey_json = COALESCE(@surveyJson, survey_json),
                wrap_seconds = COALESCE(@wrapSeconds, wrap_seconds)
            WHERE id = @attemptId AND agent_id = @agentId
            """;

        public const string DisposeTransfer = """
            UPDATE call_transfers SET disposition = @code, notes = COALESCE(@notes, notes), wrap_seconds = COALESCE(@wrapSeconds, wrap_seconds)
            WHERE attempt_id = @attemptId AND from_agent_id = @agentId
            """;

        public const string InsertTransfer = """
            INSERT INTO call_transfers (attempt_id, from_agent_id, to_agent_id, to_number, kind, at)
            VALUES (@attemptId, @fromAgentId, @toAgentId, @toNumber, @kind, @at)
            """;

        public const string HandOver = "UPDATE call_attempts SET agent_id = @toAgentId WHERE id = @attemptId AND ended_at IS NULL";

        public const string Transfers = """
            SELECT id, attempt_id, from_agent_id, to_agent_id, to_number, kind, at, disposition, notes, wrap_seconds
            FROM call_transfers WHERE attempt_id = @attemptId ORDER BY id
            """;

        // What the agent gave for the attempt, read when the call ends.
        public const string Given = """
            SELECT a.disposition, cb.callback_at, cb.callback_agent_id, cb.callback_open_at
            FROM call_attempts a LEFT JOIN attempt_callbacks cb ON cb.attempt_id = a.id
            WHERE a.id = @Id
            """;

        public const string DeleteCallback = "DELETE FROM attempt_callbacks WHERE attempt_id = @attemptId";

        public const string InsertCallback = """
            INSERT INTO attempt_callbacks (attempt_id, callback_at, callback_agent_id, callback_open_at, created_at)
            VALUES (@attemptId, @callbackAt, @callbackAgentId, @callbackOpenAt, @now)
            """;

        // The contact is usually released already (call ended); if the call is still up, FinishAsync moves it
        // when the call ends (from attempt_callbacks).
        public const string Callback = """
            UPDATE contacts SET state = @state, next_eligible_at = @next, eligible_reason = @reason, callback_at = @callbackAt,
                callback_agent_id = @callbackAgentId, callback_open_at = @callbackOpenAt, updated_at = @now
            WHERE id = (SELECT contact_id FROM call_attempts WHERE id = @attemptId) AND state <> @dialing
            """;

        private const string DayColumns = "campaign_id, day, attempts, live_answered, connected, abandoned, machine, busy, no_answer, failed, talk_seconds";

        private const string DayValues = "@live, @connected, @abandoned, @machine, @busy, @noAnswer, @failed, @talk";

        // Adds one attempt to the campaign's day, creating the row on the day's first. PostgreSQL names the row already
        // there by the table (or its alias), the proposed one by excluded; an unqualified column would be ambiguous.
        public static readonly DialectSql AddDay = new(
            Sqlite: $"""
                INSERT INTO campaign_daily_stats ({DayColumns})
                VALUES (@campaignId, @day, 1, {DayValues})
                ON CONFLICT (campaign_id, day) DO UPDATE SET attempts = attempts + 1, live_answered = live_answered + excluded.live_answered,
                    connected = connected + excluded.connected, abandoned = abandoned + excluded.abandoned, machine = machine + excluded.machine,
                    busy = busy + excluded.busy, no_answer = no_answer + excluded.no_answer, failed = failed + excluded.failed,
                    talk_seconds = talk_seconds + excluded.talk_seconds
                """,
            SqlServer: $"""
                MERGE campaign_daily_stats WITH (HOLDLOCK) AS t
                USING (SELECT @campaignId AS campaign_id, @day AS day) AS s ON t.campaign_id = s.campaign_id AND t.day = s.day
                WHEN MATCHED THEN UPDATE SET attempts = t.attempts + 1, live_answered = t.live_answered + @live, connected = t.connected + @connected,
                    abandoned = t.abandoned + @abandoned, machine = t.machine + @machine, busy = t.busy + @busy, no_answer = t.no_answer + @noAnswer,
                    failed = t.failed + @failed, talk_seconds = t.talk_seconds + @talk
                WHEN NOT MATCHED THEN INSERT ({DayColumns})
                    VALUES (@campaignId, @day, 1, @live, @connected, @abandoned, @machine, @busy, @noAnswer, @failed, @talk);
                """,
            Postgres: $"""
                INSERT INTO campaign_daily_stats AS t ({DayColumns})
                VALUES (@campaignId, @day, 1, {DayValues})
                ON CONFLICT (campaign_id, day) DO UPDATE SET attempts = t.attempts + 1, live_answered = t.live_answered + excluded.live_answered,
                    connected = t.connected + excluded.connected, abandoned = t.abandoned + excluded.abandoned, machine = t.machine + excluded.machine,
                    busy = t.busy + excluded.busy, no_answer = t.no_answer + excluded.no_answer, failed = t.failed + excluded.failed,
                    talk_seconds = t.talk_seconds + excluded.talk_seconds
                """);

        public const string Days = $"""
            SELECT {DayColumns}
            FROM campaign_daily_stats WHERE campaign_id = @campaignId AND day >= @fromDay ORDER BY day
            """;

        public const string Ended = "SELECT outcome, talk_seconds FROM call_attempts WHERE campaign_id = @campaignId AND ended_at >= @from AND ended_at < @to AND outcome IS NOT NULL";

        // The day's row, created empty when missing and locked until the transaction ends (a no-op update on a conflict).
        public static readonly DialectSql TakeDay = new(
            Sqlite: $"""
                INSERT INTO campaign_daily_stats ({DayColumns}) VALUES (@campaignId, @day, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                ON CONFLICT (campaign_id, day) DO UPDATE SET attempts = attempts
                """,
            SqlServer: $"""
                MERGE campaign_daily_stats WITH (HOLDLOCK) AS t
                USING (SELECT @campaignId AS campaign_id, @day AS day) AS s ON t.campaign_id = s.campaign_id AND t.day = s.day
                WHEN MATCHED THEN UPDATE SET attempts = t.attempts
                WHEN NOT MATCHED THEN INSERT ({DayColumns}) VALUES (@campaignId, @day, 0, 0, 0, 0, 0, 0, 0, 0, 0);
                """,
            Postgres: $"""
                INSERT INTO campaign_daily_stats AS t ({DayColumns}) VALUES (@campaignId, @day, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                ON CONFLICT (campaign_id, day) DO UPDATE SET attempts = t.attempts
                """);

        public const string UpdateDay = """
            UPDATE campaign_daily_stats SET attempts = @Attempts, live_answered = @LiveAnswered, connected = @Connected,
                abandoned = @Abandoned, machine = @Machine, busy = @Busy, no_answer = @NoAnswer, failed = @Failed, talk_seconds = @TalkSeconds
            WHERE campaign_id = @CampaignId AND day = @Day
            """;
    }
}
