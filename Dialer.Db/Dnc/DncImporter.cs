using System.Data.Common;
using System.Globalization;
using Dapper;
using Dialer.Db.Imports;
using Dialer.Db.Phones;

namespace Dialer.Db.Dnc;

/// <summary>
/// Bulk DNC import from CSV: a phone column (found like the contacts import), optional source and expiry
/// columns. Each row is added (or renewed) and takes matching contacts out of dialling, with the same
/// per-row report as contacts: invalid numbers, duplicates within the file and numbers already listed.
/// </summary>
public sealed class DncImporter(DbConnectionFactory db, DncStore dnc, ImportStore store, ImportFiles files)
{
    private const int CommitRows = 5000;

    public async Task<ImportCounts> RunAsync(ImportJob job, CancellationToken ct)
    {
        var encoding = ImportFiles.ResolveEncoding(job.Encoding) ?? throw new InvalidDataException($"unknown encoding {job.Encoding}");
        var campaignId = job.CampaignId ?? DncStore.Global;
        var country = job.DefaultCountry ?? "CN";
        await store.StartAsync(job.Id, null, null, ct);

        using var text = ImportFiles.OpenText(files.CsvPath(job.Id), encoding);
        var reader = new CsvBatchReader(text);
        var batch = new CsvBatch();
        if (!await reader.ReadBatchAsync(batch, 1, ct) || batch.Error(0) is not null)
        {
            throw new InvalidDataException("the file has no header row");
        }

        var (columns, error) = ImportColumns.Resolve(
            Enumerable.Range(0, batch.Fields(0)).Select(f => batch.Field(0, f).ToString()).ToList(), job.PhoneColumn, customFields: false);
        if (columns is null)
        {
            throw new InvalidDataException(error);
        }

        var counts = new ImportCounts();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var c = await db.OpenAsync(ct);
        var tx = await c.BeginTransactionAsync(ct);
        try
        {
            var pending = 0;
            while (await reader.ReadBatchAsync(batch, ContactImporter.BatchRows, ct))
            {
                var now = dnc.Now();
                for (var r = 0; r < batch.Count; r++)
                {
                    if (batch.IsEmpty(r))
                    {
                        // A row of empty fields is a blank line.
                        continue;
                    }

                    counts.Total++;
                    var rejection = await RowAsync(batch, r, columns, country, campaignId, seen, c, tx, now, counts, ct);
                    if (rejection is { } e)
                    {
                        await c.ExecuteAsync(new CommandDefinition(ImportStore.Sql.InsertError,
                            new { id = job.Id, row = e.Line, kind = e.Kind, reason = e.Reason, raw = e.Raw, code = e.Code, reasonZh = e.ReasonZh }, tx, cancellationToken: ct));
                    }

                    if (++pending >= CommitRows)
                    {
                        await CheckpointAsync(c, tx, job.Id, counts, ct);
                        await tx.DisposeAsync();
                        tx = await c.BeginTransactionAsync(ct);
                        pending = 0;
                    }
                }
            }

            await CheckpointAsync(c, tx, job.Id, counts, ct);
        }
        finally
        {
            await tx.DisposeAsync();
        }

        await store.CompleteAsync(job.Id, counts, ct);
        return counts;
    }

    private async Task<RowError?> RowAsync(
        CsvBatch batch, int r, ImportColumns columns, string country, long campaignId, Dictionary<string, int> seen,
        DbConnection c, DbTransaction tx, long now, ImportCounts counts, CancellationToken ct)
    {
        var line = batch.Line(r);
        RowError Invalid(RowReason reason, string raw)
        {
            counts.Invalid++;
            return new RowError(line, RowKinds.Invalid, reason, raw);
        }

        if (batch.Error(r) is { } malformed)
        {
            return Invalid(RowReasons.Malformed(malformed, batch.ErrorZh(r)), batch.Field(r, 0).ToString());
        }

        var raw = ContactNormalizer.Raw(batch, r);
        if (!columns.Fits(batch, r))
        {
            return Invalid(RowReasons.Columns(batch.Fields(r), columns.Count), raw);
        }

        var phone = PhoneNumbers.Normalize(batch.Field(r, columns.Phone), country);
        if (!phone.Ok)
        {
            return Invalid(RowReasons.Phone(phone), raw);
        }

        long? expiresAt = null;
        if (columns.Expires >= 0 && !batch.Field(r, columns.Expires).Trim().IsEmpty)
        {
            var given = batch.Field(r, columns.Expires).Trim();
            if (!DateTimeOffset.TryParse(given, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return Invalid(RowReasons.Expiry(ContactNormalizer.Short(given)), raw);
            }

            expiresAt = at.ToUnixTimeMilliseconds();
        }

        if (!seen.TryAdd(phone.E164!, line))
        {
            counts.Duplicates++;
            return new RowError(line, RowKinds.Duplicate, RowReasons.DuplicateOf(phone.E164!, seen[phone.E164!]), raw);
        }

        var source = columns.Source >= 0 && !batch.Field(r, columns.Source).Trim().IsEmpty ? batch.Field(r, columns.Source).Trim().ToString() : "import";
        var previous = await c.QuerySingleOrDefaultAsync<DncEntry>(new CommandDefinition(
            DncStore.Sql.Find, new { phone = phone.E164, campaignId }, tx, cancellationToken: ct));
        if (previous is not null && (previous.ExpiresAt is null || previous.ExpiresAt > now) && previous.ExpiresAt == expiresAt)
        {
            counts.Duplicates++;
            return new RowError(line, RowKinds.Duplicate, RowReasons.AlreadyOnList(phone.E164!), raw);
        }

        await dnc.AddAsync(c, tx, phone.E164!, campaignId, source, expiresAt, now, ct);
        counts.Imported++;
        return null;
    }

    private static async Task CheckpointAsync(DbConnection c, DbTransaction tx, long id, ImportCounts counts, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(ImportStore.Sql.Progress, new
        {
            id, total = counts.Total, imported = counts.Imported, duplicates = counts.Duplicates, invalid = counts.Invalid, dnc = counts.Dnc,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }
}
