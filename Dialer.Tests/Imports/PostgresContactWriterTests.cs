using System.Text;
using Dapper;
using Dialer.Db;
using Dialer.Db.Imports;
using Dialer.Tests.Db;
using Npgsql;

namespace Dialer.Tests.Imports;

/// <summary>The PostgreSQL bulk path of an import (binary COPY), on a fresh database of DIALER_TEST_POSTGRES's server.</summary>
public sealed class PostgresContactWriterTests
{
    private const string Config = """{"name":"c","type":"care","mode":"progressive","defaultCountry":"CN","timeZone":"Asia/Shanghai"}""";

    [PostgresFact]
    public async Task AnImportCopiesItsContactsAndRowErrorsOverSeveralCommitsAndEndsCompleted()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Postgres);
        var campaign = await CampaignAsync(db);
        var store = new ImportStore(db.Factory, TimeProvider.System);
        var files = new ImportFiles(db.Options);
        var id = await store.CreateAsync(ImportKinds.Contacts, campaign, "big.csv", "test", CancellationToken.None);
        var csv = new StringBuilder("姓名,电话,账号\n");
        for (var i = 0; i < 10_000; i++)
        {
            csv.Append($"客户{i},139{i:D8},{(i % 2 == 0 ? $"A{i}" : "")}\n");
        }

        csv.Append("坏号码,12,\n");          // invalid
        csv.Append("重复,13900000007,\n");   // a repeat of the number of i = 7
        await File.WriteAllTextAsync(files.CsvPath(id), csv.ToString());
        var importer = new ContactImporter(db.Factory, store, files, TimeProvider.System) { CommitEvery = 3_000 };

        var counts = await importer.RunAsync(new ImportJob(id, ImportKinds.Contacts, campaign, "utf-8", null, null), CancellationToken.None);

        Assert.Equal((10_002L, 10_000L, 1L, 1L), (counts.Total, counts.Imported, counts.Invalid, counts.Duplicates));
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        Assert.Equal(10_000L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaign", new { campaign }));
        var row = await c.QuerySingleAsync<(string Name, string Phone, string TimeZone, string? Account, string State)>(
            "SELECT name, phone, time_zone, account_id, state FROM contacts WHERE campaign_id = @campaign AND phone = '+8613900000004'", new { campaign });
        Assert.Equal(("客户4", "+8613900000004", "Asia/Shanghai", "A4", "new"), row);
        Assert.Null(await c.ExecuteScalarAsync<string?>("SELECT account_id FROM contacts WHERE campaign_id = @campaign AND phone = '+8613900000005'", new { campaign }));
        Assert.Equal(["duplicate", "invalid"], (await c.QueryAsync<string>("SELECT kind FROM import_errors WHERE import_id = @id ORDER BY kind", new { id })).ToList());
        var import = await store.GetAsync(id, CancellationToken.None);
        Assert.Equal((ImportStatus.Completed, 10_000L), (import!.Status, import.Imported));
    }

    [PostgresFact]
    public async Task ANumberInsertedMeanwhileBySomeoneElseFailsTheCheckpointAndNoneOfItsRowsStay()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Postgres);
        var campaign = await CampaignAsync(db);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        var list = await c.ExecuteScalarAsync<long>(
            "INSERT INTO call_lists (campaign_id, name, source, created_at) VALUES (@campaign, 'l', 'import', 0) RETURNING id", new { campaign });
        // The number reaches the campaign after the import read its existing numbers (as a billing push would).
        await c.ExecuteAsync(
            "INSERT INTO contacts (campaign_id, phone, time_zone, state, created_at, updated_at) VALUES (@campaign, '+8613100000005', 'Asia/Shanghai', 'new', 0, 0)",
            new { campaign });
        var chunk = await ChunkAsync(20);

        var conflicts = new List<int>();
        await using (var writer = await PostgresContactWriter.OpenAsync(db.Factory, importId: 0, campaign, list, now: 1, CancellationToken.None))
        {
            writer.Insert(chunk, Enumerable.Range(0, chunk.RowCount).ToList(), conflicts);
            var e = await Assert.ThrowsAsync<PostgresException>(() => writer.CheckpointAsync(new ImportCounts(), completedAt: 2, CancellationToken.None));
            Assert.Equal(PostgresErrorCodes.UniqueViolation, e.SqlState);
        }

        Assert.Empty(conflicts);
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE list_id = @list", new { list }));
    }

    private static async Task<long> CampaignAsync(TestDatabase db)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>(
            "INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at) VALUES ('c', 'care', 'progressive', 'draft', @config, 0, 0, 0) RETURNING id",
            new { config = Config });
    }

    /// <summary>A normalised chunk of <paramref name="rows"/> Chinese mobile numbers, 13100000000 onwards.</summary>
    private static async Task<ImportChunk> ChunkAsync(int rows)
    {
        var csv = new StringBuilder("phone\n");
        for (var i = 0; i < rows; i++)
        {
            csv.Append($"131{i:D8}\n");
        }

        var chunk = new ImportChunk();
        var reader = new CsvBatchReader(new StringReader(csv.ToString()));
        await reader.ReadBatchAsync(chunk.Csv, 1, CancellationToken.None);
        var (columns, _) = ImportColumns.Resolve(["phone"], null);
        await reader.ReadBatchAsync(chunk.Csv, ContactImporter.BatchRows, CancellationToken.None);
        new ContactNormalizer(columns!, "CN", "Asia/Shanghai", new HashSet<long>(), new Dictionary<long, bool>()).Process(chunk);
        Assert.Equal(rows, chunk.RowCount);
        return chunk;
    }
}
