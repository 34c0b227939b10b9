using Dapper;
using Microsoft.Data.Sqlite;

namespace Dialer.Tests.Pages;

[Collection(PagesCollection.Name)]
public sealed class JobsPageTests(PagesFixture app)
{
    [Fact]
    public async Task AdminSeesTheWorkersAndLeasesWhileTheJobStoreIsInTheWorkersMemory()
    {
        await app.CreateUserAsync("sun.admin", "孙管理员", "admin");
        var campaignId = await app.CreateCampaignAsync("宁波续约 十二月");
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var c = new SqliteConnection($"Data Source={Path.Combine(app.DataDir, "dialer.db")}"))
        {
            await c.ExecuteAsync(
                """
                INSERT INTO workers (worker_id, host, process_id, started_at, heartbeat_at, job_storage, stopped_at)
                VALUES ('dialer-01-4187', 'dialer-01', 4187, @now - 5400000, @now - 3000, 'inmemory', NULL),
                       ('dialer-01-3920', 'dialer-01', 3920, @now - 86000000, @now - 5460000, 'inmemory', @now - 5460000)
                """,
                new { now });
            await c.ExecuteAsync(
                """
                INSERT INTO campaign_leases (campaign_id, owner, epoch, expires_at, taken_at, renewed_at)
                VALUES (@campaignId, 'dialer-01-4187', 2, @now + 7000, @now - 5390000, @now - 3000)
                """,
                new { campaignId, now });
        }

        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "sun.admin");
        await page.ClickAsync("nav.mainnav a[href='/jobs']");
        await page.WaitForSelectorAsync("[data-testid=in-process]");

        Assert.Contains("Hangfire.InMemory", await page.TextContentAsync("[data-testid=in-process]") ?? "", StringComparison.Ordinal);
        Assert.Equal("Live", (await page.TextContentAsync("tr[data-worker='dialer-01-4187'] [data-testid=live]"))?.Trim());
        Assert.Equal("Stopped", (await page.TextContentAsync("tr[data-worker='dialer-01-3920'] [data-testid=live]"))?.Trim());
        Assert.Contains("宁波续约 十二月", await page.TextContentAsync($"tr[data-lease='{campaignId}']") ?? "", StringComparison.Ordinal);
        await PagesFixture.ShotAsync(page, "jobs", docs: true);

        await page.ClickAsync("[data-testid=language]");
        await page.WaitForSelectorAsync("h2:has-text('任务存储在 Worker 进程内存中')");
        await PagesFixture.ShotAsync(page, "jobs-zh");
    }

    [Fact]
    public async Task AManagerHasNoLinkToJobsAndIsRefused()
    {
        // Users live as long as the collection's Api: a name no other test of the collection uses.
        await app.CreateUserAsync("jobs.manager", "钱经理", "manager");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "jobs.manager");

        Assert.Equal(0, await page.Locator("a[href='/jobs']").CountAsync());
        var response = await page.GotoAsync("/jobs");
        Assert.Equal(403, response?.Status);
        Assert.DoesNotContain("dialer-01", await page.ContentAsync(), StringComparison.Ordinal);
    }
}
