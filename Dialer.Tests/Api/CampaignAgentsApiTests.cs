using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dialer.Tests.Api;

public class CampaignAgentsApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task ManagerAssignsAgentsToACampaign()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaignId = await CreateCampaignAsync(manager);
        var (_, agentA) = await factory.SignedInUserAsync("agent");
        var (_, agentB) = await factory.SignedInUserAsync("agent");

        var put = await manager.PutAsJsonAsync($"/api/campaigns/{campaignId}/agents", new { agentIds = new[] { agentA, agentB } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var listed = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaignId}/agents");
        Assert.Equal(new[] { agentA, agentB }.Order(), listed.EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).Order());

        await manager.PutAsJsonAsync($"/api/campaigns/{campaignId}/agents", new { agentIds = new[] { agentB } });
        listed = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaignId}/agents");
        Assert.Equal(agentB, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetInt64());
    }

    [ApiFact]
    public async Task UnknownAgentsAndCampaignsAreRefused()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaignId = await CreateCampaignAsync(manager);
        var (_, managerUser) = await factory.SignedInUserAsync("manager");

        var bad = await manager.PutAsJsonAsync($"/api/campaigns/{campaignId}/agents", new { agentIds = new[] { managerUser, 999_999 } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("agentIds", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/api/campaigns/999999/agents")).StatusCode);

        var (billing, _) = await factory.ClientWithRoleAsync("billing");
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync($"/api/campaigns/{campaignId}/agents")).StatusCode);
    }

    private static async Task<long> CreateCampaignAsync(HttpClient manager)
    {
        var response = await manager.PostAsJsonAsync("/api/campaigns", new
        {
            name = "回访 care",
            type = "care",
            mode = "progressive",
            defaultCountry = "CN",
            timeZone = "Asia/Shanghai",
            complianceProfile = "CN",
            abandonCapPercent = 3.0,
            maxAttempts = 3,
            callerId = "+8657110000",
            dispositions = new[] { "done" },
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class CampaignAgentsApiTestsOnPostgres(PostgresApiFactory factory) : CampaignAgentsApiTests(factory), IClassFixture<PostgresApiFactory>;
