using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Dialer.Db;
using Dialer.Db.Model;
using Dialer.Tests.Api;
using Dialer.Tests.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Engine;

/// <summary>
/// The agent API's transfer to an agent, consult-then-transfer and manual dial through HTTP against a real database: the
/// agent's own call only, refusals with their reason (409) or the field (400), other roles kept out (403).
/// </summary>
public class AgentCallApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task ATransferToAnAgentNeedsAnotherAgentOfTheCallsCampaignWhoIsReady()
    {
        var (agent, agentId, attemptId, campaignId) = await AgentOnCallAsync();
        var (other, otherId) = await factory.SignedInUserAsync("agent");
        var (_, absentId) = await factory.SignedInUserAsync("agent");
        (await other.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { campaignId } })).EnsureSuccessStatusCode();

        var listed = await agent.GetAsync("/api/agent/transfer-targets");
        Assert.True(listed.IsSuccessStatusCode, await listed.Content.ReadAsStringAsync());
        var targets = await Body(listed);
        var target = targets.EnumerateArray().Single(t => t.GetProperty("agentId").GetInt64() == otherId);
        Assert.Equal(("ready", true), (target.GetProperty("state").GetString(), target.GetProperty("available").GetBoolean()));
        // The other agent has no call: no targets for it.
        Assert.Equal(HttpStatusCode.Conflict, (await other.GetAsync("/api/agent/transfer-targets")).StatusCode);

        Assert.Contains("not signed in", await Detail(await agent.PostAsJsonAsync("/api/agent/call/transfer", new { agentId = absentId })), StringComparison.Ordinal);
        Assert.Contains("yourself", await Detail(await agent.PostAsJsonAsync("/api/agent/call/transfer", new { agentId })), StringComparison.Ordinal);
        (await other.PostAsJsonAsync("/api/agent/pause", new { reason = "break" })).EnsureSuccessStatusCode();
        Assert.Contains("not ready (now paused)", await Detail(await agent.PostAsJsonAsync("/api/agent/call/transfer", new { agentId = otherId })), StringComparison.Ordinal);
        using (var zh = new HttpRequestMessage(HttpMethod.Post, "/api/agent/call/transfer") { Content = JsonContent.Create(new { agentId = otherId }) })
        {
            zh.Headers.AcceptLanguage.ParseAdd("zh");
            Assert.Equal("该坐席未就绪（当前暂停）：通话仍由您处理。", await Detail(await agent.SendAsync(zh)));
        }

        var both = await agent.PostAsJsonAsync("/api/agent/call/transfer", new { agentId = otherId, to = "+8613812345678" });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.True((await Body(both)).GetProperty("errors").TryGetProperty("to", out _));

        (await other.PostAsync("/api/agent/ready", null)).EnsureSuccessStatusCode();
        (await agent.PostAsJsonAsync("/api/agent/call/transfer", new { agentId = otherId })).EnsureSuccessStatusCode();
        Assert.Equal(new CallControls(attemptId, TransferToAgent: otherId, TransferId: 1), await ControlsAsync(agentId));
        // Asked again (the first was refused by the engine, say): a new transfer.
        (await agent.PostAsJsonAsync("/api/agent/call/transfer", new { agentId = otherId })).EnsureSuccessStatusCode();
        Assert.Equal(2, (await ControlsAsync(agentId))!.TransferId);
    }

    [ApiFact]
    public async Task AConsultationPutsTheCustomerOnHoldAndIsCompletedOrCancelledOnlyWhileInProgress()
    {
        var (agent, agentId, attemptId, _) = await AgentOnCallAsync();

        var bad = await agent.PostAsJsonAsync("/api/agent/call/consult", new { to = "front desk" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await Body(bad)).GetProperty("errors").TryGetProperty("to", out _));
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsync("/api/agent/call/consult/complete", null)).StatusCode);

        var held = await Body(await agent.PostAsJsonAsync("/api/agent/call/consult", new { to = "13812345678" }));
        Assert.True(held.GetProperty("held").GetBoolean());
        Assert.Equal(new CallControls(attemptId, Hold: true, Consult: new ConsultControl(1, To: "+8613812345678")), await ControlsAsync(agentId));
        Assert.Contains("consultation first", await Detail(await agent.PostAsJsonAsync("/api/agent/call/transfer", new { to = "13812345679" })),
            StringComparison.Ordinal);

        (await agent.PostAsync("/api/agent/call/consult/cancel", null)).EnsureSuccessStatusCode();
        Assert.Equal(new CallControls(attemptId, Hold: false, Consult: new ConsultControl(1, To: "+8613812345678", Cancel: true)), await ControlsAsync(agentId));
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsync("/api/agent/call/consult/cancel", null)).StatusCode);

        // A second consultation, completed: the customer goes to the party consulted once it has answered.
        (await agent.PostAsJsonAsync("/api/agent/call/consult", new { to = "13812345670" })).EnsureSuccessStatusCode();
        (await agent.PostAsync("/api/agent/call/consult/complete", null)).EnsureSuccessStatusCode();
        Assert.Equal(new ConsultControl(2, To: "+8613812345670", Complete: true), (await ControlsAsync(agentId))!.Consult);
    }

    [ApiFact]
    public async Task ManualDialIsForAPausedAgentInItsOwnCampaignsAndNamesWhatIsWrong()
    {
        var campaign = await CampaignBodies.CreateAsync(factory.Admin());
        var campaignId = campaign.GetProperty("id").GetInt64();
        var other = (await CampaignBodies.CreateAsync(factory.Admin())).GetProperty("id").GetInt64();
        await using var c = await Db().OpenAsync(CancellationToken.None);
        await c.ExecuteAsync("UPDATE campaigns SET status = 'running' WHERE id = @campaignId", new { campaignId });
        var (agent, agentId) = await factory.SignedInUserAsync("agent");
        (await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { campaignId } })).EnsureSuccessStatusCode();

        Assert.Contains("Pause first", await Detail(await agent.PostAsJsonAsync("/api/agent/dial", new { campaignId, phone = "13800000001" })),
            StringComparison.Ordinal);
        (await agent.PostAsJsonAsync("/api/agent/pause", new { reason = "break" })).EnsureSuccessStatusCode();
        await AssertField(await agent.PostAsJsonAsync("/api/agent/dial", new { phone = "13800000001" }), "campaignId");
        await AssertField(await agent.PostAsJsonAsync("/api/agent/dial", new { campaignId = other, phone = "13800000001" }), "campaignId");
        await AssertField(await agent.PostAsJsonAsync("/api/agent/dial", new { campaignId, phone = "12" }), "phone");
        await AssertField(await agent.PostAsJsonAsync("/api/agent/dial", new { campaignId, contactId = 999_999_999 }), "contactId");

        // A typed number: the campaign's new contact, asked of the engine.
        var asked = await Body(await agent.PostAsJsonAsync("/api/agent/dial", new { campaignId, phone = "13800000001" }));
        var contactId = asked.GetProperty("contact").GetProperty("id").GetInt64();
        Assert.Equal(("+8613800000001", "new"), (asked.GetProperty("contact").GetProperty("phone").GetString(), asked.GetProperty("contact").GetProperty("state").GetString()));
        Assert.Equal(("manual_dial", $"{campaignId}:{contactId}"), await c.QuerySingleAsync<(string, string)>(
            "SELECT request, request_reason FROM agent_states WHERE agent_id = @agentId", new { agentId }));
        // Found by number; the same number again is the same contact.
        var found = await Body(await agent.GetAsync($"/api/agent/contacts?campaignId={campaignId}&q=138000000"));
        Assert.Equal(contactId, found.EnumerateArray().Single().GetProperty("id").GetInt64());
        await AssertField(await agent.GetAsync($"/api/agent/contacts?campaignId={campaignId}&q=1"), "q");
        Assert.Equal(contactId, (await Body(await agent.PostAsJsonAsync("/api/agent/dial", new { campaignId, phone = "+86 138 0000 0001" })))
            .GetProperty("contact").GetProperty("id").GetInt64());

        await c.ExecuteAsync("UPDATE contacts SET state = 'dnc' WHERE id = @contactId", new { contactId });
        Assert.Contains("do-not-call", await Detail(await agent.PostAsJsonAsync("/api/agent/dial", new { campaignId, contactId })), StringComparison.Ordinal);

        // Kept out of campaigns the agent is not assigned to; other roles not at all.
        await c.ExecuteAsync("INSERT INTO agent_campaigns (agent_id, campaign_id) VALUES (@agentId, @other)", new { agentId, other });
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/agent/dial", new { campaignId, contactId })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync($"/api/agent/contacts?campaignId={campaignId}&q=1380")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin().PostAsJsonAsync("/api/agent/dial", new { campaignId, contactId })).StatusCode);
    }

    private DbConnectionFactory Db() => factory.Services.GetRequiredService<DbConnectionFactory>();

    private async Task<CallControls?> ControlsAsync(long agentId)
    {
        await using var c = await Db().OpenAsync(CancellationToken.None);
        return CallControls.FromJson(await c.ExecuteScalarAsync<string?>("SELECT call_controls FROM agent_states WHERE agent_id = @agentId", new { agentId }));
    }

    private static async Task<JsonElement> Body(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private static async Task<string> Detail(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        return (await Body(response)).GetProperty("detail").GetString()!;
    }

    private static async Task AssertField(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Body(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for {field}: {errors}");
        Assert.NotEmpty(messages.EnumerateArray().First().GetString()!);
    }

    /// <summary>An agent on a call (as the engine would have written it) in a running campaign.</summary>
    private async Task<(HttpClient Agent, long AgentId, long AttemptId, long CampaignId)> AgentOnCallAsync()
    {
        var campaign = await CampaignBodies.CreateAsync(factory.Admin());
        var campaignId = campaign.GetProperty("id").GetInt64();
        var (agent, agentId) = await factory.SignedInUserAsync("agent");
        (await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { campaignId } })).EnsureSuccessStatusCode();
        await using var c = await Db().OpenAsync(CancellationToken.None);
        await c.ExecuteAsync("UPDATE campaigns SET status = 'running' WHERE id = @campaignId", new { campaignId });
        var phone = $"+86138{Random.Shared.Next(10_000_000, 99_999_999)}";
        var contactId = await c.ExecuteScalarAsync<long>("""
            INSERT INTO contacts (campaign_id, phone, time_zone, state, created_at, updated_at) VALUES (@campaignId, @phone, 'Asia/Shanghai', 'dialing', 0, 0) RETURNING id
            """, new { campaignId, phone });
        var attemptId = await c.ExecuteScalarAsync<long>("""
            INSERT INTO call_attempts (campaign_id, contact_id, phone, agent_id, queued_at, outcome) VALUES (@campaignId, @contactId, @phone, @agentId, 0, 'connected') RETURNING id
            """, new { campaignId, contactId, phone, agentId });
        await c.ExecuteAsync("UPDATE agent_states SET state = 'on_call', attempt_id = @attemptId, contact_id = @contactId, version = version + 1 WHERE agent_id = @agentId",
            new { attemptId, contactId, agentId });
        return (agent, agentId, attemptId, campaignId);
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class AgentCallApiTestsOnPostgres(PostgresApiFactory factory) : AgentCallApiTests(factory), IClassFixture<PostgresApiFactory>;
