using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Dialer.Api.Auth;
using Dialer.Api.Jobs;
using Dialer.Api.Pages.Account;
using Dialer.Api.Pages.Localization;
using Dialer.Db;
using Dialer.Tests.Db;
using Dialer.Tests.Reminders;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Dialer.Tests.Jobs;

/// <summary>
/// Which /jobs the Api serves follows Database:Provider. The SQL Server branch cannot run here (no server), so it is
/// checked by the endpoints it maps and by parsing its SQL.
/// </summary>
public sealed partial class JobsStorageChoiceTests
{
    [Theory]
    [InlineData("sqlite", JobStore.WorkerMemory)]
    [InlineData("SQLite", JobStore.WorkerMemory)]
    [InlineData("sqlserver", JobStore.SqlServer)]
    [InlineData("SqlServer", JobStore.SqlServer)]
    [InlineData("postgres", JobStore.Postgres)]
    [InlineData("postgresql", JobStore.Postgres)]
    public void TheJobStoreFollowsTheDatabaseProvider(string provider, JobStore expected) =>
        Assert.Equal(expected, JobsDashboard.StoreFor(new DbOptions { Provider = provider }));

    // Nothing listens on port 1: Hangfire's schema detection at start fails at once, and is only logged.
    private const string NoSqlServer = "Server=127.0.0.1,1;Database=dialer;User Id=x;Password=y;Connect Timeout=1;Encrypt=false";

    [Fact]
    public void OnSqlServerHangfiresDashboardAnswersJobsForAdminsAheadOfThePage()
    {
        using var app = BuildApp("sqlserver", NoSqlServer);

        app.MapJobsDashboard();

        var dashboard = Assert.Single(Endpoints(app), e => e.RoutePattern.RawText == "/jobs/{**path}");
        Assert.Equal(-1, dashboard.Order);
        Assert.Contains(dashboard.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == JobsDashboard.Policy);
    }

    [Fact]
    public async Task OnSqlServerTheDashboardsScriptsAndStylesAreServedUnderJobsToAdminsOnly()
    {
        // Hangfire's own pipeline and our policy, with a stand-in for the Dialer scheme (its key store would need the server).
        await using var app = BuildApp("sqlserver", NoSqlServer, roleFromHeader: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapJobsDashboard();
        await app.StartAsync();
        var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/jobs/css18250")).StatusCode);
        using var browser = new HttpRequestMessage(HttpMethod.Get, "/jobs");
        browser.Headers.Accept.ParseAdd("text/html");
        var toLogin = await client.SendAsync(browser);
        Assert.Equal(HttpStatusCode.Redirect, toLogin.StatusCode);
        Assert.Equal("/login?returnUrl=%2Fjobs", toLogin.Headers.Location?.OriginalString);
        foreach (var role in new[] { "manager", "agent", "billing" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(As(role, "/jobs/js18250"))).StatusCode);
        }

        var css = await client.SendAsync(As("admin", "/jobs/css18250"));
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        var js = await client.SendAsync(As("admin", "/jobs/js18250"));
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);

        static HttpRequestMessage As(string role, string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add(RoleFromHeader.Header, role);
            return request;
        }
    }

    [Fact]
    public void OnSqliteNoHangfireIsMappedAndThePageAnswersJobs()
    {
        using var app = BuildApp("sqlite", null);

        app.MapJobsDashboard();

        Assert.DoesNotContain(Endpoints(app), e => e.RoutePattern.RawText?.StartsWith("/jobs", StringComparison.Ordinal) == true);
        Assert.Null(app.Services.GetService<Hangfire.JobStorage>());
        var route = typeof(JobsPage).GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), false);
        Assert.Equal(JobsDashboard.Path, Assert.IsType<Microsoft.AspNetCore.Components.RouteAttribute>(Assert.Single(route)).Template);
        var authorize = Assert.IsType<AuthorizeAttribute>(Assert.Single(typeof(JobsPage).GetCustomAttributes(typeof(AuthorizeAttribute), false)));
        Assert.Equal(JobsDashboard.Policy, authorize.Policy);
    }

    [Fact]
    public void TheDashboardIsReadOnlyAndKeepsTheConnectionStringToItself()
    {
        var options = JobsDashboard.ReadOnlyDashboard();

        Assert.True(options.IsReadOnlyFunc(null!));
        Assert.False(options.DisplayStorageConnectionString);
        Assert.Equal("/", options.AppPath);
    }

    [Fact]
    public void TheQueriesAreValidTransactSql()
    {
        foreach (var sql in new[] { JobsQueries.Sql.Workers, JobsQueries.Sql.Leases })
        {
            new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
            Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => e.Message)) + "\n" + sql);
        }
    }

    [Theory]
    [Dialects]
    public async Task TheQueriesReadWorkersAndLeasesOnEveryDialect(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var time = new ManualClock(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            await Dapper.SqlMapper.ExecuteAsync(c, """
                INSERT INTO workers (worker_id, host, process_id, started_at, heartbeat_at, job_storage, stopped_at)
                VALUES ('w1', 'h1', 11, @started, @now, 'sqlserver', NULL)
                """, new { now, started = now - 1000 });
            await Dapper.SqlMapper.ExecuteAsync(c, """
                INSERT INTO campaign_leases (campaign_id, owner, epoch, expires_at, taken_at, renewed_at)
                VALUES (9, 'w1', 2, @expires, @now, @now)
                """, new { now, expires = now + 10_000 });
        }

        var snapshot = await new JobsQueries(db.Factory, time).SnapshotAsync(CancellationToken.None);

        var worker = Assert.Single(snapshot.Workers);
        Assert.Equal(("w1", "h1", 11L, "sqlserver"), (worker.WorkerId, worker.Host, worker.ProcessId, worker.JobStorage));
        Assert.True(worker.IsLive(now + 30_000));
        Assert.False(worker.IsLive(now + 30_001));
        var lease = Assert.Single(snapshot.Leases);
        Assert.Equal((9L, "w1", 2L, now + 10_000), (lease.CampaignId, lease.Owner, lease.Epoch, lease.ExpiresAt));
        Assert.Null(lease.CampaignName);
    }

    [Theory]
    [Dialects]
    public async Task HangfiresTablesAreSeenOnceAWorkerHasMadeThem(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var queries = new JobsQueries(db.Factory, TimeProvider.System);

        Assert.False(await queries.HangfireInstalledAsync(CancellationToken.None));
        if (dialect == SqlDialect.Sqlite)
        {
            return; // On SQLite the jobs live in the Worker's memory: the Api never asks.
        }

        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            await Dapper.SqlMapper.ExecuteAsync(c, $"CREATE SCHEMA {JobsDashboard.HangfireSchema}");
            await Dapper.SqlMapper.ExecuteAsync(c, $"CREATE TABLE {JobsDashboard.HangfireSchema}.job (id int)");
        }

        Assert.True(await queries.HangfireInstalledAsync(CancellationToken.None));
    }

    [Fact]
    public void EveryTextThePageUsesIsDefined()
    {
        var page = File.ReadAllText(Path.Combine(SourceFolder(), "JobsPage.razor"));
        var keys = KeyUse().Matches(page).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.True(Strings.All.ContainsKey(k), $"{k} has no text"));
        Assert.All(new[] { "inmemory", "sqlserver", "postgres" }, s => Assert.True(Strings.All.ContainsKey("jobStorage." + s)));
    }

    private static WebApplication BuildApp(string provider, string? connectionString, bool roleFromHeader = false)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["Database:Provider"] = provider;
        builder.Configuration["Database:DataDir"] = Path.Combine(Path.GetTempPath(), "dialer-tests", Guid.NewGuid().ToString("N"));
        if (connectionString is not null)
        {
            builder.Configuration["Database:ConnectionString"] = connectionString;
        }

        builder.Services.AddDialerDb(builder.Configuration);
        var authentication = builder.Services.AddAuthentication(DialerAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, PageAuthentication>(PageAuthentication.SchemeName, null);
        if (roleFromHeader)
        {
            authentication.AddScheme<AuthenticationSchemeOptions, RoleFromHeader>(DialerAuthentication.SchemeName, null);
        }
        else
        {
            authentication.AddScheme<AuthenticationSchemeOptions, DialerAuthentication>(DialerAuthentication.SchemeName, null);
        }

        builder.Services.AddJobsDashboard(builder.Configuration);
        return builder.Build();
    }

    private static List<RouteEndpoint> Endpoints(WebApplication app) =>
        [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()];

    private static string SourceFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var jobs = Path.Combine(dir.FullName, "Dialer.Api", "Jobs");
            if (Directory.Exists(jobs))
            {
                return jobs;
            }
        }

        throw new DirectoryNotFoundException("Dialer.Api/Jobs not found above the test binaries.");
    }

    /// <summary>Signs the caller in with the role named in a header: the Dialer scheme's place, without a database.</summary>
    private sealed class RoleFromHeader(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Header = "X-Test-Role";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers.TryGetValue(Header, out var role)
                ? AuthenticateResult.Success(new AuthenticationTicket(
                    new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, role.ToString())], Scheme.Name)), Scheme.Name))
                : AuthenticateResult.NoResult());
    }

    [GeneratedRegex(@"\bT\(""([a-z][A-Za-z0-9]*\.[A-Za-z0-9.]+)""")]
    private static partial Regex KeyUse();
}
