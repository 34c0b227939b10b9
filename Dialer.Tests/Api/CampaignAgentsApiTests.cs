using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dialer.Tests.Campaigns;

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

    [ApiFact]
    public async Task ManagerAssignsCampaignsFromTheAgentAndTheAgentMayJoinOnlyThose()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var assigned = await CreateCampaignAsync(manager);
        var other = await CreateCampaignAsync(manager);
        var (agent, agentId) = await factory.SignedInUserAsync("agent");

        var put = await manager.PutAsJsonAsync($"/api/users/{agentId}/campaigns", new { campaignIds = new[] { assigned } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal([assigned], (await put.Content.ReadFromJsonAsync<long[]>())!);
        var listed = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{assigned}/agents");
        Assert.Equal(agentId, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetInt64());

        var refused = await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { other }, paused = true });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("not assigned", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var joined = await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { assigned }, paused = true });
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);

        // An unknown campaign and a user who is not an agent are refused; an empty list takes every assignment away.
        var unknown = await manager.PutAsJsonAsync($"/api/users/{agentId}/campaigns", new { campaignIds = new[] { 999_999L } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("campaignIds", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (_, managerUser) = await factory.SignedInUserAsync("manager");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PutAsJsonAsync($"/api/users/{managerUser}/campaigns", new { campaignIds = Array.Empty<long>() })).StatusCode);
        var cleared = await manager.PutAsJsonAsync($"/api/users/{agentId}/campaigns", new { campaignIds = Array.Empty<long>() });
        Assert.Empty((await cleared.Content.ReadFromJsonAsync<long[]>())!);
        var (billing, _) = await factory.ClientWithRoleAsync("billing");
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.PutAsJsonAsync($"/api/users/{agentId}/campaigns", new { campaignIds = new[] { assigned } })).StatusCode);
    }

    [ApiFact]
    public async Task AnAdministratorDisablesAndEnablesAUser()
    {
        var admin = factory.Admin();
        var (_, userId) = await factory.SignedInUserAsync("agent", "enable.me");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{userId}/disable", null)).StatusCode);
        var login = new { username = "enable.me", password = "correct horse battery" };
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().PostAsJsonAsync("/api/auth/login", login)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{userId}/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/users/{userId}/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().PostAsJsonAsync("/api/auth/login", login)).StatusCode);
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync($"/api/users/{userId}/enable", null)).StatusCode);
    }

    private static Task<long> CreateCampaignAsync(HttpClient manager) => CampaignBodies.CreateCareAsync(manager);
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class CampaignAgentsApiTestsOnPostgres(PostgresApiFactory factory) : CampaignAgentsApiTests(factory), IClassFixture<PostgresApiFactory>;
