using System.Net;
using System.Net.Http.Headers;
using Dapper;
using Dialer.Api.Jobs;
using Dialer.Tests.Api;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace Dialer.Tests.Jobs;

/// <summary>/jobs on the embedded database (the job store in the Worker's memory): who may see it, and what it shows.</summary>
public sealed class JobsDashboardTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task AnApiClientWithoutASessionGets401()
    {
        var response = await factory.ClientWith(null).GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("dk_not_a_real_key_at_all_00000")]
    [InlineData("ds_not_a_real_session_token_000")]
    public async Task AnApiClientWithAWrongBearerGets401EvenAskingForHtml(string token)
    {
        var client = NoRedirects();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        var response = await client.GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ABrowserWithoutASessionIsSentToSignIn()
    {
        var browser = NoRedirects();
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        var response = await browser.GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=%2Fjobs", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("manager")]
    [InlineData("billing")]
    public async Task OtherRolesKeysGet403AndNoWorkerData(string role)
    {
        var workerId = await InsertWorkerAsync(heartbeatAgo: TimeSpan.FromSeconds(1));
        var (client, _) = await factory.ClientWithRoleAsync(role);

        var response = await client.GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(workerId, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("manager")]
    [InlineData("agent")]
    public async Task OtherRolesSessionsGet403AlsoInABrowser(string role)
    {
        var (client, _) = await factory.SignedInUserAsync(role);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/jobs")).StatusCode);

        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/jobs")).StatusCode);
    }

    [Fact]
    public async Task AdminSeesThatTheJobStoreIsInTheWorkersMemoryAndTheWorkersOfTheDatabase()
    {
        var live = await InsertWorkerAsync(heartbeatAgo: TimeSpan.FromSeconds(2));
        var silent = await InsertWorkerAsync(heartbeatAgo: TimeSpan.FromMinutes(5));
        var stopped = await InsertWorkerAsync(heartbeatAgo: TimeSpan.FromMinutes(1), stopped: true);
        var gone = await InsertWorkerAsync(heartbeatAgo: TimeSpan.FromDays(2));
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        await ExecuteAsync(
            "INSERT INTO campaign_leases (campaign_id, owner, epoch, expires_at, taken_at, renewed_at) VALUES (@campaignId, @owner, 4, @expires, @taken, @taken)",
            new { campaignId = 424242L, owner = live, expires = now + 10_000, taken = now - 60_000 });

        var response = await factory.Admin().GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"in-process\"", html, StringComparison.Ordinal);
        Assert.Contains("The job store is in the Worker&#x27;s memory", html, StringComparison.Ordinal);
        Assert.Contains("Hangfire.InMemory", html, StringComparison.Ordinal);
        Assert.Equal("Live", Cell(html, live, "live"));
        Assert.Equal("Silent", Cell(html, silent, "live"));
        Assert.Equal("Stopped", Cell(html, stopped, "live"));
        Assert.Equal("In memory (Hangfire.InMemory)", Cell(html, live, "storage"));
        Assert.Contains("<td>host-" + live + "</td>", html, StringComparison.Ordinal);
        Assert.Contains(">4242</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(gone, html, StringComparison.Ordinal);
        Assert.Contains("data-lease=\"424242\"", html, StringComparison.Ordinal);
        Assert.Contains("#424242", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminSignedInInChineseReadsThePageInChinese()
    {
        var (client, _) = await factory.SignedInUserAsync("admin");
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");

        var html = await client.GetStringAsync("/jobs");

        Assert.Contains("任务存储在 Worker 进程内存中", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/jobs\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConsoleLinksToJobsForAdminsOnly()
    {
        var (manager, _) = await factory.SignedInUserAsync("manager");
        var html = await manager.GetStringAsync("/campaigns");

        Assert.Contains("href=\"/dnc\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/jobs\"", html, StringComparison.Ordinal);
    }

    private HttpClient NoRedirects() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A row in workers as a Worker writes it; answers its (unique) id.</summary>
    private async Task<string> InsertWorkerAsync(TimeSpan heartbeatAgo, bool stopped = false)
    {
        factory.Admin(); // the Api has started, so the database is migrated
        var id = "worker-" + Guid.NewGuid().ToString("N")[..10];
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var heartbeat = now - (long)heartbeatAgo.TotalMilliseconds;
        await ExecuteAsync(
            """
            INSERT INTO workers (worker_id, host, process_id, started_at, heartbeat_at, job_storage, stopped_at)
            VALUES (@id, @host, 4242, @started, @heartbeat, 'inmemory', @stoppedAt)
            """,
            new { id, host = "host-" + id, started = heartbeat - 600_000, heartbeat, stoppedAt = stopped ? heartbeat : (long?)null });
        return id;
    }

    private async Task ExecuteAsync(string sql, object args)
    {
        await using var c = new SqliteConnection($"Data Source={Path.Combine(factory.DataDir, "dialer.db")}");
        await c.ExecuteAsync(sql, args);
    }

    /// <summary>The text of the cell with data-testid <paramref name="testId"/> in the worker's row.</summary>
    private static string Cell(string html, string workerId, string testId)
    {
        var row = html[html.IndexOf($"data-worker=\"{workerId}\"", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        var cell = row[row.IndexOf($"data-testid=\"{testId}\"", StringComparison.Ordinal)..];
        cell = cell[(cell.IndexOf('>') + 1)..];
        return cell[..cell.IndexOf('<')].Trim();
    }
}
