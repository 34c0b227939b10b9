using System.Text.RegularExpressions;
using Dialer.Api.Auth;
using Dialer.Api.Jobs;
using Dialer.Api.Pages.Localization;
using Dialer.Db;
using Dialer.Tests.Db;
using Dialer.Tests.Reminders;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
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
    public void TheJobStoreFollowsTheDatabaseProvider(string provider, JobStore expected) =>
        Assert.Equal(expected, JobsDashboard.StoreFor(new DbOptions { Provider = provider }));

    [Fact]
    public void OnSqlServerHangfiresDashboardAnswersJobsForAdminsAheadOfThePage()
    {
        // Nothing listens on port 1: Hangfire's schema detection at start fails at once, and is only logged.
        using var app = BuildApp("sqlserver", "Server=127.0.0.1,1;Database=dialer;User Id=x;Password=y;Connect Timeout=1;Encrypt=false");

        app.MapJobsDashboard();

        var dashboard = Assert.Single(Endpoints(app), e => e.RoutePattern.RawText == "/jobs/{**path}");
        Assert.Equal(-1, dashboard.Order);
        Assert.Contains(dashboard.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == JobsDashboard.Policy);
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

    [Fact]
    public void EveryTextThePageUsesIsDefined()
    {
        var page = File.ReadAllText(Path.Combine(SourceFolder(), "JobsPage.razor"));
        var keys = KeyUse().Matches(page).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.True(Strings.All.ContainsKey(k), $"{k} has no text"));
        Assert.All(new[] { "inmemory", "sqlserver", "postgres" }, s => Assert.True(Strings.All.ContainsKey("jobStorage." + s)));
    }

    private static WebApplication BuildApp(string provider, string? connectionString)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Database:Provider"] = provider;
        builder.Configuration["Database:DataDir"] = Path.Combine(Path.GetTempPath(), "dialer-tests", Guid.NewGuid().ToString("N"));
        if (connectionString is not null)
        {
            builder.Configuration["Database:ConnectionString"] = connectionString;
        }

        builder.Services.AddDialerDb(builder.Configuration);
        builder.Services.AddAuthentication(DialerAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, DialerAuthentication>(DialerAuthentication.SchemeName, null);
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

    [GeneratedRegex(@"\bT\(""([a-z][A-Za-z0-9]*\.[A-Za-z0-9.]+)""")]
    private static partial Regex KeyUse();
}
