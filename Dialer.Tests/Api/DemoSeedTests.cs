using System.Net;
using System.Net.Http.Json;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;

namespace Dialer.Tests.Api;

/// <summary>The Api with DIALER_DEMO=1, as scripts/run starts it when no trunk is configured.</summary>
public class DemoApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["DIALER_DEMO"] = "1" };
}

public sealed class DemoApiFactoryOnPostgres : DemoApiFactory, IOnPostgres;

public class DemoSeedTests(DemoApiFactory factory) : IClassFixture<DemoApiFactory>
{
    [ApiFact]
    public async Task FirstStartSeedsARunningCampaignWhoseListImportsOnce()
    {
        var admin = factory.Admin();
        var campaigns = (await admin.GetFromJsonAsync<JsonElement>("/api/campaigns")).EnumerateArray().ToList();
        Assert.Equal(2, campaigns.Count);
        Assert.All(campaigns, c => Assert.Equal("running", c.GetProperty("status").GetString()));
        var campaign = Assert.Single(campaigns, c => c.GetProperty("mode").GetString() == "predictive");
        var id = campaign.GetProperty("id").GetInt64();
        var survey = Assert.Single(campaigns, c => c.GetProperty("mode").GetString() == "agentless");

        var import = await ImportedAsync(admin, 1);
        Assert.Equal("completed", import.GetProperty("status").GetString());
        Assert.Equal(2000, import.GetProperty("imported").GetInt32());
        Assert.Equal(3, import.GetProperty("invalid").GetInt32());

        // The runner saw the import twice (start-up recovery and the seed's own enqueue): it must stay completed.
        await Task.Delay(500);
        var again = await admin.GetFromJsonAsync<JsonElement>("/api/imports/1");
        Assert.Equal("completed", again.GetProperty("status").GetString());
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
        Assert.Equal(2000, detail.GetProperty("contacts").GetProperty("total").GetInt32());

        var surveyImport = await ImportedAsync(admin, 2);
        Assert.Equal("completed", surveyImport.GetProperty("status").GetString());
        Assert.Equal(Dialer.Api.Demo.DemoSeed.SurveyContacts, surveyImport.GetProperty("imported").GetInt32());
        var surveyDetail = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{survey.GetProperty("id").GetInt64()}");
        Assert.Equal(Dialer.Api.Demo.DemoSeed.SurveyContacts, surveyDetail.GetProperty("contacts").GetProperty("total").GetInt32());

        var login = await factory.ClientWith(null).PostAsJsonAsync("/api/auth/login", new { username = "agent1", password = Dialer.Api.Demo.DemoSeed.AgentPassword });
        Assert.True(login.IsSuccessStatusCode);
    }

    [ApiFact]
    public async Task EverySeededCampaignValidatesAndCanBePausedAndResumed()
    {
        var admin = factory.Admin();
        var validator = factory.Services.GetRequiredService<IValidator<CampaignDefinition>>();
        var store = factory.Services.GetRequiredService<CampaignStore>();
        var campaigns = (await admin.GetFromJsonAsync<JsonElement>("/api/campaigns")).EnumerateArray().ToList();
        Assert.NotEmpty(campaigns);
        foreach (var id in campaigns.Select(c => c.GetProperty("id").GetInt64()))
        {
            var record = await store.GetAsync(id, CancellationToken.None);
            var check = await validator.ValidateAsync(record!.Definition);
            Assert.True(check.IsValid, string.Join(" ", check.Errors.Select(e => e.ErrorMessage)));
            // Simulated carrier only, so that it dials at any hour without breaking a country's calling hours.
            Assert.Equal(ComplianceProfile.Sim.Code, record.Definition.ComplianceProfile);

            var pause = await admin.PostAsync($"/api/campaigns/{id}/pause", null);
            Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
            var resume = await admin.PostAsync($"/api/campaigns/{id}/start", null);
            Assert.True(resume.StatusCode == HttpStatusCode.OK, await resume.Content.ReadAsStringAsync());
        }
    }

    private static async Task<JsonElement> ImportedAsync(HttpClient admin, long id)
    {
        JsonElement import = default;
        for (var i = 0; i < 200; i++)
        {
            import = await admin.GetFromJsonAsync<JsonElement>($"/api/imports/{id}");
            if (import.GetProperty("status").GetString() is "completed" or "failed")
            {
                break;
            }

            await Task.Delay(100);
        }

        return import;
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class DemoSeedTestsOnPostgres(DemoApiFactoryOnPostgres factory) : DemoSeedTests(factory), IClassFixture<DemoApiFactoryOnPostgres>;

/// <summary>The Api with a SIP trunk configured: a campaign under the SIM profile may be created but not started.</summary>
public sealed class TrunkApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Telephony:Trunk:Host"] = "sip.example.net" };
}

public sealed class SimulatedProfileTests(TrunkApiFactory factory) : IClassFixture<TrunkApiFactory>
{
    [ApiFact]
    public async Task ASimulatedOnlyCampaignDoesNotStartWhenARealTrunkIsConfigured()
    {
        var admin = factory.Admin();
        var created = await admin.PostAsJsonAsync("/api/campaigns", new
        {
            name = "sim only",
            type = "care",
            mode = "progressive",
            defaultCountry = "CN",
            timeZone = "Asia/Shanghai",
            complianceProfile = "SIM",
            callingWindow = new { start = "00:00", end = "23:59" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var start = await admin.PostAsync($"/api/campaigns/{id}/start", null);
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        Assert.Contains("simulated carrier only", (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
