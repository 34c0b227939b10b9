using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Dialer.Db;
using Dialer.Tests.Api;
using Dialer.Tests.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Reminders;

/// <summary>Billing keys kept apart (issue 13): campaigns granted by an admin, own reminders only, never another key's superseded.</summary>
public class BillingKeyGrantsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static string Batch(long campaignId, string account = "A100") => $$"""
        { "campaignId": {{campaignId}}, "reminders": [ { "accountId": "{{account}}", "phone": "13812345678", "amountDue": 128.50,
          "currency": "CNY", "dueDate": "2026-12-01", "kind": "arrears" } ] }
        """;

    [ApiFact]
    public async Task ASecondKeyDoesNotSupersedeTheFirstKeysReminder()
    {
        var campaign = await CampaignAsync("billing_reminder");
        var (first, firstKey) = await factory.ClientWithRoleAsync("billing", campaign);
        var (second, _) = await factory.ClientWithRoleAsync("billing", campaign);
        await first.PostAsJsonAsync("/api/webhooks", new { url = "https://first.example.com/hook" });
        var mine = await ItemAsync(await PostAsync(first, Batch(campaign), "k-1"));

        var theirs = await ItemAsync(await PostAsync(second, Batch(campaign), "k-1"));

        Assert.Equal("rejected", theirs.GetProperty("state").GetString());
        Assert.DoesNotContain("A100", theirs.GetProperty("reason").GetString());
        var reminder = await first.GetFromJsonAsync<JsonElement>($"/api/reminders/{mine.GetProperty("id").GetString()}");
        Assert.Equal("queued", reminder.GetProperty("state").GetString());
        Assert.Equal(0, await CountAsync(
            "SELECT COUNT(*) FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.api_key_id = @firstKey", new { firstKey }));

        // The same key again still supersedes its own reminder (one call with the newest amount).
        var again = await ItemAsync(await PostAsync(first, Batch(campaign).Replace("128.50", "99.00"), "k-2"));
        Assert.Equal("queued", again.GetProperty("state").GetString());
    }

    [ApiFact]
    public async Task ACampaignNotGrantedIsAnsweredLikeOneThatDoesNotExist()
    {
        var billingCampaign = await CampaignAsync("billing_reminder");
        var care = await CampaignAsync("care");
        var (billing, _) = await factory.ClientWithRoleAsync("billing", await CampaignAsync("billing_reminder"));

        var missing = await PostAsync(billing, Batch(999_999), "g-1");
        var notGranted = await PostAsync(billing, Batch(billingCampaign), "g-2");
        var otherType = await PostAsync(billing, Batch(care), "g-3");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notGranted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherType.StatusCode);
        var expected = await BodyWithoutIdAsync(missing, 999_999);
        Assert.Equal(expected, await BodyWithoutIdAsync(notGranted, billingCampaign));
        Assert.Equal(expected, await BodyWithoutIdAsync(otherType, care));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reminders WHERE campaign_id IN (@billingCampaign, @care)", new { billingCampaign, care }));
    }

    [ApiFact]
    public async Task AdminsGrantAndChangeCampaignsOfAKey()
    {
        var one = await CampaignAsync("billing_reminder");
        var two = await CampaignAsync("billing_reminder");
        var admin = factory.Admin();
        var created = await admin.PostAsJsonAsync("/api/keys", new { name = "billing grants", role = "billing", campaignIds = new[] { one } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal([one], body.GetProperty("campaignIds").EnumerateArray().Select(e => e.GetInt64()));
        var billing = factory.ClientWith(body.GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(billing, Batch(two), "c-1")).StatusCode);

        var changed = await admin.PutAsJsonAsync($"/api/keys/{id}/campaigns", new { campaignIds = new[] { two } });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(billing, Batch(two), "c-2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(billing, Batch(one), "c-3")).StatusCode);
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/keys")).EnumerateArray().Single(k => k.GetProperty("id").GetInt64() == id);
        Assert.Equal([two], listed.GetProperty("campaignIds").EnumerateArray().Select(e => e.GetInt64()));

        // Unknown campaigns, grants to other roles, another key's id, and callers other than admins are refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"/api/keys/{id}/campaigns", new { campaignIds = new[] { 999_999L } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/keys", new { name = "m", role = "manager", campaignIds = new[] { one } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/keys/999999/campaigns", new { campaignIds = new[] { one } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.PutAsJsonAsync($"/api/keys/{id}/campaigns", new { campaignIds = new[] { one, two } })).StatusCode);
    }

    [ApiFact]
    public async Task AKeyWithoutGrantsMayUseNoCampaign()
    {
        var campaign = await CampaignAsync("billing_reminder");
        var (billing, _) = await factory.ClientWithRoleAsync("billing");

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(billing, Batch(campaign), "n-1")).StatusCode);
    }

    private async Task<long> CampaignAsync(string type)
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        return (await CampaignBodies.CreateAsync(manager, CampaignBodies.With($"type=\"{type}\""))).GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> ItemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single((await CampaignBodies.ReadAsync(response)).GetProperty("reminders").EnumerateArray());
    }

    /// <summary>The problem body with the campaign id the caller sent and the per-request trace id taken out.</summary>
    private static async Task<string> BodyWithoutIdAsync(HttpResponseMessage response, long campaign)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        body["detail"] = body["detail"]!.GetValue<string>().Replace(campaign.ToString(System.Globalization.CultureInfo.InvariantCulture), "#", StringComparison.Ordinal);
        return body.ToJsonString();
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reminders") { Content = CampaignBodies.Json(json) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private async Task<long> CountAsync(string sql, object args)
    {
        await using var c = await factory.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>(sql, args);
    }
}

public sealed class BillingKeyGrantsTestsOnPostgres(PostgresApiFactory factory) : BillingKeyGrantsTests(factory), IClassFixture<PostgresApiFactory>;
