using System.Data.Common;
using Dapper;
using Dialer.Db.Model;

namespace Dialer.Db.Dialing;

/// <summary>
/// The fencing token of an engine: the campaign and the lease epoch it runs under. Every write the engine makes
/// about calls and contacts checks it first, in the write's own transaction; under an older epoch the write
/// changes nothing.
/// </summary>
public sealed record LeaseFence(long CampaignId, long Epoch);

/// <summary>Thrown inside a fenced write when the lease has moved on (the transaction is rolled back).</summary>
public sealed class LeaseLostException(LeaseFence fence)
    : Exception($"Campaign {fence.CampaignId}: lease epoch {fence.Epoch} is no longer current")
{
    public LeaseFence Fence { get; } = fence;
}

/// <summary>A lease as stored (for the jobs page and tests).</summary>
public sealed record CampaignLease
{
    public long CampaignId { get; init; }

    public string Owner { get; init; } = "";

    public long Epoch { get; init; }

    public long ExpiresAt { get; init; }

    public long TakenAt { get; init; }

    public long RenewedAt { get; init; }
}

/// <summary>What recovery after a lost worker did for one campaign.</summary>
public sealed record LeaseRecovery(int Attempts, int Contacts, int Agents)
{
    public bool Any => Attempts + Contacts + Agents > 0;
}

/// <summary>A Worker process as registered in the workers table.</summary>
public sealed record WorkerRow
{
    public string WorkerId { get; init; } = "";

    public string Host { get; init; } = "";

    public long ProcessId { get; init; }

    public long StartedAt { get; init; }

    public long HeartbeatAt { get; init; }

    public string JobStorage { get; init; } = "";

    public long? StoppedAt { get; init; }
}

/// <summary>
/// campaign_leases and workers: who runs each campaign's engine. A lease is taken by compare-and-set when it is
/// free, expired, or already this worker's (a restarted worker with the same id takes its own back at once);
/// every takeover raises the epoch, which fences the previous holder's writes. A take also recovers what a lost
/// holder left behind: unended attempts end as failed (worker_lost) and are counted in the day's statistics,
/// their contacts become due again, their agents are freed.
/// </summary>
public sealed class CampaignLeaseStore(DbConnectionFactory db)
{
    /// <summary>The reason recorded on attempts, contacts and agents recovered from a lost worker.</summary>
    public const string WorkerLost = "worker_lost";

    /// <summary>
    /// Takes the lease for <paramref name="owner"/> if it is free, expired or its own; returns the new epoch, or
    /// null when another live worker holds it.
    /// </summary>
    public async Task<long?> TryTakeAsync(long campaignId, string owner, long now, long ttlMs, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var args = new { campaignId, owner, now, expiresAt = now + ttlMs };
        var n = await c.ExecuteAsync(new CommandDefinition(Sql.Take, args, tx, cancellationToken: ct));
        if (n == 0)
        {
            try
            {
                n = await c.ExecuteAsync(new CommandDefinition(Sql.Insert, args, tx, cancellationToken: ct));
            }
            catch (DbException)
            {
                // Another worker inserted the first lease of this campaign at the same moment (SQL Server).
                return null;
            }
        }

        if (n == 0)
        {
            return null;
        }

        var epoch = await c.ExecuteScalarAsync<long>(new CommandDefinition(Sql.Epoch, args, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return epoch;
    }

    /// <summary>Extends the lease if <paramref name="owner"/> still holds it at this epoch.</summary>
    public async Task<bool> RenewAsync(LeaseFence fence, string owner, long now, long ttlMs, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.Renew,
            new { fence.CampaignId, fence.Epoch, owner, now, expiresAt = now + ttlMs }, cancellationToken: ct)) == 1;
    }

    /// <summary>Lets the lease go (the engine stopped cleanly): any worker may take it at once.</summary>
    public async Task<bool> ReleaseAsync(LeaseFence fence, string owner, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.Release, new { fence.CampaignId, fence.Epoch, owner }, cancellationToken: ct)) == 1;
    }

    public async Task<CampaignLease?> GetAsync(long campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<CampaignLease>(new CommandDefinition(Sql.Get, new { campaignId }, cancellationToken: ct));
    }

    /// <summary>Campaigns whose lease expired without a clean release: their holder was lost.</summary>
    public async Task<IReadOnlyList<long>> AbandonedAsync(long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<long>(new CommandDefinition(Sql.Abandoned, new { now }, cancellationToken: ct))];
    }

    /// <summary>
    /// Checks the fence inside a write's transaction, before anything else: the lease row is locked (SQL Server) or
    /// the database's write lock taken (SQLite) until the write commits, so a takeover waits for it or fences it.
    /// </summary>
    public static async Task EnsureHeldAsync(DbConnection c, DbTransaction tx, LeaseFence? fence, CancellationToken ct)
    {
        if (fence is null)
        {
            return;
        }

        if (await c.ExecuteAsync(new CommandDefinition(Sql.Fence, new { fence.CampaignId, fence.Epoch }, tx, cancellationToken: ct)) != 1)
        {
            throw new LeaseLostException(fence);
        }
    }

    /// <summary>
    /// Ends what a lost holder of the campaign's lease left behind, under the new epoch, in one transaction:
    /// unended attempts end as failed (worker_lost) and count in their day's statistics; contacts left in dialing
    /// become due again (done when out of attempts); agents reserved, on a call or in wrap-up for the campaign
    /// become ready, or paused / logged out when that was requested.
    /// </summary>
    public async Task<LeaseRecovery> RecoverAsync(LeaseFence fence, long now, int maxAttempts, Func<long, string> dayOf, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await EnsureHeldAsync(c, tx, fence, ct);
        var campaignId = fence.CampaignId;
        var lost = (await c.QueryAsync<long?>(new CommandDefinition(Sql.Unended, new { campaignId }, tx, cancellationToken: ct))).ToList();
        if (lost.Count > 0)
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.EndLost, new { campaignId, now, failed = CallOutcomes.Failed, reason = WorkerLost },
                tx, cancellationToken: ct));
            var addDay = db.Sql(AttemptStore.Sql.AddDay);
            var day = dayOf(now);
            foreach (var _ in lost)
            {
                await c.ExecuteAsync(new CommandDefinition(addDay, new
                {
                    campaignId, day, live = 0, connected = 0, abandoned = 0, machine = 0, busy = 0, noAnswer = 0, failed = 1, talk = 0.0,
                }, tx, cancellationToken: ct));
            }
        }

        var contacts = await c.ExecuteAsync(new CommandDefinition(Sql.FreeContacts, new
        {
            campaignId,
            now,
            maxAttempts,
            never = long.MaxValue,
            dialing = ContactState.Dialing,
            retry = ContactState.Retry,
            done = ContactState.Done,
            callback = ContactState.Callback,
            reason = WorkerLost,
            failed = CallOutcomes.Failed,
        }, tx, cancellationToken: ct));
        var agents = 0;
        foreach (var agent in await c.QueryAsync<(long AgentId, string? Request, string? RequestReason, long Version)>(new CommandDefinition(Sql.HeldAgents,
                     new { campaignId }, tx, cancellationToken: ct)))
        {
            var (to, reason) = AgentRequest.AfterCall(AgentRequest.FromDb(agent.Request, agent.RequestReason));
            var state = to.ToDb();
            if (await c.ExecuteAsync(new CommandDefinition(AgentStateStore.Sql.Change, new
                {
                    agentId = agent.AgentId, expectedVersion = agent.Version, state, reason, attemptId = (long?)null, contactId = (long?)null,
                    wrapUntil = (long?)null, at = now, campaignsJson = (string?)null, keep = 0,
                }, tx, cancellationToken: ct)) == 1)
            {
                agents++;
                await c.ExecuteAsync(new CommandDefinition(AgentStateStore.Sql.Log, new { agentId = agent.AgentId, state, reason = reason ?? WorkerLost, at = now },
                    tx, cancellationToken: ct));
            }
        }

        await tx.CommitAsync(ct);
        return new LeaseRecovery(lost.Count, contacts, agents);
    }

    /// <summary>Registers this Worker process (replacing an earlier row of the same id).</summary>
    public async Task RegisterAsync(WorkerRow worker, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.DeleteWorker, new { worker.WorkerId }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(Sql.InsertWorker, worker, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    public async Task<WorkerRow?> GetWorkerAsync(string workerId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<WorkerRow>(new CommandDefinition(Sql.GetWorker, new { workerId }, cancellationToken: ct));
    }

    public async Task HeartbeatAsync(string workerId, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.Heartbeat, new { workerId, now }, cancellationToken: ct));
    }

    /// <summary>A clean stop: the worker's row says so and its leases are let go.</summary>
    public async Task StoppedAsync(string workerId, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.Stopped, new { workerId, now }, cancellationToken: ct));
    }

    /// <summary>Workers with a heartbeat since <paramref name="since"/> that have not stopped (at least 1: this one).</summary>
    public async Task<int> LiveWorkersAsync(long since, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return Math.Max(1, await c.ExecuteScalarAsync<int>(new CommandDefinition(Sql.Live, new { since }, cancellationToken: ct)));
    }

    internal static class Sql
    {
        public const string Take = """
            UPDATE campaign_leases SET owner = @owner, epoch = epoch + 1, expires_at = @expiresAt, taken_at = @now, renewed_at = @now
            WHERE campaign_id = @campaignId AND (expires_at < @now OR owner = @owner)
            """;

        public const string Insert = """
            INSERT INTO campaign_leases (campaign_id, owner, epoch, expires_at, taken_at, renewed_at)
            SELECT @campaignId, @owner, 1, @expiresAt, @now, @now
            WHERE NOT EXISTS (SELECT 1 FROM campaign_leases WHERE campaign_id = @campaignId)
            """;

        public const string Epoch = "SELECT epoch FROM campaign_leases WHERE campaign_id = @campaignId";

        public const string Renew = """
            UPDATE campaign_leases SET expires_at = @expiresAt, renewed_at = @now
            WHERE campaign_id = @CampaignId AND epoch = @Epoch AND owner = @owner
            """;

        public const string Release = "UPDATE campaign_leases SET expires_at = 0 WHERE campaign_id = @CampaignId AND epoch = @Epoch AND owner = @owner";

        public const string Get = "SELECT campaign_id, owner, epoch, expires_at, taken_at, renewed_at FROM campaign_leases WHERE campaign_id = @campaignId";

        public const string Abandoned = "SELECT campaign_id FROM campaign_leases WHERE expires_at > 0 AND expires_at < @now";

        // A no-op write: it fails (0 rows) under an older epoch, and it holds the row until the write commits.
        public const string Fence = "UPDATE campaign_leases SET renewed_at = renewed_at WHERE campaign_id = @CampaignId AND epoch = @Epoch";

        public const string Unended = "SELECT id FROM call_attempts WHERE campaign_id = @campaignId AND ended_at IS NULL";

        public const string EndLost = """
            UPDATE call_attempts SET ended_at = @now, outcome = @failed, sip_reason = @reason
            WHERE campaign_id = @campaignId AND ended_at IS NULL
            """;

        public const string FreeContacts = """
            UPDATE contacts SET
                state = CASE WHEN attempts >= @maxAttempts THEN @done WHEN callback_at IS NOT NULL THEN @callback ELSE @retry END,
                next_eligible_at = CASE WHEN attempts >= @maxAttempts THEN @never ELSE @now END,
                eligible_reason = @reason, last_outcome = CASE WHEN last_attempt_at IS NULL THEN last_outcome ELSE @failed END,
                locked_by = NULL, locked_at = NULL, updated_at = @now
            WHERE campaign_id = @campaignId AND state = @dialing
            """;

        public const string HeldAgents = $"""
            SELECT agent_id, request, request_reason, version FROM agent_states
            WHERE state IN ({AgentStates.BusySql})
              AND (attempt_id IN (SELECT id FROM call_attempts WHERE campaign_id = @campaignId)
                   OR contact_id IN (SELECT id FROM contacts WHERE campaign_id = @campaignId))
            """;

        public const string DeleteWorker = "DELETE FROM workers WHERE worker_id = @WorkerId";

        public const string InsertWorker = """
            INSERT INTO workers (worker_id, host, process_id, started_at, heartbeat_at, job_storage, stopped_at)
            VALUES (@WorkerId, @Host, @ProcessId, @StartedAt, @HeartbeatAt, @JobStorage, NULL)
            """;

        public const string GetWorker = "SELECT worker_id, host, process_id, started_at, heartbeat_at, job_storage, stopped_at FROM workers WHERE worker_id = @workerId";

        public const string Heartbeat = "UPDATE workers SET heartbeat_at = @now WHERE worker_id = @workerId";

        public const string Stopped = "UPDATE workers SET stopped_at = @now, heartbeat_at = @now WHERE worker_id = @workerId";

        public const string Live = "SELECT COUNT(1) FROM workers WHERE heartbeat_at >= @since AND stopped_at IS NULL";
    }
}
