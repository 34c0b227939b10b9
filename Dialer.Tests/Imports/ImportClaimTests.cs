using Dapper;
using Dialer.Api.Imports;
using Dialer.Db;
using Dialer.Db.Campaigns;
using Dialer.Db.Imports;
using Dialer.Db.Migrations;
using Dialer.Db.Reminders;
using Dialer.Tests.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dialer.Tests.Imports;

/// <summary>Several Api instances on one database: an import runs in one instance only and is taken over when that instance dies.</summary>
public sealed class ImportClaimTests
{
    [Fact]
    public async Task AnImportRunsInOneInstanceAndAnotherTakesItOverWhenItsClaimGoesStale()
    {
        var folder = Path.Combine(Path.GetTempPath(), "dialer-tests", Guid.NewGuid().ToString("N"));
        var db = new DbConnectionFactory(new DbOptions { Provider = "sqlite", DataDir = folder });
        await new MigrationRunner(db, TimeProvider.System).ApplyAsync(CancellationToken.None);
        var store = new ImportStore(db, TimeProvider.System);
        var ct = CancellationToken.None;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // Claims: one instance at a time; the same instance after a restart at once; another only once the claim is stale.
        var id0 = await store.CreateAsync(ImportKinds.Contacts, null, "a.csv", "test", ct);
        Assert.True(await store.TryClaimAsync(id0, "api-1", now - 30_000, ct));
        Assert.False(await store.TryClaimAsync(id0, "api-2", now - 30_000, ct));
        Assert.True(await store.TryClaimAsync(id0, "api-1", now - 30_000, ct));
        Assert.True(await store.TryClaimAsync(id0, "api-2", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1_000, ct));
        await store.ReleaseClaimAsync(id0, "api-2", ct);
        await store.FailAsync(id0, "test", ct);

        // An import that instance api-1 began (list made, some rows written) when it died.
        var campaigns = new CampaignStore(db, TimeProvider.System, new ReminderStore(db, TimeProvider.System));
        var campaign = await campaigns.CreateAsync(EngineHarness.Campaign(d => d with { DefaultCountry = "CN", ComplianceProfile = "CN" }), ct);
        var id = await store.CreateAsync(ImportKinds.Contacts, campaign.Id, "list.csv", "test", ct);
        var files = new ImportFiles(new DbOptions { Provider = "sqlite", DataDir = folder });
        var upload = files.NewUploadPath();
        await File.WriteAllTextAsync(upload, "姓名,电话\r\n王芳,13812340001\r\n李强,13812340002\r\n", ct);
        await files.CommitAsync(upload, new ImportJob(id, ImportKinds.Contacts, campaign.Id, "utf-8", "CN", null), ct);
        Assert.True(await store.TryClaimAsync(id, "api-1", now, ct));
        var listId = await store.StartAsync(id, campaign.Id, "list.csv", ct);
        await using (var c = await db.OpenAsync(ct))
        {
            await c.ExecuteAsync("UPDATE import_claims SET heartbeat_at = @old WHERE import_id = @id", new { id, old = now - 60_000 });
            await c.ExecuteAsync("""
                INSERT INTO contacts (campaign_id, list_id, phone, time_zone, state, next_eligible_at, created_at, updated_at)
                VALUES (@campaignId, @listId, '+8613812340001', 'Asia/Shanghai', 'new', 0, 0, 0)
                """, new { campaignId = campaign.Id, listId });
        }

        // Another instance on the same database and data folder starts.
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "sqlite",
            ["Database:DataDir"] = folder,
            ["Imports:InstanceId"] = "api-2",
            ["Imports:ClaimSeconds"] = "10",
        });
        builder.Services.AddDialerDb(builder.Configuration);
        builder.Services.AddDialerImports(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < until && (await store.GetAsync(id, ct))!.Status != ImportStatus.Completed)
            {
                await Task.Delay(200, ct);
            }
        }
        finally
        {
            await host.StopAsync(ct);
        }

        // It ran again from the upload: both rows, once each, nothing left of the dead instance's run but its empty list.
        var done = (await store.GetAsync(id, ct))!;
        Assert.Equal((ImportStatus.Completed, 2L, 2L), (done.Status, done.Total, done.Imported));
        await using var d = await db.OpenAsync(ct);
        Assert.Equal(2L, await d.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE campaign_id = @id", new { id = campaign.Id }));
        Assert.Equal(0L, await d.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE list_id = @listId", new { listId }));
        Assert.Equal(0L, await d.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM import_claims"));
    }
}
