using Dapper;
using Dialer.Db.Model;

namespace Dialer.Db.Dialing;

/// <summary>A contact as the dialing engine claims it (settable properties: Dapper converts column types per dialect).</summary>
public sealed record ClaimedContact
{
    public long Id { get; init; }

    public long CampaignId { get; init; }

    public string Phone { get; init; } = "";

    public string TimeZone { get; init; } = "";

    public string State { get; init; } = "";

    public int Attempts { get; init; }

    public long NextEligibleAt { get; init; }

    public long? LastAttemptAt { get; init; }

    public long? AbandonedAt { get; init; }

    public long? CallbackAt { get; init; }

    public long? CallbackAgentId { get; init; }

    public long? CallbackOpenAt { get; init; }

    public string? Name { get; init; }

    public string? AccountId { get; init; }

    public string? CustomJson { get; init; }
}

/// <summary>A contact's next state, written when the engine lets go of it.</summary>
public sealed record ContactNext(
    string State,
    long NextEligibleAt,
    string? Reason,
    string? Outcome = null,
    long? AbandonedAt = null,
    long? CallbackAt = null,
    long? CallbackAgentId = null,
    long? CallbackOpenAt = null);

/// <summary>
/// Claims contacts for dialing by compare-and-set: the candidate is read, then moved to dialing only if its
/// state is still the one read (two workers never dial one contact); and gives them back with their next
/// eligible time and the reason.
/// </summary>
public sealed class ContactClaimStore(DbConnectionFactory db)
{
    /// <summary>Claims the next due contact: callbacks open to anyone first, then by priority and due time.</summary>
    public Task<ClaimedContact?> ClaimNextAsync(long campaignId, string workerId, long now, CancellationToken ct, LeaseFence? fence = null) =>
        ClaimAsync(db.Sql(Sql.Next), new { campaignId, now }, workerId, now, fence, ct);

    /// <summary>Claims a due callback owned by the agent and not yet open to anyone.</summary>
    public Task<ClaimedContact?> ClaimOwnedCallbackAsync(long campaignId, long agentId, string workerId, long now, CancellationToken ct,
        LeaseFence? fence = null) =>
        ClaimAsync(db.Sql(Sql.Owned), new { campaignId, agentId, now }, workerId, now, fence, ct);

    /// <summary>
    /// Without a fence: a compare-and-set claim. With one (an engine under a lease): the claim commits only while
    /// the lease is at the fence's epoch (else <see cref="LeaseLostException"/>, nothing claimed).
    /// </summary>
    /// <summary>
    /// Manual dial from the desk: claims this contact of the campaign whatever its due time, if it is not being dialled and not
    /// finished for good (DNC, invalid, cancelled). The compliance gate decides next whether it may be dialled now.
    /// </summary>
    public Task<ClaimedContact?> ClaimManualAsync(long campaignId, long contactId, string workerId, long now, CancellationToken ct, LeaseFence? fence = null) =>
        ClaimAsync(Sql.Manual, new { campaignId, contactId }, workerId, now, fence, ct);

    private async Task<ClaimedContact?> ClaimAsync(string select, object args, string workerId, long now, LeaseFence? fence, CancellationToken ct)
    {
        if (fence is null)
        {
            return await ClaimUnfencedAsync(select, args, workerId, now, ct);
        }

        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await CampaignLeaseStore.EnsureHeldAsync(c, tx, fence, ct);
        ClaimedContact? claimed = null;
        for (var i = 0; i < 8 && claimed is null; i++)
        {
            var candidate = await c.QuerySingleOrDefaultAsync<ClaimedContact>(new CommandDefinition(select, args, tx, cancellationToken: ct));
            if (candidate is null)
            {
                break;
            }

            if (await c.ExecuteAsync(new CommandDefinition(Sql.Claim,
                    new { id = candidate.Id, expected = candidate.State, dialing = ContactState.Dialing, workerId, now }, tx, cancellationToken: ct)) == 1)
            {
                claimed = candidate;
            }
        }

        await tx.CommitAsync(ct);
        return claimed;
    }

    private async Task<ClaimedContact?> ClaimUnfencedAsync(string select, object args, string workerId, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        // Another worker may win the race for the candidate: read the next one and try again.
        for (var i = 0; i < 8; i++)
        {
            var candidate = await c.QuerySingleOrDefaultAsync<ClaimedContact>(new CommandDefinition(select, args, cancellationToken: ct));
            if (candidate is null)
            {
                return null;
            }

            var claimed = await c.ExecuteAsync(new CommandDefinition(Sql.Claim,
                new { id = candidate.Id, expected = candidate.State, dialing = ContactState.Dialing, workerId, now }, cancellationToken: ct));
            if (claimed == 1)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Gives a claimed contact back (not dialed, or dialed and finished) with its next state.</summary>
    public async Task<bool> ReleaseAsync(long contactId, string workerId, ContactNext next, long now, CancellationToken ct, LeaseFence? fence = null)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await CampaignLeaseStore.EnsureHeldAsync(c, tx, fence, ct);
        var n = await c.ExecuteAsync(new CommandDefinition(Sql.Release, Args(contactId, workerId, next, now), tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return n == 1;
    }

    /// <summary>DNC: a global (campaign 0) or campaign entry not expired at <paramref name="now"/>.</summary>
    public async Task<bool> IsOnDncAsync(string phone, long campaignId, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(Sql.Dnc, new { phone, campaignId, now }, cancellationToken: ct)) > 0;
    }

    /// <summary>No call lasts longer: a claim whose attempt began earlier and never ended belongs to a dead worker.</summary>
    public const long LongestCall = 4 * 3600 * 1000L;

    /// <summary>
    /// Claims left behind by a worker that stopped (crash, kill) go back to retry, due now: claims of
    /// <paramref name="workerId"/> itself, or older than <paramref name="staleBefore"/> — but never while a
    /// call to the contact is still up (an attempt begun in the last four hours with no end).
    /// </summary>
    public async Task<int> RecoverClaimsAsync(string? workerId, long staleBefore, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.Recover,
            new { workerId, staleBefore, now, callsFrom = now - LongestCall, dialing = ContactState.Dialing, retry = ContactState.Retry },
            cancellationToken: ct));
    }

    internal static object Args(long contactId, string workerId, ContactNext next, long now) => new
    {
        id = contactId,
        workerId,
        dialing = ContactState.Dialing,
        state = next.State,
        next = next.NextEligibleAt,
        reason = next.Reason,
        outcome = next.Outcome,
        abandonedAt = next.AbandonedAt,
        callbackAt = next.CallbackAt,
        callbackAgentId = next.CallbackAgentId,
        callbackOpenAt = next.CallbackOpenAt,
        now,
    };

    internal static class Sql
    {
        private const string Columns = """
            id, campaign_id, phone, time_zone, state, attempts, next_eligible_at, last_attempt_at, abandoned_at,
            callback_at, callback_agent_id, callback_open_at, name, account_id, custom_json
            """;

        // A contact of a list switched off by a manager (call_lists.disabled_at) waits until the list is on again.
        private const string ListOn = "AND NOT EXISTS (SELECT 1 FROM call_lists l WHERE l.id = contacts.list_id AND l.disabled_at IS NOT NULL)";

        private const string DueFrom = $"""
            FROM contacts
            WHERE campaign_id = @campaignId AND state IN ({ContactState.DialableSql}) AND next_eligible_at <= @now
              AND (callback_agent_id IS NULL OR callback_open_at IS NULL OR callback_open_at <= @now)
              {ListOn}
            ORDER BY CASE WHEN state = '{ContactState.Callback}' THEN 0 ELSE 1 END, priority DESC, next_eligible_at, id
            """;

        private const string OwnedFrom = $"""
            FROM contacts
            WHERE campaign_id = @campaignId AND state = '{ContactState.Callback}' AND callback_agent_id = @agentId
              AND next_eligible_at <= @now AND callback_open_at > @now
              {ListOn}
            ORDER BY next_eligible_at, id
            """;

        // The candidate only: the claim that follows is a compare-and-set on its state.
        public static readonly DialectSql Next = new(
            Sqlite: $"SELECT {Columns} {DueFrom} LIMIT 1",
            SqlServer: $"SELECT TOP 1 {Columns} {DueFrom}",
            Postgres: $"SELECT {Columns} {DueFrom} LIMIT 1");

        public static readonly DialectSql Owned = new(
            Sqlite: $"SELECT {Columns} {OwnedFrom} LIMIT 1",
            SqlServer: $"SELECT TOP 1 {Columns} {OwnedFrom}",
            Postgres: $"SELECT {Columns} {OwnedFrom} LIMIT 1");

        public const string Manual = $"""
            SELECT {Columns} FROM contacts
            WHERE id = @contactId AND campaign_id = @campaignId AND state IN ({ContactState.DialableSql}, '{ContactState.Done}')
            """;

        public const string Claim = """
            UPDATE contacts SET state = @dialing, locked_by = @workerId, locked_at = @now, updated_at = @now
            WHERE id = @id AND state = @expected
            """;

        public const string Release = """
            UPDATE contacts SET state = @state, next_eligible_at = @next, eligible_reason = @reason,
                last_outcome = COALESCE(@outcome, last_outcome), abandoned_at = COALESCE(@abandonedAt, abandoned_at),
                callback_at = @callbackAt, callback_agent_id = @callbackAgentId, callback_open_at = @callbackOpenAt,
                locked_by = NULL, locked_at = NULL, updated_at = @now
            WHERE id = @id AND state = @dialing AND locked_by = @workerId
            """;

        public const string Dnc = """
            SELECT COUNT(1) FROM dnc_entries
            WHERE phone = @phone AND campaign_id IN (0, @campaignId) AND (expires_at IS NULL OR expires_at > @now)
            """;

        public const string Recover = """
            UPDATE contacts SET state = @retry, next_eligible_at = @now, eligible_reason = 'claim_recovered',
                locked_by = NULL, locked_at = NULL, updated_at = @now
            WHERE state = @dialing AND (locked_by = @workerId OR locked_at < @staleBefore)
              AND NOT EXISTS (SELECT 1 FROM call_attempts a
                              WHERE a.contact_id = contacts.id AND a.ended_at IS NULL AND a.queued_at >= @callsFrom)
            """;
    }
}
