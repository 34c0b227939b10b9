using System.Net;
using System.Net.Http.Headers;
using Dialer.Tests.Api;

namespace Dialer.Tests.Jobs;

/// <summary>
/// /jobs on PostgreSQL before any Worker has started: Hangfire's tables are not there yet (the Worker makes them), and the
/// dashboard answered 500 (found by scripts/security-check's role matrix on PostgreSQL); it says why, with 503.
/// </summary>
public sealed class JobsDashboardOnPostgresTests(PostgresApiFactory factory) : IClassFixture<PostgresApiFactory>
{
    [ApiFact]
    public async Task BeforeAWorkerHasMadeItsTablesTheDashboardSaysSoWith503()
    {
        var admin = await factory.Admin().GetAsync("/jobs");
        var page = await factory.Admin().GetAsync("/jobs/recurring");
        var anonymous = await factory.CreateClient().GetAsync("/jobs");
        var (manager, _) = await factory.ClientWithRoleAsync("manager");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, admin.StatusCode);
        Assert.Contains("Worker", await admin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/jobs")).StatusCode);
    }
}
