using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Dialer.Api.Webhooks;
using Dialer.Db;
using Dialer.Db.Reminders;
using Dialer.Tests.Api;
using Dialer.Tests.Campaigns;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Reminders;

public class WebhookTests(ApiFactory factory) : IClassFixture<ApiFactory>, IDisposable
{
    // The delivery loop is off here: the tests drive the sender with a clock they move. The receivers
    // listen on http://127.0.0.1, which only an administrator's setting allows.
    private readonly WebApplicationFactory<Program> api = factory.WithWebHostBuilder(b => AllowLocalReceiver(b).UseSetting("Webhooks:Enabled", "false"));

    private static Microsoft.AspNetCore.Hosting.IWebHostBuilder AllowLocalReceiver(Microsoft.AspNetCore.Hosting.IWebHostBuilder b) =>
        b.UseSetting("Webhooks:AllowHttp", "true").UseSetting("Webhooks:AllowedHosts:0", "127.0.0.1");

    public void Dispose() => api.Dispose();

    [ApiFact]
    public async Task FinalOutcomeIsPostedSignedAndRetriedWithBackoff()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500);
        var (billing, secret, reminderId, contactId) = await ReminderWithWebhookAsync(api, receiver.Url);
        await RecordAttemptAsync(api, contactId);

        // The engine reports the outcome.
        var reminders = api.Services.GetRequiredService<ReminderStore>();
        Assert.Equal(1, await reminders.CompleteForContactAsync(contactId, ReminderStates.Delivered, "connected", CancellationToken.None));
        var state = await billing.GetFromJsonAsync<JsonElement>($"/api/reminders/{reminderId}");
        Assert.Equal("delivered", state.GetProperty("state").GetString());
        Assert.Equal("connected", state.GetProperty("outcome").GetString());
        Assert.Equal(1, state.GetProperty("attempts").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, state.GetProperty("lastAttemptAt").ValueKind);

        var clock = new ManualClock(DateTimeOffset.UtcNow.AddSeconds(1));
        using var sender = Sender(clock, new WebhookOptions { RetryBaseSeconds = 10, MaxAttempts = 5 });
        // The database is shared by the tests of this class: counts are of this test's receiver and delivery.
        await sender.SendDueAsync(CancellationToken.None);
        Assert.Single(receiver.Requests);
        var delivery = Assert.Single(await Deliveries(reminderId));
        Assert.Equal(("pending", 1, 500), (delivery.State, delivery.Attempts, delivery.LastStatus));
        Assert.Equal(clock.Now.AddSeconds(10).ToUnixTimeMilliseconds(), delivery.NextAttemptAt);

        await sender.SendDueAsync(CancellationToken.None);
        Assert.Single(receiver.Requests);
        clock.Now = clock.Now.AddSeconds(10);
        await sender.SendDueAsync(CancellationToken.None);
        Assert.Equal(("delivered", 2), ((await Deliveries(reminderId))[0].State, (await Deliveries(reminderId))[0].Attempts));
        await sender.SendDueAsync(CancellationToken.None);

        var received = receiver.Requests.ToArray();
        Assert.Equal(2, received.Length);
        foreach (var r in received)
        {
            Assert.StartsWith("application/json", r.ContentType);
            AssertSignedBy(secret, r);
        }

        Assert.Equal(clock.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), received[1].Signature.Split(',')[0][2..]);
        using var body = JsonDocument.Parse(received[1].Body);
        var root = body.RootElement;
        Assert.Equal(reminderId, root.GetProperty("id").GetString());
        Assert.Equal("A100", root.GetProperty("accountId").GetString());
        Assert.Equal("delivered", root.GetProperty("state").GetString());
        Assert.Equal("connected", root.GetProperty("outcome").GetString());
        Assert.Equal(1, root.GetProperty("attempts").GetInt32());
        Assert.True(root.GetProperty("at").TryGetDateTimeOffset(out _));
        Assert.False(root.GetProperty("voicemailLeft").GetBoolean());
    }

    [ApiFact]
    public async Task AMessageLeftOnTheCustomersMachineIsDeliveredWithVoicemailLeft()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, secret, reminderId, contactId) = await ReminderWithWebhookAsync(api, receiver.Url);
        await RecordAttemptAsync(api, contactId);

        var reminders = api.Services.GetRequiredService<ReminderStore>();
        Assert.Equal(1, await reminders.CompleteForContactAsync(contactId, ReminderStates.Delivered, "machine", CancellationToken.None, voicemailLeft: true));
        using var sender = Sender(new ManualClock(DateTimeOffset.UtcNow.AddSeconds(1)), new WebhookOptions());
        await sender.SendDueAsync(CancellationToken.None);

        var request = Assert.Single(receiver.Requests);
        AssertSignedBy(secret, request);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(reminderId, body.RootElement.GetProperty("id").GetString());
        Assert.Equal(("delivered", "machine", true), (body.RootElement.GetProperty("state").GetString(), body.RootElement.GetProperty("outcome").GetString(),
            body.RootElement.GetProperty("voicemailLeft").GetBoolean()));
    }

    [ApiFact]
    public async Task DeliveryFailsAfterMaxAttemptsAndCancellationIsReportedToo()
    {
        await using var receiver = await WebhookReceiver.StartAsync(503, 503, 503, 503);
        var (_, secret, reminderId, _) = await ReminderWithWebhookAsync(api, receiver.Url);
        var campaign = await CampaignOfAsync(reminderId);
        var admin = api.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/campaigns/{campaign}/stop", null)).StatusCode);

        var clock = new ManualClock(DateTimeOffset.UtcNow.AddSeconds(1));
        using var sender = Sender(clock, new WebhookOptions { RetryBaseSeconds = 1, MaxAttempts = 3 });
        for (var i = 0; i < 3; i++)
        {
            await sender.SendDueAsync(CancellationToken.None);
            Assert.Equal(i + 1, receiver.Requests.Count);
            clock.Now = clock.Now.AddMinutes(1);
        }

        await sender.SendDueAsync(CancellationToken.None);
        Assert.Equal(3, receiver.Requests.Count);
        var delivery = Assert.Single(await Deliveries(reminderId));
        Assert.Equal(("failed", 3, 503), (delivery.State, delivery.Attempts, delivery.LastStatus));
        var last = receiver.Requests.Last();
        AssertSignedBy(secret, last);
        using var body = JsonDocument.Parse(last.Body);
        Assert.Equal("cancelled", body.RootElement.GetProperty("state").GetString());
        Assert.Equal("campaign stopped", body.RootElement.GetProperty("reason").GetString());
    }

    [ApiFact]
    public async Task DeliveryLoopInTheApiSendsOnItsOwn()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var live = factory.WithWebHostBuilder(b => AllowLocalReceiver(b).UseSetting("Webhooks:PollSeconds", "0.1"));
        var (_, secret, reminderId, contactId) = await ReminderWithWebhookAsync(live, receiver.Url);

        await live.Services.GetRequiredService<ReminderStore>().CompleteForContactAsync(contactId, ReminderStates.Failed, "no_answer", CancellationToken.None);

        // Bounded wait for the background loop (not a timing assertion: it only has to happen).
        for (var i = 0; i < 300 && receiver.Requests.IsEmpty; i++)
        {
            await Task.Delay(50);
        }

        var received = Assert.Single(receiver.Requests);
        Assert.True(WebhookSignature.Verify(secret, received.Signature, received.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(secret, received.Signature, received.Body.Replace("no_answer", "connected"), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(secret, received.Signature, received.Body, DateTimeOffset.UtcNow.AddHours(1), TimeSpan.FromMinutes(5)));
        Assert.Contains("\"state\":\"failed\"", received.Body);
        Assert.Contains(reminderId, received.Body);
    }

    [ApiFact]
    public async Task WebhookRegistrationIsValidatedAndOwnedByTheKey()
    {
        var (billing, _) = await KeyAsync(api, "billing");
        var (other, _) = await KeyAsync(api, "billing");

        var bad = await billing.PostAsync("/api/webhooks", CampaignBodies.Json("""{"url":"ftp://example.com/x"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await CampaignBodies.ReadAsync(bad)).GetProperty("errors").TryGetProperty("url", out _));
        var shortSecret = await billing.PostAsync("/api/webhooks", CampaignBodies.Json("""{"url":"https://billing.example.com/hook","secret":"short"}"""));
        Assert.True((await CampaignBodies.ReadAsync(shortSecret)).GetProperty("errors").TryGetProperty("secret", out _));

        var created = await billing.PostAsync("/api/webhooks", CampaignBodies.Json("""{"url":"https://billing.example.com/hook"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var hook = await CampaignBodies.ReadAsync(created);
        var secret = hook.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        var id = hook.GetProperty("id").GetInt64();

        var list = await billing.GetStringAsync("/api/webhooks");
        Assert.Contains("billing.example.com", list);
        Assert.DoesNotContain(secret, list);
        Assert.DoesNotContain("billing.example.com", await other.GetStringAsync("/api/webhooks"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await billing.DeleteAsync($"/api/webhooks/{id}")).StatusCode);
        Assert.Contains("\"disabled\":true", await billing.GetStringAsync("/api/webhooks"));
    }

    [ApiFact]
    public async Task InternalAndPlainHttpWebhookUrlsAreRefusedAtRegistration()
    {
        // The product's defaults: HTTPS only, no allowed hosts.
        using var strict = factory.WithWebHostBuilder(b => b.UseSetting("Webhooks:Enabled", "false"));
        var (billing, _) = await KeyAsync(strict, "billing");
        string[] refused =
        [
            "http://billing.example.com/hook", "http://127.0.0.1:9/hook", "https://127.0.0.1/hook", "https://127.1.2.3:8443/hook",
            "https://169.254.169.254/latest/meta-data", "https://10.0.0.5/hook", "https://172.16.0.1/hook", "https://172.31.255.254/hook",
            "https://192.168.1.10/hook", "https://0.0.0.0/hook", "https://[::1]/hook", "https://[::]/hook", "https://[fc00::1]/hook",
            "https://[fd12:3456::1]/hook", "https://[fe80::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://[::ffff:169.254.169.254]/hook",
            "https://[::ffff:10.1.2.3]/hook", "https://[64:ff9b::a9fe:a9fe]/hook", "https://2130706433/hook", "https://0x7f.0.0.1/hook",
            "https://localhost/hook", "https://api.localhost/hook", "https://intranet/hook", "https://user:pw@billing.example.com/hook",
        ];
        foreach (var url in refused)
        {
            var answer = await billing.PostAsJsonAsync("/api/webhooks", new { url });
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, url);
            Assert.True((await CampaignBodies.ReadAsync(answer)).GetProperty("errors").TryGetProperty("url", out _), url);
        }

        Assert.Equal(HttpStatusCode.Created, (await billing.PostAsJsonAsync("/api/webhooks", new { url = "https://93.184.215.14/hook" })).StatusCode);

        // An administrator may name hosts (a receiver inside the network), and allow http.
        using var allowed = factory.WithWebHostBuilder(b => AllowLocalReceiver(b).UseSetting("Webhooks:Enabled", "false"));
        var (inside, _) = await KeyAsync(allowed, "billing");
        Assert.Equal(HttpStatusCode.Created, (await inside.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/hook" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await inside.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.2:9/hook" })).StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.255.0.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("172.16.5.4", false)]
    [InlineData("192.168.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::", false)]
    [InlineData("::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fdff::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:192.168.1.1", false)]
    [InlineData("::127.0.0.1", false)]
    [InlineData("64:ff9b::7f00:1", false)]
    [InlineData("2002:a9fe:a9fe::1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("93.184.215.14", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    public void OnlyPublicUnicastAddressesArePublic(string address, bool isPublic) =>
        Assert.Equal(isPublic, WebhookTargets.IsPublic(IPAddress.Parse(address)));

    [ApiFact]
    public async Task DeliveryResolvesTheHostAndRefusesInternalAddresses()
    {
        // Registered while "localhost" was an allowed host; the sender no longer allows it. Its name passes
        // the URL check, so only the connect step's check after resolution stands between it and loopback
        // (as for a public name re-pointed at an internal address after registration).
        await using var receiver = await WebhookReceiver.StartAsync();
        using var then = factory.WithWebHostBuilder(b => b.UseSetting("Webhooks:Enabled", "false")
            .UseSetting("Webhooks:AllowHttp", "true").UseSetting("Webhooks:AllowedHosts:0", "localhost"));
        var (_, _, reminderId, contactId) = await ReminderWithWebhookAsync(then, receiver.Url.Replace("127.0.0.1", "localhost"));
        await then.Services.GetRequiredService<ReminderStore>().CompleteForContactAsync(contactId, ReminderStates.Failed, "no_answer", CancellationToken.None);

        var clock = new ManualClock(DateTimeOffset.UtcNow.AddSeconds(1));
        using var sender = Sender(clock, new WebhookOptions { MaxAttempts = 3 }, allowLocal: false);
        await sender.SendDueAsync(CancellationToken.None);
        Assert.Empty(receiver.Requests);
        var delivery = Assert.Single(await Deliveries(reminderId));
        Assert.Equal(("pending", 1), (delivery.State, delivery.Attempts));
        Assert.Contains("non-public address", delivery.LastError);

        // Plain http once Webhooks:AllowHttp is off again: failed at once, nothing sent.
        clock.Now = clock.Now.AddHours(2);
        var strictOptions = new WebhookOptions { MaxAttempts = 3, AllowedHosts = ["localhost"] };
        using var strictSender = new WebhookSender(new WebhookStore(api.Services.GetRequiredService<DbConnectionFactory>(), clock), strictOptions, clock, NullLogger<WebhookSender>.Instance);
        await strictSender.SendDueAsync(CancellationToken.None);
        Assert.Empty(receiver.Requests);
        Assert.Equal("failed", (await Deliveries(reminderId))[0].State);
    }

    /// <summary>The receiver's check, written out independently of WebhookSignature.</summary>
    private static void AssertSignedBy(string secret, WebhookReceiver.Received r)
    {
        var parts = r.Signature.Split(',');
        Assert.Equal(2, parts.Length);
        Assert.StartsWith("t=", parts[0]);
        Assert.StartsWith("v1=", parts[1]);
        var t = parts[0][2..];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + r.Body));
        Assert.Equal(Convert.ToHexStringLower(mac), parts[1][3..]);
    }

    private WebhookSender Sender(TimeProvider clock, WebhookOptions options, bool allowLocal = true)
    {
        options.AllowHttp = true;
        options.AllowedHosts = allowLocal ? ["127.0.0.1"] : [];
        return new(new WebhookStore(api.Services.GetRequiredService<DbConnectionFactory>(), clock), options, clock, NullLogger<WebhookSender>.Instance);
    }

    private Task<IReadOnlyList<DeliveryRow>> Deliveries(string reminderId) =>
        api.Services.GetRequiredService<WebhookStore>().DeliveriesForReminderAsync(reminderId, CancellationToken.None);

    private async Task<long> CampaignOfAsync(string reminderId)
    {
        await using var c = await api.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>("SELECT campaign_id FROM reminders WHERE id = @reminderId", new { reminderId });
    }

    private static async Task RecordAttemptAsync(WebApplicationFactory<Program> host, long contactId)
    {
        await using var c = await host.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await c.ExecuteAsync("""
            INSERT INTO call_attempts (campaign_id, contact_id, phone, queued_at, dialed_at, answered_at, ended_at, outcome)
            SELECT campaign_id, id, phone, @now, @now, @now, @now, 'connected' FROM contacts WHERE id = @contactId
            """, new { contactId, now });
    }

    /// <summary>A billing key with a webhook to the URL, and one queued reminder in a new billing campaign.</summary>
    private static async Task<(HttpClient Billing, string Secret, string ReminderId, long ContactId)> ReminderWithWebhookAsync(
        WebApplicationFactory<Program> host, string url)
    {
        var (manager, _) = await KeyAsync(host, "manager");
        var campaign = (await CampaignBodies.CreateAsync(manager)).GetProperty("id").GetInt64();
        var (billing, _) = await KeyAsync(host, "billing", campaign);
        var hook = await CampaignBodies.ReadAsync(await billing.PostAsJsonAsync("/api/webhooks", new { url }));
        var secret = hook.GetProperty("secret").GetString()!;
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reminders")
        {
            Content = CampaignBodies.Json($$"""
                { "campaignId": {{campaign}}, "reminders": [ { "accountId": "A100", "phone": "13812345678", "amountDue": 128.50,
                  "currency": "CNY", "dueDate": "2026-12-01", "kind": "arrears", "language": "zh" } ] }
                """),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var result = await CampaignBodies.ReadAsync(await billing.SendAsync(request));
        var reminderId = result.GetProperty("reminders")[0].GetProperty("id").GetString()!;
        await using var c = await host.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        var contactId = await c.ExecuteScalarAsync<long>("SELECT contact_id FROM reminders WHERE id = @reminderId", new { reminderId });
        return (billing, secret, reminderId, contactId);
    }

    private static async Task<(HttpClient Client, long KeyId)> KeyAsync(WebApplicationFactory<Program> host, string role, params long[] campaignIds)
    {
        var admin = host.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.AdminKey);
        var created = await (await admin.PostAsJsonAsync("/api/keys", new { name = $"{role} {Guid.NewGuid():N}", role, campaignIds })).Content
            .ReadFromJsonAsync<ApiFactory.CreatedKeyBody>();
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created!.Key);
        return (client, created.Id);
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class WebhookTestsOnPostgres(PostgresApiFactory factory) : WebhookTests(factory), IClassFixture<PostgresApiFactory>;
