using System.Text;
using Dialer.Db;
using Dialer.Db.Imports;
using Dialer.Tests.Api;

namespace Dialer.Tests.Imports;

public sealed class SqliteContactWriterTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task NumbersInsertedMeanwhileBySomeoneElseAreReportedByRowAndTheRestInserted()
    {
        var campaign = await factory.CreateCampaignAsync();
        // Two numbers reach the campaign after the import read its existing numbers (as a billing push would).
        await factory.QueryAsync(
            "INSERT INTO contacts (campaign_id, phone, time_zone, state, created_at, updated_at) VALUES ($c, '+8613100000005', 'Asia/Shanghai', 'new', 0, 0), ($c, '+8613100000070', 'Asia/Shanghai', 'new', 0, 0)",
            ("$c", campaign));

        var csv = new StringBuilder("phone\n");
        for (var i = 0; i < 75; i++)
        {
            csv.Append($"131{i:D8}\n");
        }

        var chunk = new ImportChunk();
        var reader = new CsvBatchReader(new StringReader(csv.ToString()));
        await reader.ReadBatchAsync(chunk.Csv, 1, CancellationToken.None);
        var (columns, _) = ImportColumns.Resolve(["phone"], null);
        await reader.ReadBatchAsync(chunk.Csv, ContactImporter.BatchRows, CancellationToken.None);
        new ContactNormalizer(columns!, "CN", "Asia/Shanghai", new HashSet<long>(), new Dictionary<long, bool>()).Process(chunk);
        Assert.Equal(75, chunk.RowCount);

        var list = (long)(await factory.QueryAsync("INSERT INTO call_lists (campaign_id, name, source, created_at) VALUES ($c, 'l', 'import', 0) RETURNING id", ("$c", campaign)))[0]["id"]!;
        var db = new DbConnectionFactory(new DbOptions { DataDir = factory.DataDir });
        var conflicts = new List<int>();
        await using (var writer = await SqliteContactWriter.OpenAsync(db, importId: 0, campaign, list, now: 1, CancellationToken.None))
        {
            writer.Insert(chunk, Enumerable.Range(0, chunk.RowCount).ToList(), conflicts);
            await writer.CheckpointAsync(new ImportCounts(), completedAt: 2, CancellationToken.None);
        }

        Assert.Equal([5, 70], conflicts.Select(i => chunk.Rows[i].Line - 2));
        var count = (await factory.QueryAsync("SELECT COUNT(*) AS n FROM contacts WHERE campaign_id = $c", ("$c", campaign)))[0]["n"];
        Assert.Equal(75L, count);

        // The connection goes back to the pool as the writer found it: automatic checkpoints on, foreign keys checked.
        await using var next = await db.OpenAsync(CancellationToken.None);
        async Task<long> Pragma(string name)
        {
            await using var pragma = next.CreateCommand();
            pragma.CommandText = $"PRAGMA {name}";
            return (long)(await pragma.ExecuteScalarAsync())!;
        }

        Assert.Equal((1000L, 1L, -2000L), (await Pragma("wal_autocheckpoint"), await Pragma("foreign_keys"), await Pragma("cache_size")));
    }

    [Fact]
    public async Task TheLastCheckpointCompletesTheImportInTheSameTransaction()
    {
        var campaign = await factory.CreateCampaignAsync();
        var import = (long)(await factory.QueryAsync(
            "INSERT INTO imports (kind, campaign_id, status, created_at) VALUES ('contacts', $c, 'running', 0) RETURNING id", ("$c", campaign)))[0]["id"]!;
        var list = (long)(await factory.QueryAsync("INSERT INTO call_lists (campaign_id, name, source, created_at) VALUES ($c, 'l', 'import', 0) RETURNING id", ("$c", campaign)))[0]["id"]!;
        var db = new DbConnectionFactory(new DbOptions { DataDir = factory.DataDir });
        var counts = new ImportCounts { Total = 3, Imported = 2, Invalid = 1 };
        await using (var writer = await SqliteContactWriter.OpenAsync(db, import, campaign, list, now: 1, CancellationToken.None))
        {
            await writer.CheckpointAsync(counts, completedAt: null, CancellationToken.None);
            var between = (await factory.QueryAsync("SELECT status, total FROM imports WHERE id = $i", ("$i", import)))[0];
            Assert.Equal(("running", 3L), ((string)between["status"]!, (long)between["total"]!));
            await writer.CheckpointAsync(counts, completedAt: 1234, CancellationToken.None);
        }

        var done = (await factory.QueryAsync("SELECT status, completed_at, imported, invalid FROM imports WHERE id = $i", ("$i", import)))[0];
        Assert.Equal(("completed", 1234L, 2L, 1L), ((string)done["status"]!, (long)done["completed_at"]!, (long)done["imported"]!, (long)done["invalid"]!));
    }
}
