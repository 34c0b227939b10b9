using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dialer.Tests.Campaigns;

namespace Dialer.Tests.Api;

/// <summary>
/// The audit of supervisors' and administrators' actions through the API (migration 0040): who did what to whom and when,
/// newest first, paged, filtered by action; for managers and admins only.
/// </summary>
public class ActionAuditApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task StopsUsersKeysAndMonitorsAreAuditedWithWhoDidWhatToWhom()
    {
        var admin = factory.Admin();
        var (manager, managerId) = await factory.SignedInUserAsync("manager", "audit.mgr" + Guid.NewGuid().ToString("N")[..6]);
        var campaign = await CreateCampaignAsync(manager, "审计 campaign");
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/campaigns/{campaign}/start", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/campaigns/{campaign}/stop", null)).StatusCode);
        // A refused change is not an action done: nothing is written.
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/campaigns/{campaign}/start", null)).StatusCode);

        var (_, agentId) = await factory.SignedInUserAsync("agent", "audit.agt" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{agentId}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{agentId}/enable", null)).StatusCode);
        var (_, keyId) = await factory.ClientWithRoleAsync("billing");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{keyId}")).StatusCode);

        // A supervisor with a SIP phone joins the agent's calls, whispers, leaves.
        var supervisorName = "audit.sup" + Guid.NewGuid().ToString("N")[..6];
        (await admin.PostAsJsonAsync("/api/users", new
        {
            username = supervisorName, displayName = supervisorName, role = "manager", password = "correct horse battery", sipPassword = "sip-secret-456",
        })).EnsureSuccessStatusCode();
        var login = await factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { username = supervisorName, password = "correct horse battery" });
        var supervisor = factory.ClientWith((await login.Content.ReadFromJsonAsync<ApiFactory.LoginBody>())!.Token);
        var monitor = await supervisor.PostAsJsonAsync("/api/monitors", new { agentId, mode = "listen" });
        Assert.Equal(HttpStatusCode.Created, monitor.StatusCode);
        var monitorId = (await monitor.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.PutAsJsonAsync($"/api/monitors/{monitorId}/mode", new { mode = "whisper" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.DeleteAsync($"/api/monitors/{monitorId}")).StatusCode);

        var page = await manager.GetFromJsonAsync<JsonElement>("/api/audit/actions?limit=1000");
        var mine = page.GetProperty("actions").EnumerateArray()
            .Where(a => a.GetProperty("campaignId") is { ValueKind: JsonValueKind.Number } c && c.GetInt64() == campaign
                || Target(a) == ("user", agentId) || Target(a) == ("key", keyId))
            .ToList();
        // Newest first.
        Assert.Equal(
            ["monitor_leave", "monitor_mode", "monitor_start", "key_revoke", "user_enable", "user_disable", "campaign_stop", "campaign_start"],
            mine.Select(a => a.GetProperty("action").GetString()!).ToArray());

        var stop = mine.Single(a => a.GetProperty("action").GetString() == "campaign_stop");
        Assert.Equal(JsonValueKind.Null, stop.GetProperty("actorKeyId").ValueKind);
        Assert.Equal(managerId, stop.GetProperty("actorUserId").GetInt64());
        Assert.StartsWith("audit.mgr", stop.GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Equal(("campaign", "审计 campaign"), (stop.GetProperty("target").GetProperty("kind").GetString(), stop.GetProperty("target").GetProperty("name").GetString()));
        Assert.Equal("审计 campaign", stop.GetProperty("campaignName").GetString());
        Assert.True(DateTimeOffset.UtcNow - stop.GetProperty("at").GetDateTimeOffset() < TimeSpan.FromHours(1));

        var disable = mine.Single(a => a.GetProperty("action").GetString() == "user_disable");
        Assert.Equal(JsonValueKind.Number, disable.GetProperty("actorKeyId").ValueKind);
        Assert.Equal(JsonValueKind.Null, disable.GetProperty("actorUserId").ValueKind);
        Assert.Equal(("user", agentId), (disable.GetProperty("target").GetProperty("kind").GetString(), disable.GetProperty("target").GetProperty("id").GetInt64()));
        Assert.StartsWith("audit.agt", disable.GetProperty("target").GetProperty("name").GetString(), StringComparison.Ordinal);

        var revoke = mine.Single(a => a.GetProperty("action").GetString() == "key_revoke");
        Assert.StartsWith("billing ", revoke.GetProperty("target").GetProperty("name").GetString(), StringComparison.Ordinal);

        var whisper = mine.Single(a => a.GetProperty("action").GetString() == "monitor_mode");
        Assert.Equal(supervisorName, whisper.GetProperty("actor").GetString());
        Assert.Equal(agentId, whisper.GetProperty("target").GetProperty("id").GetInt64());
        Assert.Equal("whisper", whisper.GetProperty("detail").GetProperty("mode").GetString());
    }

    [ApiFact]
    public async Task TheAuditPagesBackFiltersByActionAndIsForManagersAndAdminsOnly()
    {
        var (manager, _) = await factory.SignedInUserAsync("manager");
        var campaign = await CreateCampaignAsync(manager, "审计 paging");
        for (var i = 0; i < 3; i++)
        {
            (await manager.PostAsync($"/api/campaigns/{campaign}/start", null)).EnsureSuccessStatusCode();
            (await manager.PostAsync($"/api/campaigns/{campaign}/pause", null)).EnsureSuccessStatusCode();
        }

        // Two at a time, following next: every line once, newest first.
        var seen = new List<long>();
        string? next = "/api/audit/actions?action=campaign_pause&limit=2";
        while (next is not null)
        {
            var page = await manager.GetFromJsonAsync<JsonElement>(next);
            var actions = page.GetProperty("actions").EnumerateArray().ToList();
            Assert.All(actions, a => Assert.Equal("campaign_pause", a.GetProperty("action").GetString()));
            Assert.True(actions.Count <= 2);
            seen.AddRange(actions.Select(a => a.GetProperty("id").GetInt64()));
            next = page.GetProperty("next").GetString();
        }

        Assert.True(seen.Count >= 3);
        Assert.Equal(seen.OrderDescending(), seen);
        Assert.Equal(seen.Distinct().Count(), seen.Count);

        var bad = await manager.GetAsync("/api/audit/actions?limit=0&action=nap");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("action", out _));

        var (agent, _) = await factory.SignedInUserAsync("agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/audit/actions")).StatusCode);
        var (billing, _) = await factory.ClientWithRoleAsync("billing");
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync("/api/audit/actions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/api/audit/actions")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin().GetAsync("/api/audit/actions")).StatusCode);
    }

    private static (string?, long?) Target(JsonElement action) =>
        (action.GetProperty("target").GetProperty("kind").GetString(),
         action.GetProperty("target").GetProperty("id") is { ValueKind: JsonValueKind.Number } id ? id.GetInt64() : null);

    private static Task<long> CreateCampaignAsync(HttpClient manager, string name) =>
        CampaignBodies.CreateCareAsync(manager, $"name={CampaignBodies.Text(name)}");
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class ActionAuditApiTestsOnPostgres(PostgresApiFactory factory) : ActionAuditApiTests(factory), IClassFixture<PostgresApiFactory>;
