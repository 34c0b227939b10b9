using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Dialer.Db;
using Dialer.Tests.Api;
using Dialer.Tests.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Reminders;

public class RemindersApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    /// <summary>The issue's example batch, with the campaign id filled in.</summary>
    private static string ExampleBatch(long campaignId) => $$"""
        { "campaignId": {{campaignId}}, "reminders": [ { "accountId": "A100", "phone": "13812345678", "amountDue": 128.50,
          "currency": "CNY", "dueDate": "2026-12-01", "kind": "arrears", "language": "zh" } ] }
        """;

    [ApiFact]
    public async Task ExampleBatchIsQueuedAndReadable()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);

        var response = await PostAsync(billing, ExampleBatch(campaign), "7f3c9a10-example");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await CampaignBodies.ReadAsync(response);
        var item = Assert.Single(body.GetProperty("reminders").EnumerateArray());
        Assert.Equal("A100", item.GetProperty("accountId").GetString());
        Assert.Equal("queued", item.GetProperty("state").GetString());
        Assert.False(item.TryGetProperty("reason", out _));
        var id = item.GetProperty("id").GetString();

        var reminder = await billing.GetFromJsonAsync<JsonElement>($"/api/reminders/{id}");
        Assert.Equal("queued", reminder.GetProperty("state").GetString());
        Assert.Equal("+8613812345678", reminder.GetProperty("phone").GetString());
        Assert.Equal(128.50m, reminder.GetProperty("amountDue").GetDecimal());
        Assert.Equal("arrears", reminder.GetProperty("kind").GetString());
        Assert.Equal(0, reminder.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, reminder.GetProperty("lastAttemptAt").ValueKind);

        // It became a dialable contact of the campaign with the reminder's fields.
        var contact = await ContactAsync(campaign, "+8613812345678");
        Assert.Equal("new", contact.State);
        Assert.Equal("A100", contact.AccountId);
        Assert.Equal("Asia/Shanghai", contact.TimeZone);
        using var custom = JsonDocument.Parse(contact.CustomJson);
        Assert.Equal("128.50", custom.RootElement.GetProperty("amount_due").GetString());
        Assert.Equal("zh", custom.RootElement.GetProperty("language").GetString());
        Assert.Equal("2026-12-01", custom.RootElement.GetProperty("due_date").GetString());
    }

    [ApiFact]
    public async Task ReplayWithSameKeyAndBodyAnswersTheSameAndChangesNothing()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);
        var first = await PostAsync(billing, ExampleBatch(campaign), "replay-1");
        var firstText = await first.Content.ReadAsStringAsync();

        // The same batch written differently (order, spacing, 128.5 for 128.50) is the same body.
        var same = $$"""{"reminders":[{"kind":"arrears","language":"zh","phone":"13812345678","accountId":"A100","dueDate":"2026-12-01","currency":"CNY","amountDue":128.5}],"campaignId":{{campaign}}}""";
        var second = await PostAsync(billing, same, "replay-1");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(firstText, await second.Content.ReadAsStringAsync());
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reminders WHERE campaign_id = @campaign", campaign));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaign", campaign));
    }

    [ApiFact]
    public async Task SameKeyWithAnotherBodyIs409()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(billing, ExampleBatch(campaign), "reuse-1")).StatusCode);

        var other = await PostAsync(billing, ExampleBatch(campaign).Replace("128.50", "99.00"), "reuse-1");

        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Idempotency-Key", (await CampaignBodies.ReadAsync(other)).GetProperty("detail").GetString());
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM reminders WHERE campaign_id = @campaign", campaign));

        // Keys belong to one API key: another billing key may use the same value.
        var (otherKey, _) = await factory.ClientWithRoleAsync("billing", campaign);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(otherKey, ExampleBatch(campaign).Replace("A100", "A200"), "reuse-1")).StatusCode);
    }

    [ApiFact]
    public async Task ConcurrentDuplicatesInsertOnce()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);
        var batch = BatchJson(campaign, Enumerable.Range(0, 50).Select(i => ($"R{i}", $"1390000{i:D4}")));

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(billing, batch, "race-1")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var texts = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.Single(texts.Distinct());
        Assert.Equal(50, await CountAsync("SELECT COUNT(*) FROM reminders WHERE campaign_id = @campaign", campaign));
        Assert.Equal(50, await CountAsync("SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaign", campaign));
    }

    [ApiFact]
    public async Task MissingIdempotencyKeyIs400()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);

        var response = await billing.PostAsync("/api/reminders", CampaignBodies.Json(ExampleBatch(campaign)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await CampaignBodies.ReadAsync(response)).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reminders WHERE campaign_id = @campaign", campaign));
    }

    [ApiFact]
    public async Task AnotherBillingKeyCannotSeeMyReminders()
    {
        var campaign = await BillingCampaignAsync();
        var (mine, _) = await factory.ClientWithRoleAsync("billing", campaign);
        var (theirs, _) = await factory.ClientWithRoleAsync("billing", campaign);
        var body = await CampaignBodies.ReadAsync(await PostAsync(mine, ExampleBatch(campaign), "own-1"));
        var id = body.GetProperty("reminders")[0].GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.OK, (await mine.GetAsync($"/api/reminders/{id}")).StatusCode);
        var other = await theirs.GetAsync($"/api/reminders/{id}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        var theirList = await theirs.GetFromJsonAsync<JsonElement>("/api/reminders");
        Assert.Equal(0, theirList.GetProperty("reminders").GetArrayLength());
        var myList = await mine.GetFromJsonAsync<JsonElement>("/api/reminders?since=2020-01-01T00:00:00Z");
        Assert.Equal(id, Assert.Single(myList.GetProperty("reminders").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await mine.GetAsync("/api/reminders/nosuchreminder")).StatusCode);
    }

    [ApiFact]
    public async Task ListPagesBySinceAndAfter()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);
        await PostAsync(billing, BatchJson(campaign, Enumerable.Range(0, 5).Select(i => ($"P{i}", $"1370000{i:D4}"))), "page-1");

        var seen = new List<string>();
        var url = "/api/reminders?limit=2";
        while (url is not null)
        {
            var page = await billing.GetFromJsonAsync<JsonElement>(url);
            seen.AddRange(page.GetProperty("reminders").EnumerateArray().Select(r => r.GetProperty("accountId").GetString()!));
            url = page.GetProperty("next").GetString();
        }

        Assert.Equal(["P0", "P1", "P2", "P3", "P4"], seen.Order());
        Assert.Equal(HttpStatusCode.BadRequest, (await billing.GetAsync("/api/reminders?since=yesterday")).StatusCode);
    }

    [ApiFact]
    public async Task InvalidAndDncPhonesAreRejectedWithReasonsNotDropped()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);
        await ExecAsync("INSERT INTO dnc_entries (phone, campaign_id, source, created_at) VALUES ('+8613911112222', 0, 'customer request', 0)");
        await ExecAsync($"INSERT INTO dnc_entries (phone, campaign_id, source, created_at) VALUES ('+8613911113333', {campaign}, 'complaint', 0)");
        await ExecAsync("INSERT INTO dnc_entries (phone, campaign_id, source, created_at, expires_at) VALUES ('+8613911114444', 0, 'expired', 0, 1)");
        var batch = BatchJson(campaign, [("OK1", "138 1111 0000"), ("BAD", "12345"), ("DNC", "+86 139 1111 2222"), ("CDNC", "13911113333"), ("OLD", "13911114444")]);

        var body = await CampaignBodies.ReadAsync(await PostAsync(billing, batch, "reject-1"));

        var items = body.GetProperty("reminders").EnumerateArray().ToList();
        Assert.Equal(["OK1", "BAD", "DNC", "CDNC", "OLD"], items.Select(i => i.GetProperty("accountId").GetString()));
        Assert.Equal(["queued", "rejected", "rejected", "rejected", "queued"], items.Select(i => i.GetProperty("state").GetString()));
        Assert.StartsWith("invalid phone", items[1].GetProperty("reason").GetString());
        Assert.Contains("global do-not-call", items[2].GetProperty("reason").GetString());
        Assert.Contains("campaign's do-not-call", items[3].GetProperty("reason").GetString());

        var rejected = await billing.GetFromJsonAsync<JsonElement>($"/api/reminders/{items[1].GetProperty("id").GetString()}");
        Assert.Equal("rejected", rejected.GetProperty("state").GetString());
        Assert.Equal("12345", rejected.GetProperty("phone").GetString());
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaign", campaign));
    }

    [ApiFact]
    public async Task SamePhoneUpdatesTheLiveContactInsteadOfDiallingTwice()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);
        var first = await CampaignBodies.ReadAsync(await PostAsync(billing, ExampleBatch(campaign), "same-1"));
        var firstId = first.GetProperty("reminders")[0].GetProperty("id").GetString();

        var newer = await CampaignBodies.ReadAsync(await PostAsync(billing, ExampleBatch(campaign).Replace("128.50", "256.00"), "same-2"));
        var otherAccount = await CampaignBodies.ReadAsync(await PostAsync(billing, ExampleBatch(campaign).Replace("A100", "B999"), "same-3"));

        Assert.Equal("queued", newer.GetProperty("reminders")[0].GetProperty("state").GetString());
        var old = await billing.GetFromJsonAsync<JsonElement>($"/api/reminders/{firstId}");
        Assert.Equal("cancelled", old.GetProperty("state").GetString());
        Assert.StartsWith("superseded by reminder", old.GetProperty("reason").GetString());
        var clash = otherAccount.GetProperty("reminders")[0];
        Assert.Equal("rejected", clash.GetProperty("state").GetString());
        Assert.Contains("account A100", clash.GetProperty("reason").GetString());
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaign", campaign));
        using var custom = JsonDocument.Parse((await ContactAsync(campaign, "+8613812345678")).CustomJson);
        Assert.Equal("256.00", custom.RootElement.GetProperty("amount_due").GetString());

        // A finished contact is revived for a new reminder.
        await ExecAsync($"UPDATE contacts SET state = 'done', attempts = 3 WHERE campaign_id = {campaign}");
        var later = await CampaignBodies.ReadAsync(await PostAsync(billing, ExampleBatch(campaign).Replace("2026-12-01", "2027-01-01"), "same-4"));
        Assert.Equal("queued", later.GetProperty("reminders")[0].GetProperty("state").GetString());
        var revived = await ContactAsync(campaign, "+8613812345678");
        Assert.Equal(("new", 0), (revived.State, revived.Attempts));
    }

    [ApiFact]
    public async Task DuplicatesWithinOneBatchAreReportedNotDialledTwice()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);
        var batch = BatchJson(campaign, [("D1", "13822220000"), ("D1", "+86 138-2222-0000"), ("D2", "008613822220000")]);

        var items = (await CampaignBodies.ReadAsync(await PostAsync(billing, batch, "dup-1"))).GetProperty("reminders").EnumerateArray().ToList();

        Assert.Equal(["cancelled", "queued", "rejected"], items.Select(i => i.GetProperty("state").GetString()));
        Assert.Equal($"superseded by reminder {items[1].GetProperty("id").GetString()}", items[0].GetProperty("reason").GetString());
        Assert.Contains("account D1", items[2].GetProperty("reason").GetString());
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaign", campaign));
        Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM reminders WHERE campaign_id = @campaign", campaign));
    }

    /// <summary>Chinese account ids, one account with two numbers and one number twice, and a replayed key with a changed Chinese id.</summary>
    [ApiFact]
    public async Task ChineseAccountIdsAndRepeatedAccountsInOneBatchAreKeptExactly()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);
        (string, string)[] reminders = [("客户-张伟-001", "13822221111"), ("客户-张伟-001", "0571-88881234"), ("帐户 王芳", "138 2222 1111"), ("𠮷野家", "１３８２２２２３３３３")];
        var batch = BatchJson(campaign, reminders);

        var response = await PostAsync(billing, batch, "中文-key-1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await CampaignBodies.ReadAsync(response)).GetProperty("reminders").EnumerateArray().ToList();

        Assert.Equal(["客户-张伟-001", "客户-张伟-001", "帐户 王芳", "𠮷野家"], items.Select(i => i.GetProperty("accountId").GetString()));
        Assert.Equal(["queued", "queued", "rejected", "queued"], items.Select(i => i.GetProperty("state").GetString()));
        Assert.Contains("account 客户-张伟-001", items[2].GetProperty("reason").GetString());
        Assert.Equal("客户-张伟-001", (await ContactAsync(campaign, "+8657188881234")).AccountId);
        Assert.Equal("𠮷野家", (await ContactAsync(campaign, "+8613822223333")).AccountId);
        var stored = await billing.GetFromJsonAsync<JsonElement>($"/api/reminders/{items[3].GetProperty("id").GetString()}");
        Assert.Equal("𠮷野家", stored.GetProperty("accountId").GetString());

        // The same key again: the same body (however written) replays, a changed Chinese id is refused and stores nothing.
        var replay = await PostAsync(billing, batch.Replace("\"bill\"", "\"bill\" "), "中文-key-1");
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.True(replay.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true");
        reminders[2].Item1 = "帐户 王方";
        var changed = await PostAsync(billing, BatchJson(campaign, reminders), "中文-key-1");
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Contains("Idempotency-Key", (await CampaignBodies.ReadAsync(changed)).GetProperty("detail").GetString());
        Assert.Equal(4, await CountAsync("SELECT COUNT(*) FROM reminders WHERE campaign_id = @campaign", campaign));
        Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaign", campaign));
    }

    [ApiFact]
    public async Task WrongCampaignTypeIs400AndUnknownCampaign404()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var care = (await CampaignBodies.CreateAsync(manager, CampaignBodies.With("type=\"care\""))).GetProperty("id").GetInt64();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", care);

        var wrongType = await PostAsync(billing, ExampleBatch(care), "type-1");
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.True((await CampaignBodies.ReadAsync(wrongType)).GetProperty("errors").TryGetProperty("campaignId", out _));

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(billing, ExampleBatch(999_999), "type-2")).StatusCode);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reminders WHERE campaign_id = @campaign", care));
    }

    [ApiTheory]
    [InlineData("\"kind\": \"arrears\"", "\"kind\": \"invoice\"", "reminders[0].kind")]
    [InlineData("\"currency\": \"CNY\"", "\"currency\": \"yuan\"", "reminders[0].currency")]
    [InlineData("\"dueDate\": \"2026-12-01\"", "\"dueDate\": \"01/12/2026\"", "reminders[0].dueDate")]
    [InlineData("\"amountDue\": 128.50", "\"amountDue\": -1", "reminders[0].amountDue")]
    [InlineData("\"amountDue\": 128.50", "\"amountDue\": \"lots\"", "reminders[0].amountDue")]
    [InlineData("\"accountId\": \"A100\"", "\"accountId\": \" \"", "reminders[0].accountId")]
    [InlineData("\"language\": \"zh\"", "\"language\": \"zh\", \"priority\": 1", "reminders[0].priority")]
    public async Task MalformedBatchIs400NamingTheField(string from, string to, string field)
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);

        var response = await PostAsync(billing, ExampleBatch(campaign).Replace(from, to), $"bad-{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await CampaignBodies.ReadAsync(response)).GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
    }

    [ApiFact]
    public async Task BatchAboveTenThousandIs400()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);
        var batch = BatchJson(campaign, Enumerable.Range(0, 10_001).Select(i => ($"X{i}", $"1360{i:D7}")));

        var response = await PostAsync(billing, batch, "big-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await CampaignBodies.ReadAsync(response)).GetProperty("errors").TryGetProperty("reminders", out _));
    }

    [ApiFact]
    public async Task OnlyBillingKeysPostReminders()
    {
        var campaign = await BillingCampaignAsync();
        var (manager, _) = await factory.ClientWithRoleAsync("manager");

        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(manager, ExampleBatch(campaign), "role-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(factory.Admin(), ExampleBatch(campaign), "role-2")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(factory.ClientWith(null), ExampleBatch(campaign), "role-3")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/reminders")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:1/x" })).StatusCode);
    }

    [ApiFact]
    public async Task StoppingTheCampaignCancelsOpenRemindersAndRefusesNewOnes()
    {
        var campaign = await BillingCampaignAsync();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = (await CampaignBodies.ReadAsync(await PostAsync(billing, ExampleBatch(campaign), "stop-1"))).GetProperty("reminders")[0].GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/campaigns/{campaign}/stop", null)).StatusCode);

        var reminder = await billing.GetFromJsonAsync<JsonElement>($"/api/reminders/{id}");
        Assert.Equal("cancelled", reminder.GetProperty("state").GetString());
        Assert.Equal("campaign stopped", reminder.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(billing, ExampleBatch(campaign).Replace("A100", "A101"), "stop-2")).StatusCode);
        // The earlier key still answers its stored response.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(billing, ExampleBatch(campaign), "stop-1")).StatusCode);
    }

    private async Task<long> BillingCampaignAsync()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        return (await CampaignBodies.CreateAsync(manager)).GetProperty("id").GetInt64();
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reminders") { Content = CampaignBodies.Json(json) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static string BatchJson(long campaign, IEnumerable<(string Account, string Phone)> items) =>
        JsonSerializer.Serialize(new
        {
            campaignId = campaign,
            reminders = items.Select(i => new { accountId = i.Account, phone = i.Phone, amountDue = 50m, currency = "CNY", dueDate = "2026-12-01", kind = "bill" }),
        });

    private async Task<long> CountAsync(string sql, long campaign)
    {
        await using var c = await factory.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>(sql, new { campaign });
    }

    private async Task ExecAsync(string sql)
    {
        await using var c = await factory.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        await c.ExecuteAsync(sql);
    }

    private async Task<ContactRow> ContactAsync(long campaign, string phone)
    {
        await using var c = await factory.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        return await c.QuerySingleAsync<ContactRow>(
            "SELECT state, account_id, time_zone, custom_json, attempts FROM contacts WHERE campaign_id = @campaign AND phone = @phone",
            new { campaign, phone });
    }

    private sealed class ContactRow
    {
        public string State { get; set; } = "";

        public string? AccountId { get; set; }

        public string TimeZone { get; set; } = "";

        public string CustomJson { get; set; } = "";

        public int Attempts { get; set; }
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class RemindersApiTestsOnPostgres(PostgresApiFactory factory) : RemindersApiTests(factory), IClassFixture<PostgresApiFactory>;
