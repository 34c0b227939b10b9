using System.Data.Common;
using Dapper;
using Dialer.Db.Model;
using Dialer.Db.Reminders;

namespace Dialer.Db.Campaigns;

/// <summary>A stored campaign: its columns and its parsed definition.</summary>
public sealed record CampaignRecord(
    long Id,
    string Status,
    int Version,
    long CreatedAt,
    long UpdatedAt,
    long StatusChangedAt,
    CampaignDefinition Definition);

public enum CampaignChangeOutcome
{
    Done,
    NotFound,
    VersionMismatch,
    ModeLockedWhileRunning,
    TypeLocked,
    Stopped,
    ImpossibleTransition,
}

/// <summary>The result of an update or a status change; Campaign is the row after the change (or as found).</summary>
public sealed record CampaignChange(CampaignChangeOutcome Outcome, CampaignRecord? Campaign, string? Reason = null)
{
    public bool Ok => Outcome == CampaignChangeOutcome.Done;
}

/// <summary>The status actions; each is one compare-and-set on campaigns.status.</summary>
public enum CampaignAction
{
    Start,
    Pause,
    Stop,
}

/// <summary>
/// Campaigns: the definition as JSON in config_json (name, type and mode also as columns), the status the
/// engine follows, and a version for optimistic concurrency. Every change is compare-and-set.
/// </summary>
public sealed class CampaignStore(DbConnectionFactory db, TimeProvider time, ReminderStore reminders)
{
    public async Task<CampaignRecord> CreateAsync(CampaignDefinition definition, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var now = Now();
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Sql(Sql.Insert),
            new
            {
                name = definition.Name,
                type = definition.Type,
                mode = definition.Mode,
                status = CampaignStatus.Draft,
                configJson = CampaignJson.Serialize(definition),
                now,
            },
            cancellationToken: ct));
        return new CampaignRecord(id, CampaignStatus.Draft, 1, now, now, now, definition);
    }

    public async Task<CampaignRecord?> GetAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await GetAsync(c, null, id, ct);
    }

    public async Task<CampaignCounts> CountsAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var n = await c.QuerySingleAsync<ListRow>(new CommandDefinition(Sql.Counts, new { id }, cancellationToken: ct));
        return new CampaignCounts(n.Total, n.Dialable, n.Done);
    }

    public async Task<IReadOnlyList<CampaignSummary>> ListAsync(string? status, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<ListRow>(new CommandDefinition(Sql.List, new { status }, cancellationToken: ct));
        return rows.Select(r => new CampaignSummary(r.Id, r.Name, r.Type, r.Mode, r.Status, (int)r.Version,
            DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt),
            DateTimeOffset.FromUnixTimeMilliseconds(r.StatusChangedAt), new CampaignCounts(r.Total, r.Dialable, r.Done))).ToList();
    }

    /// <summary>
    /// Replaces the definition when the stored version is <paramref name="expectedVersion"/> (or, when null,
    /// whatever version is read first). Refused: a mode change while running, a type change once the campaign
    /// has left draft or holds reminders, any change to a stopped campaign.
    /// </summary>
    public async Task<CampaignChange> UpdateAsync(long id, CampaignDefinition definition, int? expectedVersion, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var current = await GetAsync(c, null, id, ct);
        if (current is null)
        {
            return new(CampaignChangeOutcome.NotFound, null);
        }

        var expected = expectedVersion ?? current.Version;
        var now = Now();
        var changed = await c.ExecuteAsync(new CommandDefinition(
            Sql.Update,
            new
            {
                id,
                expected,
                name = definition.Name,
                type = definition.Type,
                mode = definition.Mode,
                configJson = CampaignJson.Serialize(definition),
                now,
                running = CampaignStatus.Running,
                stopped = CampaignStatus.Stopped,
                draft = CampaignStatus.Draft,
            },
            cancellationToken: ct));
        var after = await GetAsync(c, null, id, ct);
        if (changed == 1)
        {
            return new(CampaignChangeOutcome.Done, after);
        }

        // Why the compare-and-set missed, read from the row as it is now.
        return after switch
        {
            null => new(CampaignChangeOutcome.NotFound, null),
            { Status: CampaignStatus.Stopped } => new(CampaignChangeOutcome.Stopped, after,
                "The campaign is stopped; a stopped campaign is final. Create a new campaign instead."),
            _ when after.Version != expected => new(CampaignChangeOutcome.VersionMismatch, after,
                $"The campaign is at version {after.Version}, not {expected}: someone changed it. Read it again and reapply your change."),
            { Status: CampaignStatus.Running } when after.Definition.Mode != definition.Mode => new(CampaignChangeOutcome.ModeLockedWhileRunning, after,
                $"The mode cannot change while the campaign is running ({after.Definition.Mode} → {definition.Mode}); pause it first."),
            _ => new(CampaignChangeOutcome.TypeLocked, after,
                $"The type cannot change ({after.Definition.Type} → {definition.Type}) once the campaign has started or holds reminders."),
        };
    }

    /// <summary>
    /// draft/paused → running, running → paused, any but stopped → stopped (final), each as one
    /// compare-and-set. Stopping also cancels the campaign's open reminders (their webhooks are queued).
    /// </summary>
    public async Task<CampaignChange> TransitionAsync(long id, CampaignAction action, CancellationToken ct)
    {
        var (to, from) = action switch
        {
            CampaignAction.Start => (CampaignStatus.Running, new[] { CampaignStatus.Draft, CampaignStatus.Paused }),
            CampaignAction.Pause => (CampaignStatus.Paused, [CampaignStatus.Running]),
            _ => (CampaignStatus.Stopped, [CampaignStatus.Draft, CampaignStatus.Running, CampaignStatus.Paused]),
        };
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var now = Now();
        var changed = await c.ExecuteAsync(new CommandDefinition(db.Sql(Sql.SetStatus), new { id, to, from, now }, tx, cancellationToken: ct));
        if (changed == 1 && action == CampaignAction.Stop)
        {
            await reminders.CancelOpenForCampaignAsync(c, tx, id, "campaign stopped", now, ct);
        }

        var after = await GetAsync(c, tx, id, ct);
        await tx.CommitAsync(ct);
        if (changed == 1)
        {
            return new(CampaignChangeOutcome.Done, after);
        }

        return after is null
            ? new(CampaignChangeOutcome.NotFound, null)
            : new(CampaignChangeOutcome.ImpossibleTransition, after, WhyNot(action, after.Status));
    }

    private static string WhyNot(CampaignAction action, string status) => (action, status) switch
    {
        (_, CampaignStatus.Stopped) => Texts.Pick("The campaign is stopped; a stopped campaign is final.", "活动已停止；停止是最终状态，不能再开始。"),
        (CampaignAction.Start, CampaignStatus.Running) => Texts.Pick("The campaign is already running.", "活动已在运行。"),
        (CampaignAction.Pause, CampaignStatus.Paused) => Texts.Pick("The campaign is already paused.", "活动已暂停。"),
        (CampaignAction.Pause, CampaignStatus.Draft) => Texts.Pick("A draft campaign has not started; there is nothing to pause.", "草稿活动尚未开始，无需暂停。"),
        _ => Texts.Pick($"Cannot {action.ToString().ToLowerInvariant()} a campaign that is {status}.", $"无法对状态为 {status} 的活动执行 {action.ToString().ToLowerInvariant()}。"),
    };

    private static async Task<CampaignRecord?> GetAsync(DbConnection c, DbTransaction? tx, long id, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Sql.Get, new { id }, tx, cancellationToken: ct));
        return row is null
            ? null
            : new CampaignRecord(row.Id, row.Status, (int)row.Version, row.CreatedAt, row.UpdatedAt, row.StatusChangedAt, CampaignJson.Deserialize(row.ConfigJson));
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    // Classes with setters rather than positional records: Dapper then converts INT/BIGINT per dialect.
    private sealed class Row
    {
        public long Id { get; set; }

        public string Status { get; set; } = "";

        public long Version { get; set; }

        public long CreatedAt { get; set; }

        public long UpdatedAt { get; set; }

        public long StatusChangedAt { get; set; }

        public string ConfigJson { get; set; } = "";
    }

    private sealed class ListRow
    {
        public long Id { get; set; }

        public string Name { get; set; } = "";

        public string Type { get; set; } = "";

        public string Mode { get; set; } = "";

        public string Status { get; set; } = "";

        public long Version { get; set; }

        public long CreatedAt { get; set; }

        public long UpdatedAt { get; set; }

        public long StatusChangedAt { get; set; }

        public long Total { get; set; }

        public long Dialable { get; set; }

        public long Done { get; set; }
    }

    private static class Sql
    {
        public static readonly DialectSql Insert = new(
            Sqlite: """
                INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at, version)
                VALUES (@name, @type, @mode, @status, @configJson, @now, @now, @now, 1) RETURNING id
                """,
            SqlServer: """
                INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at, version)
                OUTPUT INSERTED.id
                VALUES (@name, @type, @mode, @status, @configJson, @now, @now, @now, 1)
                """,
            Postgres: """
                INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at, version)
                VALUES (@name, @type, @mode, @status, @configJson, @now, @now, @now, 1) RETURNING id
                """);

        public const string Get = """
            SELECT id, status, version, created_at, updated_at, status_changed_at, config_json
            FROM campaigns WHERE id = @id
            """;

        // Dialable: still to be dialled now or later (new, retry, callback); done: finished with a result.
        private const string CountColumns = $"""
            COUNT(*) AS total,
            COALESCE(SUM(CASE WHEN state IN ({ContactState.DialableSql}) THEN 1 ELSE 0 END), 0) AS dialable,
            COALESCE(SUM(CASE WHEN state = '{ContactState.Done}' THEN 1 ELSE 0 END), 0) AS done
            """;

        public const string Counts = $"SELECT {CountColumns} FROM contacts WHERE campaign_id = @id";

        public const string List = $"""
            SELECT c.id, c.name, c.type, c.mode, c.status, c.version, c.created_at, c.updated_at, c.status_changed_at,
                   COALESCE(n.total, 0) AS total, COALESCE(n.dialable, 0) AS dialable, COALESCE(n.done, 0) AS done
            FROM campaigns c
            LEFT JOIN (SELECT campaign_id, {CountColumns} FROM contacts GROUP BY campaign_id) n ON n.campaign_id = c.id
            WHERE @status IS NULL OR c.status = @status
            ORDER BY c.id DESC
            """;

        public const string Update = """
            UPDATE campaigns
            SET name = @name, type = @type, mode = @mode, config_json = @configJson, updated_at = @now, version = version + 1
            WHERE id = @id AND version = @expected AND status <> @stopped
              AND (status <> @running OR mode = @mode)
              AND (type = @type OR (status = @draft AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.campaign_id = @id)))
            """;

        // Dapper expands the list @from into (@from1, @from2, …); Npgsql takes it whole, as one array.
        public static readonly DialectSql SetStatus = new(
            Sqlite: """
                UPDATE campaigns SET status = @to, status_changed_at = @now, updated_at = @now
                WHERE id = @id AND status IN @from
                """,
            SqlServer: """
                UPDATE campaigns SET status = @to, status_changed_at = @now, updated_at = @now
                WHERE id = @id AND status IN @from
                """,
            Postgres: """
                UPDATE campaigns SET status = @to, status_changed_at = @now, updated_at = @now
                WHERE id = @id AND status = ANY(@from)
                """);
    }
}
