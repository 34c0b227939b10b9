using System.Data.Common;
using Dapper;
using Dialer.Db.Model;

namespace Dialer.Db.Dnc;

/// <summary>A do-not-call entry; campaign 0 is the global list. Active while it has no expiry or the expiry is ahead.</summary>
public sealed record DncEntry(long Id, string Phone, long CampaignId, string? Source, long CreatedAt, long? ExpiresAt);

/// <summary>
/// Do-not-call lists, global and per campaign. Adding a number takes the matching contacts that are not yet
/// done out of dialling (state dnc) in the same transaction; removing it puts back those no other active
/// entry still covers. Expired entries block nothing.
/// </summary>
public sealed class DncStore(DbConnectionFactory db, TimeProvider time)
{
    public const long Global = 0;

    /// <summary>Adds or renews an entry; answers it, whether it was new, and how many contacts it took out of dialling.</summary>
    public async Task<(DncEntry Entry, bool Created, int ContactsMarked)> AddAsync(
        string e164, long campaignId, string? source, long? expiresAt, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var (entry, previous, marked) = await AddAsync(c, tx, e164, campaignId, source, expiresAt, Now(), ct);
        await tx.CommitAsync(ct);
        return (entry, previous is null, marked);
    }

    internal async Task<(DncEntry Entry, DncEntry? Previous, int ContactsMarked)> AddAsync(
        DbConnection c, DbTransaction tx, string e164, long campaignId, string? source, long? expiresAt, long now, CancellationToken ct)
    {
        var existing = await c.QuerySingleOrDefaultAsync<DncEntry>(new CommandDefinition(Sql.Find, new { phone = e164, campaignId }, tx, cancellationToken: ct));
        if (existing is null)
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.Insert, new { phone = e164, campaignId, source, now, expiresAt }, tx, cancellationToken: ct));
        }
        else
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.Renew, new { id = existing.Id, source, expiresAt }, tx, cancellationToken: ct));
        }

        var entry = await c.QuerySingleAsync<DncEntry>(new CommandDefinition(Sql.Find, new { phone = e164, campaignId }, tx, cancellationToken: ct));
        var marked = 0;
        if (entry.ExpiresAt is null || entry.ExpiresAt > now)
        {
            marked = await c.ExecuteAsync(new CommandDefinition(
                campaignId == Global ? Sql.MarkAllCampaigns : Sql.MarkCampaign,
                new { phone = e164, campaignId, now, dnc = ContactState.Dnc },
                tx,
                cancellationToken: ct));
        }

        return (entry, existing, marked);
    }

    /// <summary>Removes an entry; false when there is none. Contacts it held back become dialable again unless another active entry covers them.</summary>
    public async Task<bool> RemoveAsync(string e164, long campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var now = Now();
        if (await c.ExecuteAsync(new CommandDefinition(Sql.Delete, new { phone = e164, campaignId }, tx, cancellationToken: ct)) == 0)
        {
            return false;
        }

        await c.ExecuteAsync(new CommandDefinition(
            campaignId == Global ? Sql.RestoreAllCampaigns : Sql.RestoreCampaign,
            new { phone = e164, campaignId, now, dnc = ContactState.Dnc, fresh = ContactState.New },
            tx,
            cancellationToken: ct));
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>True when an active entry, global or the campaign's, holds the number back.</summary>
    public async Task<bool> IsBlockedAsync(string e164, long campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(Sql.CountActive, new { phone = e164, campaignId, now = Now() }, cancellationToken: ct)) > 0;
    }

    public async Task<DncEntry?> FindAsync(string e164, long campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<DncEntry>(new CommandDefinition(Sql.Find, new { phone = e164, campaignId }, cancellationToken: ct));
    }

    /// <summary>Entries newest first, filtered by number and list (null: every list; 0: the global list).</summary>
    public async Task<(IReadOnlyList<DncEntry> Entries, long Total)> ListAsync(string? e164, long? campaignId, int page, int pageSize, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var args = new { phone = e164, campaignId, offset = (long)(page - 1) * pageSize, limit = pageSize };
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition(Sql.Count, args, cancellationToken: ct));
        var rows = await c.QueryAsync<DncEntry>(new CommandDefinition(
            db.Sql(Sql.List), args, cancellationToken: ct));
        return (rows.AsList(), total);
    }

    public long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    internal static class Sql
    {
        private const string Columns = "id, phone, campaign_id, source, created_at, expires_at";

        private const string Filter = "(@phone IS NULL OR phone = @phone) AND (@campaignId IS NULL OR campaign_id = @campaignId)";

        public const string Find = $"SELECT {Columns} FROM dnc_entries WHERE phone = @phone AND campaign_id = @campaignId";

        public const string Insert = """
            INSERT INTO dnc_entries (phone, campaign_id, source, created_at, expires_at) VALUES (@phone, @campaignId, @source, @now, @expiresAt)
            """;

        public const string Renew = "UPDATE dnc_entries SET source = COALESCE(@source, source), expires_at = @expiresAt WHERE id = @id";

        public const string Delete = "DELETE FROM dnc_entries WHERE phone = @phone AND campaign_id = @campaignId";

        public const string CountActive = """
            SELECT COUNT(*) FROM dnc_entries
            WHERE phone = @phone AND campaign_id IN (0, @campaignId) AND (expires_at IS NULL OR expires_at > @now)
            """;

        // Contacts not yet done: new, waiting for a retry or a callback. One being dialled now is re-checked by the engine.
        private const string Markable = $"state IN ({ContactState.DialableSql})";

        public const string MarkCampaign = $"""
            UPDATE contacts SET state = @dnc, updated_at = @now
            WHERE campaign_id = @campaignId AND phone = @phone AND {Markable}
            """;

        // campaign_id IN (…) lets the (campaign_id, phone) index find the number in each campaign.
        public const string MarkAllCampaigns = $"""
            UPDATE contacts SET state = @dnc, updated_at = @now
            WHERE campaign_id IN (SELECT id FROM campaigns) AND phone = @phone AND {Markable}
            """;

        private const string NotCoveredElsewhere = """
            NOT EXISTS (SELECT 1 FROM dnc_entries d WHERE d.phone = contacts.phone AND d.campaign_id IN (0, contacts.campaign_id)
                        AND (d.expires_at IS NULL OR d.expires_at > @now))
            """;

        public const string RestoreCampaign = $"""
            UPDATE contacts SET state = @fresh, updated_at = @now
            WHERE campaign_id = @campaignId AND phone = @phone AND state = @dnc AND {NotCoveredElsewhere}
            """;

        public const string RestoreAllCampaigns = $"""
            UPDATE contacts SET state = @fresh, updated_at = @now
            WHERE campaign_id IN (SELECT id FROM campaigns) AND phone = @phone AND state = @dnc AND {NotCoveredElsewhere}
            """;

        public const string Count = $"SELECT COUNT(*) FROM dnc_entries WHERE {Filter}";

        public static readonly DialectSql List = new(
            Sqlite: $"SELECT {Columns} FROM dnc_entries WHERE {Filter} ORDER BY id DESC LIMIT @limit OFFSET @offset",
            SqlServer: $"SELECT {Columns} FROM dnc_entries WHERE {Filter} ORDER BY id DESC OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY",
            Postgres: $"SELECT {Columns} FROM dnc_entries WHERE {Filter} ORDER BY id DESC LIMIT @limit OFFSET @offset");
    }
}
