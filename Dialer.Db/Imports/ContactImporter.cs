using System.Threading.Channels;
using Dapper;

namespace Dialer.Db.Imports;

/// <summary>
/// Imports a saved CSV file into a campaign as a pipeline: one reader parses batches off the disk, batches
/// are normalised in parallel (phone, time zone, DNC and existing-number screening, custom fields), and a
/// single writer takes them in file order, drops duplicates within the file and inserts in large
/// transactions. Memory holds a few batches and the set of numbers, never the file.
/// </summary>
public sealed class ContactImporter(DbConnectionFactory db, ImportStore store, ImportFiles files, TimeProvider time)
{
    public const int BatchRows = 8192;

    /// <summary>
    /// Rows between commits: large transactions are much faster (index pages are written once), and the
    /// write lock is let go between them so that the Worker's writes get their turn.
    /// </summary>
    public const int CommitRows = 500_000;

    /// <summary>Rows between commits for this importer (<see cref="CommitRows"/>; smaller in tests).</summary>
    internal int CommitEvery { get; init; } = CommitRows;

    private static readonly int Parallelism = Math.Max(2, Environment.ProcessorCount);

    public async Task<ImportCounts> RunAsync(ImportJob job, CancellationToken ct)
    {
        var campaignId = job.CampaignId ?? throw new InvalidOperationException("a contact import needs a campaign");
        var campaign = await store.CampaignAsync(campaignId, ct) ?? throw new InvalidDataException($"campaign {campaignId} no longer exists");
        var encoding = ImportFiles.ResolveEncoding(job.Encoding) ?? throw new InvalidDataException($"unknown encoding {job.Encoding}");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var row = await store.GetAsync(job.Id, ct);
        var listId = await store.StartAsync(job.Id, campaignId, row?.FileName, ct);
        var (existing, dnc) = await LoadScreensAsync(campaignId, now, ct);

        using var text = ImportFiles.OpenText(files.CsvPath(job.Id), encoding);
        var reader = new CsvBatchReader(text);
        var header = new CsvBatch();
        if (!await reader.ReadBatchAsync(header, 1, ct) || header.Error(0) is not null)
        {
            throw new InvalidDataException("the file has no header row");
        }

        var (columns, error) = ImportColumns.Resolve(
            Enumerable.Range(0, header.Fields(0)).Select(f => header.Field(0, f).ToString()).ToList(), job.PhoneColumn);
        if (columns is null)
        {
            throw new InvalidDataException(error);
        }

        var normalizer = new ContactNormalizer(columns, job.DefaultCountry ?? campaign.DefaultCountry, campaign.TimeZone, existing, dnc);
        // The bulk path is the driver's own: prepared SQLite statements, SqlBulkCopy, PostgreSQL's binary COPY.
        await using IContactWriter writer = db.Dialect switch
        {
            SqlDialect.Sqlite => await SqliteContactWriter.OpenAsync(db, job.Id, campaignId, listId, now, ct),
            SqlDialect.SqlServer => await SqlServerContactWriter.OpenAsync(db, job.Id, campaignId, listId, now, ct),
            SqlDialect.Postgres => await PostgresContactWriter.OpenAsync(db, job.Id, campaignId, listId, now, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(db), db.Dialect, "no bulk writer for this dialect"),
        };

        var counts = new ImportCounts();
        var seen = new Dictionary<long, int>(Math.Max(1024, existing.Count));
        var free = Channel.CreateUnbounded<ImportChunk>();
        for (var i = 0; i < Parallelism + 3; i++)
        {
            free.Writer.TryWrite(new ImportChunk());
        }

        // Tasks enter in file order and are awaited in that order: parallel work, ordered results.
        var pipeline = Channel.CreateBounded<Task<ImportChunk>>(Parallelism + 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() => ProduceAsync(reader, normalizer, free, pipeline.Writer, stop.Token), stop.Token);
        try
        {
            long lastCheckpoint = 0;
            List<int> insert = new(BatchRows), conflicts = [];
            await foreach (var task in pipeline.Reader.ReadAllAsync(stop.Token))
            {
                var chunk = await task;
                Write(chunk, writer, seen, counts, insert, conflicts);
                free.Writer.TryWrite(chunk);
                if (counts.Total - lastCheckpoint >= CommitEvery)
                {
                    await writer.CheckpointAsync(counts, completedAt: null, stop.Token);
                    lastCheckpoint = counts.Total;
                }
            }

            await producer;
            await writer.CheckpointAsync(counts, time.GetUtcNow().ToUnixTimeMilliseconds(), stop.Token);
        }
        catch
        {
            await stop.CancelAsync();
            await producer.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            throw;
        }

        return counts;
    }

    private static async Task ProduceAsync(
        CsvBatchReader reader, ContactNormalizer normalizer, Channel<ImportChunk> free, ChannelWriter<Task<ImportChunk>> output, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var chunk = await free.Reader.ReadAsync(ct);
                chunk.Reset();
                if (!await reader.ReadBatchAsync(chunk.Csv, BatchRows, ct))
                {
                    break;
                }

                await output.WriteAsync(Task.Run(() => { normalizer.Process(chunk); return chunk; }, ct), ct);
            }

            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
        }
    }

    private static void Write(ImportChunk chunk, IContactWriter writer, Dictionary<long, int> seen, ImportCounts counts, List<int> insert, List<int> conflicts)
    {
        counts.Total += chunk.Csv.Count - chunk.Empty;
        counts.Invalid += chunk.Invalid;
        counts.Duplicates += chunk.Duplicates;
        counts.Dnc += chunk.Dnc;
        foreach (var error in chunk.Errors)
        {
            writer.Error(error);
        }

        insert.Clear();
        conflicts.Clear();
        for (var i = 0; i < chunk.RowCount; i++)
        {
            ref readonly var row = ref chunk.Rows[i];
            if (seen.TryAdd(row.Key, row.Line))
            {
                insert.Add(i);
            }
            else
            {
                counts.Duplicates++;
                writer.Error(new RowError(row.Line, RowKinds.Duplicate, RowReasons.DuplicateOf(row.Phone, seen[row.Key]), ContactNormalizer.Raw(chunk.Csv, row.Record)));
            }
        }

        writer.Insert(chunk, insert, conflicts);
        counts.Imported += insert.Count - conflicts.Count;
        counts.Duplicates += conflicts.Count;
        foreach (var i in conflicts)
        {
            ref readonly var row = ref chunk.Rows[i];
            writer.Error(new RowError(row.Line, RowKinds.Duplicate, RowReasons.AlreadyInCampaign(row.Phone), ContactNormalizer.Raw(chunk.Csv, row.Record)));
        }
    }

    /// <summary>The campaign's numbers and the active DNC numbers (global and the campaign's), each read once.</summary>
    private async Task<(HashSet<long> Existing, Dictionary<long, bool> Dnc)> LoadScreensAsync(long campaignId, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var existing = new HashSet<long>();
        await using (var reader = await c.ExecuteReaderAsync(new CommandDefinition(ImportStore.Sql.ExistingPhones, new { campaignId }, cancellationToken: ct)))
        {
            while (await reader.ReadAsync(ct))
            {
                existing.Add(ContactNormalizer.Key(reader.GetString(0)));
            }
        }

        var dnc = new Dictionary<long, bool>();
        foreach (var (phone, campaign) in await c.QueryAsync<(string, long)>(new CommandDefinition(ImportStore.Sql.ActiveDnc, new { campaignId, now }, cancellationToken: ct)))
        {
            var key = ContactNormalizer.Key(phone);
            dnc[key] = dnc.GetValueOrDefault(key) || campaign == 0;
        }

        return (existing, dnc);
    }
}
