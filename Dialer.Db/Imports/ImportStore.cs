using Dapper;
using Dialer.Db.Model;

namespace Dialer.Db.Imports;

public sealed record ImportRow(
    long Id, string Kind, long? CampaignId, long? ListId, string? FileName, string Status,
    long Total, long Imported, long Duplicates, long Invalid, long Dnc, string? Error, string? CreatedBy, long CreatedAt, long? CompletedAt);

/// <summary>A rejected row as stored; <see cref="Code"/> and <see cref="ReasonZh"/> are null for rows written before they were kept (migration 0036).</summary>
public sealed record ImportErrorRow(long RowNumber, string Kind, string Reason, string? Raw, string? Code, string? ReasonZh)
{
    /// <summary>The reason in the current UI culture's language.</summary>
    public string LocalReason => Model.Texts.Pick(Reason, ReasonZh ?? Reason);
}

public static class ImportStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

public static class ImportKinds
{
    public const string Contacts = "contacts";
    public const string Dnc = "dnc";
}

/// <summary>The imports table (one row per uploaded file, with its counts) and its row errors.</summary>
public sealed class ImportStore(DbConnectionFactory db, TimeProvider time)
{
    public SqlDialect Dialect => db.Dialect;

    public async Task<long> CreateAsync(string kind, long? campaignId, string? fileName, string? createdBy, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Sql(Sql.Insert),
            new { kind, campaignId, fileName, createdBy, status = ImportStatus.Queued, now = Now() },
            cancellationToken: ct));
    }

    public async Task<ImportRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<ImportRow>(new CommandDefinition(Sql.Get, new { id }, cancellationToken: ct));
    }

    /// <summary>Errors in row order, a page at a time.</summary>
    public async Task<IReadOnlyList<ImportErrorRow>> ErrorsAsync(long id, long offset, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<ImportErrorRow>(new CommandDefinition(
            db.Sql(Sql.Errors),
            new { id, offset, limit },
            cancellationToken: ct))).AsList();
    }

    /// <summary>Every error of the import, streamed in row order (for the CSV report).</summary>
    public async IAsyncEnumerable<ImportErrorRow> AllErrorsAsync(long id, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        const int page = 5000;
        long after = 0;
        while (true)
        {
            await using var c = await db.OpenAsync(ct);
            var rows = (await c.QueryAsync<ImportErrorRow>(new CommandDefinition(
                db.Sql(Sql.ErrorsAfter),
                new { id, after, limit = page },
                cancellationToken: ct))).AsList();
            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < page)
            {
                yield break;
            }

            after = rows[^1].RowNumber;
        }
    }

    public async Task<IReadOnlyList<ImportRow>> UnfinishedAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<ImportRow>(new CommandDefinition(Sql.Unfinished, cancellationToken: ct))).AsList();
    }

    /// <summary>The campaign's definition, or null when there is no such campaign.</summary>
    public async Task<CampaignDefinition?> CampaignAsync(long campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var json = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(Sql.Campaign, new { id = campaignId }, cancellationToken: ct));
        return json is null ? null : Campaigns.CampaignJson.Deserialize(json);
    }

    public async Task<long> StartAsync(long id, long? campaignId, string? listName, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        long? listId = null;
        if (campaignId is not null)
        {
            listId = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                db.Sql(Sql.InsertList),
                new { campaignId, name = listName ?? $"import {id}", now = Now() },
                cancellationToken: ct));
        }

        await c.ExecuteAsync(new CommandDefinition(Sql.Start, new { id, listId, status = ImportStatus.Running }, cancellationToken: ct));
        return listId ?? 0;
    }

    /// <summary>
    /// A bulk writer's checkpoint, inside its transaction: the import's counts so far and, with
    /// <paramref name="completedAt"/>, its completion.
    /// </summary>
    internal static async Task WriteProgressAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, long id, ImportCounts counts,
        long? completedAt, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(Sql.Progress, new
        {
            id, total = counts.Total, imported = counts.Imported, duplicates = counts.Duplicates, invalid = counts.Invalid, dnc = counts.Dnc,
        }, tx, cancellationToken: ct));
        if (completedAt is { } at)
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.Complete, new
            {
                id, status = ImportStatus.Completed, total = counts.Total, imported = counts.Imported, duplicates = counts.Duplicates,
                invalid = counts.Invalid, dnc = counts.Dnc, now = at,
            }, tx, cancellationToken: ct));
        }
    }

    public async Task CompleteAsync(long id, ImportCounts counts, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.Complete, new
        {
            id, status = ImportStatus.Completed, total = counts.Total, imported = counts.Imported, duplicates = counts.Duplicates, invalid = counts.Invalid, dnc = counts.Dnc, now = Now(),
        }, cancellationToken: ct));
    }

    /// <summary>
    /// Marks the import failed after removing what it had written: a failed import leaves no contacts behind. A
    /// completed import is left as it is.
    /// </summary>
    public async Task FailAsync(long id, string error, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<ImportRow>(new CommandDefinition(Sql.Get, new { id }, cancellationToken: ct));
        if (row?.Status == ImportStatus.Completed)
        {
            // Whatever went wrong came after the import was complete (its rows and counts committed): it stays complete.
            return;
        }

        if (row?.ListId is { } listId && row.Kind == ImportKinds.Contacts)
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.DeleteListContacts, new { listId }, commandTimeout: 600, cancellationToken: ct));
        }

        await c.ExecuteAsync(new CommandDefinition(Sql.DeleteErrors, new { id }, commandTimeout: 600, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(Sql.Fail, new { id, status = ImportStatus.Failed, error, now = Now() }, cancellationToken: ct));
    }

    /// <summary>Puts an interrupted import back to queued, removing its partial rows.</summary>
    public async Task RequeueAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<ImportRow>(new CommandDefinition(Sql.Get, new { id }, cancellationToken: ct));
        if (row?.Status == ImportStatus.Completed)
        {
            // Whatever went wrong came after the import was complete (its rows and counts committed): it stays complete.
            return;
        }

        if (row?.ListId is { } listId && row.Kind == ImportKinds.Contacts)
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.DeleteListContacts, new { listId }, commandTimeout: 600, cancellationToken: ct));
        }

        await c.ExecuteAsync(new CommandDefinition(Sql.DeleteErrors, new { id }, commandTimeout: 600, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(Sql.Requeue, new { id, status = ImportStatus.Queued }, cancellationToken: ct));
    }

    /// <summary>
    /// Claims the import for <paramref name="instance"/>: free, or held by this instance before (a restart), or held by
    /// an instance whose last heartbeat is older than <paramref name="staleBefore"/> (it died). False when another
    /// live instance runs it.
    /// </summary>
    public async Task<bool> TryClaimAsync(long id, string instance, long staleBefore, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.DropClaim, new { id, instance, staleBefore }, tx, cancellationToken: ct));
        int claimed;
        try
        {
            claimed = await c.ExecuteAsync(new CommandDefinition(Sql.Claim, new { id, instance, now = Now() }, tx, cancellationToken: ct));
        }
        catch (System.Data.Common.DbException)
        {
            return false; // another instance inserted its claim at the same moment
        }

        await tx.CommitAsync(ct);
        return claimed == 1;
    }

    /// <summary>Renews every claim <paramref name="instance"/> holds.</summary>
    public async Task HeartbeatAsync(string instance, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.Heartbeat, new { instance, now = Now() }, cancellationToken: ct));
    }

    public async Task ReleaseClaimAsync(long id, string instance, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.ReleaseClaim, new { id, instance }, cancellationToken: ct));
    }

    /// <summary>
    /// Unfinished imports this instance should run: its own, those whose claim went stale (their instance died), and
    /// those created before <paramref name="staleBefore"/> that nobody claimed (their instance died before it began).
    /// </summary>
    public async Task<IReadOnlyList<ImportRow>> OrphanedAsync(string instance, long staleBefore, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<ImportRow>(new CommandDefinition(Sql.Orphaned, new { instance, staleBefore }, cancellationToken: ct))).AsList();
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    internal static class Sql
    {
        private const string Columns = "id, kind, campaign_id, list_id, file_name, status, total, imported, duplicates, invalid, dnc, error, created_by, created_at, completed_at";

        public static readonly DialectSql Insert = new(
            Sqlite: """
                INSERT INTO imports (kind, campaign_id, file_name, status, created_by, created_at)
                VALUES (@kind, @campaignId, @fileName, @status, @createdBy, @now) RETURNING id
                """,
            SqlServer: """
                INSERT INTO imports (kind, campaign_id, file_name, status, created_by, created_at) OUTPUT INSERTED.id
                VALUES (@kind, @campaignId, @fileName, @status, @createdBy, @now)
                """,
            Postgres: """
                INSERT INTO imports (kind, campaign_id, file_name, status, created_by, created_at)
                VALUES (@kind, @campaignId, @fileName, @status, @createdBy, @now) RETURNING id
                """);

        public static readonly DialectSql InsertList = new(
            Sqlite: "INSERT INTO call_lists (campaign_id, name, source, created_at) VALUES (@campaignId, @name, 'import', @now) RETURNING id",
            SqlServer: "INSERT INTO call_lists (campaign_id, name, source, created_at) OUTPUT INSERTED.id VALUES (@campaignId, @name, 'import', @now)",
            Postgres: "INSERT INTO call_lists (campaign_id, name, source, created_at) VALUES (@campaignId, @name, 'import', @now) RETURNING id");

        public const string Get = $"SELECT {Columns} FROM imports WHERE id = @id";

        public const string Unfinished = $"SELECT {Columns} FROM imports WHERE status IN ('queued', 'running') ORDER BY id";

        public const string DropClaim = """
            DELETE FROM import_claims WHERE import_id = @id AND (instance_id = @instance OR heartbeat_at < @staleBefore)
            """;

        public const string Claim = """
            INSERT INTO import_claims (import_id, instance_id, heartbeat_at)
            SELECT @id, @instance, @now WHERE NOT EXISTS (SELECT 1 FROM import_claims WHERE import_id = @id)
            """;

        public const string Heartbeat = "UPDATE import_claims SET heartbeat_at = @now WHERE instance_id = @instance";

        public const string ReleaseClaim = "DELETE FROM import_claims WHERE import_id = @id AND instance_id = @instance";

        public const string Orphaned = """
            SELECT i.id, i.kind, i.campaign_id, i.list_id, i.file_name, i.status, i.total, i.imported, i.duplicates, i.invalid, i.dnc,
                i.error, i.created_by, i.created_at, i.completed_at
            FROM imports i LEFT JOIN import_claims c ON c.import_id = i.id
            WHERE i.status IN ('queued', 'running')
              AND (c.instance_id = @instance OR c.heartbeat_at < @staleBefore OR (c.import_id IS NULL AND i.created_at < @staleBefore))
            ORDER BY i.id
            """;

        public const string Campaign = "SELECT config_json FROM campaigns WHERE id = @id";

        public const string Start = "UPDATE imports SET status = @status, list_id = @listId WHERE id = @id";

        public const string Progress = """
            UPDATE imports SET total = @total, imported = @imported, duplicates = @duplicates, invalid = @invalid, dnc = @dnc
            WHERE id = @id
            """;

        public const string Complete = """
            UPDATE imports SET status = @status, total = @total, imported = @imported, duplicates = @duplicates,
                invalid = @invalid, dnc = @dnc, completed_at = @now
            WHERE id = @id
            """;

        public const string Fail = """
            UPDATE imports SET status = @status, error = @error, completed_at = @now, total = 0, imported = 0, duplicates = 0, invalid = 0, dnc = 0
            WHERE id = @id
            """;

        public const string Requeue = "UPDATE imports SET status = @status, total = 0, imported = 0, duplicates = 0, invalid = 0, dnc = 0 WHERE id = @id";

        public const string DeleteListContacts = "DELETE FROM contacts WHERE list_id = @listId";

        public const string DeleteErrors = "DELETE FROM import_errors WHERE import_id = @id";

        public const string InsertError = """
            INSERT INTO import_errors (import_id, row_number, kind, reason, raw, code, reason_zh) VALUES (@id, @row, @kind, @reason, @raw, @code, @reasonZh)
            """;

        public static readonly DialectSql Errors = new(
            Sqlite: """
                SELECT row_number, kind, reason, raw, code, reason_zh FROM import_errors WHERE import_id = @id
                ORDER BY row_number LIMIT @limit OFFSET @offset
                """,
            SqlServer: """
                SELECT row_number, kind, reason, raw, code, reason_zh FROM import_errors WHERE import_id = @id
                ORDER BY row_number OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY
                """,
            Postgres: """
                SELECT row_number, kind, reason, raw, code, reason_zh FROM import_errors WHERE import_id = @id
                ORDER BY row_number LIMIT @limit OFFSET @offset
                """);

        public static readonly DialectSql ErrorsAfter = new(
            Sqlite: """
                SELECT row_number, kind, reason, raw, code, reason_zh FROM import_errors WHERE import_id = @id AND row_number > @after
                ORDER BY row_number LIMIT @limit
                """,
            SqlServer: """
                SELECT TOP (@limit) row_number, kind, reason, raw, code, reason_zh FROM import_errors WHERE import_id = @id AND row_number > @after
                ORDER BY row_number
                """,
            Postgres: """
                SELECT row_number, kind, reason, raw, code, reason_zh FROM import_errors WHERE import_id = @id AND row_number > @after
                ORDER BY row_number LIMIT @limit
                """);

        public const string ExistingPhones = "SELECT phone FROM contacts WHERE campaign_id = @campaignId";

        public const string ActiveDnc = """
            SELECT phone, campaign_id FROM dnc_entries
            WHERE (campaign_id = 0 OR campaign_id = @campaignId) AND (expires_at IS NULL OR expires_at > @now)
            """;
    }
}

/// <summary>The counts of an import: total = imported + duplicates + invalid + dnc.</summary>
public sealed class ImportCounts
{
    public long Total { get; set; }

    public long Imported { get; set; }

    public long Duplicates { get; set; }

    public long Invalid { get; set; }

    public long Dnc { get; set; }
}
