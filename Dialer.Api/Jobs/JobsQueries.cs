using Dapper;
using Dialer.Db;

namespace Dialer.Api.Jobs;

/// <summary>
/// A Worker process as it registered itself in <c>workers</c> (times in unix ms). A class, not a positional record: Dapper
/// then converts process_id, INT on SQL Server and INTEGER (long) on SQLite, whatever type the provider reports.
/// </summary>
public sealed class WorkerLine
{
    public string WorkerId { get; init; } = "";

    public string Host { get; init; } = "";

    public long ProcessId { get; init; }

    public long StartedAt { get; init; }

    public long HeartbeatAt { get; init; }

    public string JobStorage { get; init; } = "";

    public long? StoppedAt { get; init; }

    /// <summary>Not stopped and heard from within <see cref="JobsQueries.LiveWithin"/>.</summary>
    public bool IsLive(long nowMs) => StoppedAt is null && nowMs - HeartbeatAt <= (long)JobsQueries.LiveWithin.TotalMilliseconds;
}

/// <summary>Which Worker runs a campaign's engine (<c>campaign_leases</c>), with the campaign's name.</summary>
public sealed class LeaseLine
{
    public long CampaignId { get; init; }

    public string? CampaignName { get; init; }

    public string Owner { get; init; } = "";

    public long Epoch { get; init; }

    public long ExpiresAt { get; init; }

    public long RenewedAt { get; init; }
}

public sealed record JobsSnapshot(IReadOnlyList<WorkerLine> Workers, IReadOnlyList<LeaseLine> Leases, long Now);

/// <summary>What /jobs shows when the job store is in the Worker's memory: the workers and the campaign leases. Read-only.</summary>
public sealed class JobsQueries(DbConnectionFactory db, TimeProvider time)
{
    /// <summary>A worker whose last heartbeat is older than this is shown as silent.</summary>
    public static readonly TimeSpan LiveWithin = TimeSpan.FromSeconds(30);

    /// <summary>Workers are listed for a day after their last heartbeat, stopped and silent ones too.</summary>
    public static readonly TimeSpan ShownFor = TimeSpan.FromDays(1);

    public async Task<JobsSnapshot> SnapshotAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync(ct);
        var workers = await c.QueryAsync<WorkerLine>(new CommandDefinition(
            Sql.Workers, new { since = now - (long)ShownFor.TotalMilliseconds }, cancellationToken: ct));
        var leases = await c.QueryAsync<LeaseLine>(new CommandDefinition(Sql.Leases, cancellationToken: ct));
        return new JobsSnapshot(workers.AsList(), leases.AsList(), now);
    }

    /// <summary>Whether Hangfire's tables are there (the Worker makes them when it first starts; the Api never does).</summary>
    public async Task<bool> HangfireInstalledAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Sql(Sql.HangfireTables), new { schema = JobsDashboard.HangfireSchema }, cancellationToken: ct)) > 0;
    }

    internal static class Sql
    {
        /// <summary>
        /// Used on PostgreSQL and SQL Server only (on SQLite the jobs live in the Worker's memory); a text for each dialect
        /// all the same.
        /// </summary>
        public static readonly DialectSql HangfireTables = new(
            Sqlite: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @schema",
            SqlServer: "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = @schema",
            Postgres: "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = @schema");

        public const string Workers = """
            SELECT worker_id, host, process_id, started_at, heartbeat_at, job_storage, stopped_at
            FROM workers
            WHERE heartbeat_at >= @since
            ORDER BY heartbeat_at DESC, worker_id
            """;

        public const string Leases = """
            SELECT l.campaign_id, c.name AS campaign_name, l.owner, l.epoch, l.expires_at, l.renewed_at
            FROM campaign_leases l LEFT JOIN campaigns c ON c.id = l.campaign_id
            ORDER BY l.campaign_id
            """;
    }
}
