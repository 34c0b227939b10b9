using System.Net;
using Dialer.Tests.Campaigns;

namespace Dialer.Tests.Api;

/// <summary>
/// Every console page renders for a manager, on SQLite and on PostgreSQL. On PostgreSQL the database reads yield, so a
/// page renders once before its data is there: the agent report failed with 500 on every visit, the campaign editor
/// when a render fell between its two reads (found by scripts/security-check's role matrix).
/// </summary>
public class ConsolePagesTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task EveryConsolePageRendersForAManager()
    {
        var id = (await CampaignBodies.CreateAsync(factory.Admin())).GetProperty("id").GetInt64();
        var manager = await BrowserClient.SignedInAsync(factory, "manager");
        string[] pages =
        [
            "/campaigns", "/campaigns/new", $"/campaigns/{id}/edit", $"/campaigns/{id}/dashboard", $"/campaigns/{id}/contacts",
            $"/campaigns/{id}/import", $"/campaigns/{id}/reports", "/dnc", "/reports/agents", "/reports/agents?day=2026-11-20",
        ];

        var failures = new List<string>();
        foreach (var page in pages)
        {
            // Several times each: a render between two reads happens only sometimes.
            for (var i = 0; i < 5; i++)
            {
                var response = await manager.Http.GetAsync(page);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{page}: {(int)response.StatusCode}");
                    break;
                }
            }
        }

        Assert.Empty(failures);
        Assert.Contains("data-testid=\"csv\"", await manager.Http.GetStringAsync("/reports/agents"), StringComparison.Ordinal);
    }
}

public sealed class ConsolePagesTestsOnPostgres(PostgresApiFactory factory) : ConsolePagesTests(factory), IClassFixture<PostgresApiFactory>;
