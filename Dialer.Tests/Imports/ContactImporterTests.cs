using System.Text;
using Dapper;
using Dialer.Db;
using Dialer.Db.Imports;
using Dialer.Tests.Db;

namespace Dialer.Tests.Imports;

/// <summary>The importer on a real SQLite file, with commits every few thousand rows instead of every half million.</summary>
public sealed class ContactImporterTests
{
    [Fact]
    public async Task ManyCommitsWithTheWalCopiedBesideTheWriterLoseNothingAndEndCompleted()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Sqlite);
        long campaign;
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            campaign = await c.ExecuteScalarAsync<long>(
                "INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at) VALUES ('c', 'care', 'progressive', 'draft', @config, 0, 0, 0) RETURNING id",
                new { config = """{"name":"c","type":"care","mode":"progressive","defaultCountry":"CN","timeZone":"Asia/Shanghai"}""" });
        }

        var store = new ImportStore(db.Factory, TimeProvider.System);
        var files = new ImportFiles(db.Options);
        var id = await store.CreateAsync(ImportKinds.Contacts, campaign, "big.csv", "test", CancellationToken.None);
        var csv = new StringBuilder("姓名,电话\n");
        for (var i = 0; i < 30_000; i++)
        {
            csv.Append($"客户{i},139{i:D8}\n");
        }

        await File.WriteAllTextAsync(files.CsvPath(id), csv.ToString());
        var importer = new ContactImporter(db.Factory, store, files, TimeProvider.System) { CommitEvery = 4_000 };

        var counts = await importer.RunAsync(new ImportJob(id, ImportKinds.Contacts, campaign, "utf-8", null, null), CancellationToken.None);

        Assert.Equal((30_000L, 30_000L), (counts.Total, counts.Imported));
        await using var check = await db.Factory.OpenAsync(CancellationToken.None);
        Assert.Equal(30_000L, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaign", new { campaign }));
        Assert.Equal("completed", await check.ExecuteScalarAsync<string>("SELECT status FROM imports WHERE id = @id", new { id }));
        Assert.Equal(30_000L, await check.ExecuteScalarAsync<long>("SELECT imported FROM imports WHERE id = @id", new { id }));
        Assert.Equal("ok", await check.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
    }

    [Theory]
    [Dialects]
    public async Task AFailureAfterTheImportCompletedLeavesItCompleteWithItsContacts(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new ImportStore(db.Factory, TimeProvider.System);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        var campaign = await c.ExecuteScalarAsync<long>(
            "INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at) VALUES ('c', 'care', 'progressive', 'draft', '{}', 0, 0, 0) RETURNING id");
        var id = await store.CreateAsync(ImportKinds.Contacts, campaign, "a.csv", "test", CancellationToken.None);
        var list = await store.StartAsync(id, campaign, "a.csv", CancellationToken.None);
        await c.ExecuteAsync(
            "INSERT INTO contacts (campaign_id, list_id, phone, time_zone, state, created_at, updated_at) VALUES (@campaign, @list, '+8613900000001', 'Asia/Shanghai', 'new', 0, 0)",
            new { campaign, list });
        await store.CompleteAsync(id, new ImportCounts { Total = 1, Imported = 1 }, CancellationToken.None);

        // As the runner does when something throws after the import (deleting its file, say).
        await store.FailAsync(id, "the file could not be deleted", CancellationToken.None);

        Assert.Equal("completed", await c.ExecuteScalarAsync<string>("SELECT status FROM imports WHERE id = @id", new { id }));
        Assert.Equal(1L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE list_id = @list", new { list }));
    }
}
