using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dialer.Tests.Api;
using Dialer.Tests.Imports;

namespace Dialer.Tests.Dnc;

public class DncApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<string?> StateAsync(long campaign, string phone) =>
        (string?)(await factory.QueryAsync("SELECT state FROM contacts WHERE campaign_id = $c AND phone = $p", ("$c", campaign), ("$p", phone)))
            .SingleOrDefault()?["state"];

    [ApiFact]
    public async Task GlobalEntryTakesContactsOutOfEveryCampaignAndRemovalPutsThemBack()
    {
        var admin = factory.Admin();
        var a = await factory.CreateCampaignAsync();
        var b = await factory.CreateCampaignAsync();
        var list = ImportClient.Utf8("phone\n15900002222\n15900003333\n");
        ImportClient.AssertCounts(await admin.ImportAsync(a, list), 2, 2, 0, 0, 0);
        ImportClient.AssertCounts(await admin.ImportAsync(b, list), 2, 2, 0, 0, 0);
        await factory.QueryAsync("UPDATE contacts SET state = 'done' WHERE campaign_id = $b AND phone = '+8615900002222'", ("$b", b));

        var added = await admin.PostAsJsonAsync("/api/dnc", new { phone = "+86 159 0000 2222", campaignId = (long?)null, source = "customer request" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var body = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("contactsMarked").GetInt32());
        Assert.Equal("+8615900002222", body.GetProperty("entry").GetProperty("phone").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("entry").GetProperty("campaignId").ValueKind);
        Assert.True(body.GetProperty("entry").GetProperty("active").GetBoolean());
        Assert.Equal("dnc", await StateAsync(a, "+8615900002222"));
        Assert.Equal("done", await StateAsync(b, "+8615900002222"));
        Assert.Equal("new", await StateAsync(a, "+8615900003333"));

        // Adding it again renews the entry (200), nothing new is marked.
        var again = await admin.PostAsJsonAsync("/api/dnc", new { phone = "15900002222", source = "second request" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/dnc/+8615900002222")).StatusCode);
        Assert.Equal("new", await StateAsync(a, "+8615900002222"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/dnc/15900002222")).StatusCode);
    }

    [ApiFact]
    public async Task CampaignEntryMarksOnlyThatCampaignAndGlobalEntryStillHoldsAfterRemoval()
    {
        var admin = factory.Admin();
        var a = await factory.CreateCampaignAsync();
        var b = await factory.CreateCampaignAsync();
        var list = ImportClient.Utf8("phone\n15900004444\n");
        await admin.ImportAsync(a, list);
        await admin.ImportAsync(b, list);

        var added = await admin.PostAsJsonAsync("/api/dnc", new { phone = "15900004444", campaignId = a, source = "complaint" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal($"/api/dnc?phone=%2B8615900004444&campaignId={a}", added.Headers.Location?.ToString());
        Assert.Equal("dnc", await StateAsync(a, "+8615900004444"));
        Assert.Equal("new", await StateAsync(b, "+8615900004444"));

        await admin.PostAsJsonAsync("/api/dnc", new { phone = "15900004444", source = "global" });
        Assert.Equal("dnc", await StateAsync(b, "+8615900004444"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/dnc/15900004444?campaignId={b}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/dnc/15900004444?campaignId={a}")).StatusCode);
        Assert.Equal("dnc", await StateAsync(a, "+8615900004444")); // the global entry still holds it back
    }

    [ApiFact]
    public async Task ListFiltersByNumberAndList()
    {
        var admin = factory.Admin();
        var campaign = await factory.CreateCampaignAsync();
        await admin.PostAsJsonAsync("/api/dnc", new { phone = "13600000001", source = "a" });
        await admin.PostAsJsonAsync("/api/dnc", new { phone = "13600000002", campaignId = campaign, source = "b", expiresAt = DateTimeOffset.UtcNow.AddDays(30) });

        var byPhone = await admin.GetFromJsonAsync<JsonElement>("/api/dnc?phone=136-0000-0001");
        Assert.Equal(1, byPhone.GetProperty("total").GetInt64());
        Assert.Equal("a", byPhone.GetProperty("entries")[0].GetProperty("source").GetString());

        var byCampaign = await admin.GetFromJsonAsync<JsonElement>($"/api/dnc?campaignId={campaign}");
        var entry = Assert.Single(byCampaign.GetProperty("entries").EnumerateArray());
        Assert.Equal("+8613600000002", entry.GetProperty("phone").GetString());
        Assert.NotEqual(JsonValueKind.Null, entry.GetProperty("expiresAt").ValueKind);

        var global = await admin.GetFromJsonAsync<JsonElement>("/api/dnc?campaignId=0&page=1");
        Assert.Contains(global.GetProperty("entries").EnumerateArray(), e => e.GetProperty("phone").GetString() == "+8613600000001");
        Assert.DoesNotContain(global.GetProperty("entries").EnumerateArray(), e => e.GetProperty("phone").GetString() == "+8613600000002");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/dnc?page=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/dnc?phone=12")).StatusCode);
    }

    [ApiFact]
    public async Task ExpiredEntriesBlockNothing()
    {
        var admin = factory.Admin();
        var campaign = await factory.CreateCampaignAsync();
        await factory.QueryAsync("INSERT INTO dnc_entries (phone, campaign_id, source, created_at, expires_at) VALUES ('+8613500000009', 0, 'old', 0, 1000)");
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/dnc?phone=13500000009");
        Assert.False(listed.GetProperty("entries")[0].GetProperty("active").GetBoolean());
        ImportClient.AssertCounts(await admin.ImportAsync(campaign, ImportClient.Utf8("phone\n13500000009\n")), 1, 1, 0, 0, 0);

        // Renewing the entry with a future expiry blocks the number again.
        var renewed = await admin.PostAsJsonAsync("/api/dnc", new { phone = "13500000009", expiresAt = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(1, (await renewed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contactsMarked").GetInt32());
    }

    [ApiFact]
    public async Task BadRequestsAreRejected()
    {
        var admin = factory.Admin();
        var response = await admin.PostAsJsonAsync("/api/dnc", new { phone = "12345", source = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("Chinese", errors.GetProperty("phone")[0].GetString());

        response = await admin.PostAsJsonAsync("/api/dnc", new { phone = "13800000000", expiresAt = DateTimeOffset.UtcNow.AddDays(-1) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expiresAt", await response.Content.ReadAsStringAsync());

        response = await admin.PostAsJsonAsync("/api/dnc", new { phone = "13800000000", defaultCountry = "ZZ" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/dnc", new { phone = "13800000000", campaignId = 999999 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.DeleteAsync("/api/dnc/abc")).StatusCode);
    }

    [ApiFact]
    public async Task DncNeedsAManagerKey()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWith(null).GetAsync("/api/dnc")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWith(null).PostAsJsonAsync("/api/dnc", new { phone = "13800000000" })).StatusCode);
        var (billing, _) = await factory.ClientWithRoleAsync("billing");
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.PostAsJsonAsync("/api/dnc", new { phone = "13800000000" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.DeleteAsync("/api/dnc/13800000000")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.PostAsync("/api/dnc/import", ImportClient.Form(ImportClient.Utf8("phone\n13800000000\n")))).StatusCode);
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/dnc")).StatusCode);
    }

    [ApiFact]
    public async Task BulkImportReportsEveryRowAndMarksContacts()
    {
        var admin = factory.Admin();
        var campaign = await factory.CreateCampaignAsync();
        await admin.ImportAsync(campaign, ImportClient.Utf8("phone\n13300000001\n13300000002\n"));
        await admin.PostAsJsonAsync("/api/dnc", new { phone = "13300000003", source = "earlier" });

        var csv = "电话,source,expiresAt\r\n"
                  + "13300000001,投诉,\r\n"                 // 2 imported, marks the contact
                  + "133 0000 0001,again,\r\n"             // 3 duplicate in file
                  + "13300000003,,\r\n"                    // 4 already listed
                  + "1330000,,\r\n"                        // 5 invalid phone
                  + "13300000005,,not a date\r\n"          // 6 invalid expiry
                  + "13300000006,\"bad\"x,\r\n"            // 7 malformed
                  + "13300000002,timed,2099-01-01\r\n";    // 8 imported with expiry
        var response = await admin.PostAsync("/api/dnc/import", ImportClient.Form(ImportClient.Utf8(csv, bom: true)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var report = await admin.WaitAsync(response.Headers.Location!.ToString());

        ImportClient.AssertCounts(report, total: 7, imported: 2, duplicates: 2, invalid: 3, dnc: 0);
        Assert.Equal("dnc", report.GetProperty("kind").GetString());
        var errors = ImportClient.ErrorsByRow(report);
        Assert.Equal([3, 4, 5, 6, 7], errors.Keys.Order());
        Assert.Contains("duplicate of row 2", errors[3]);
        Assert.Contains("already on the list", errors[4]);
        Assert.Contains("invalid phone", errors[5]);
        Assert.Contains("invalid expiry", errors[6]);
        Assert.Contains("malformed CSV", errors[7]);
        Assert.Equal("dnc", await StateAsync(campaign, "+8613300000001"));
        Assert.Equal("dnc", await StateAsync(campaign, "+8613300000002"));
        var entry = (await admin.GetFromJsonAsync<JsonElement>("/api/dnc?phone=13300000001")).GetProperty("entries")[0];
        Assert.Equal("投诉", entry.GetProperty("source").GetString());
    }

    /// <summary>A DNC list exported from a Chinese-locale Excel: gb18030, semicolons, ",,," rows and a trailing separator.</summary>
    [ApiFact]
    public async Task BulkImportOfASemicolonSeparatedGb18030List()
    {
        var admin = factory.Admin();
        var csv = "电话;来源;到期\r\n13300000071;客户要求;\r\n;;\r\n133-0000-0072;投诉;2099-01-01;\r\n1.33E+10;;\r\n";
        var response = await admin.PostAsync("/api/dnc/import", ImportClient.Form(ImportClient.Gb18030.GetBytes(csv), "dnc.csv", ("encoding", "gb18030")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var report = await admin.WaitAsync(response.Headers.Location!.ToString());

        ImportClient.AssertCounts(report, total: 3, imported: 2, duplicates: 0, invalid: 1, dnc: 0);
        Assert.Contains("scientific notation", ImportClient.ErrorsByRow(report)[5]);
        var entry = (await admin.GetFromJsonAsync<JsonElement>("/api/dnc?phone=13300000072")).GetProperty("entries")[0];
        Assert.Equal("投诉", entry.GetProperty("source").GetString());
    }

    [ApiFact]
    public async Task BulkImportForACampaignAndItsErrors()
    {
        var admin = factory.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/dnc/import", ImportClient.Form(ImportClient.Utf8("phone\n13300000001\n"), "d.csv", ("campaignId", "999999")))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/api/dnc/import", ImportClient.Form(ImportClient.Utf8("phone\n13300000001\n"), "d.csv", ("campaignId", "x")))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/api/dnc/import", ImportClient.Form(ImportClient.Utf8("name\nx\n")))).StatusCode);

        var campaign = await factory.CreateCampaignAsync();
        var response = await admin.PostAsync("/api/dnc/import", ImportClient.Form(ImportClient.Gb18030.GetBytes("手机,来源\n13300000021,客户要求\n"), "d.csv", ("campaignId", campaign.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("encoding", "gb18030")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var report = await admin.WaitAsync(response.Headers.Location!.ToString());
        ImportClient.AssertCounts(report, 1, 1, 0, 0, 0);
        var entry = (await admin.GetFromJsonAsync<JsonElement>($"/api/dnc?campaignId={campaign}")).GetProperty("entries")[0];
        Assert.Equal("客户要求", entry.GetProperty("source").GetString());
        Assert.Equal(campaign, entry.GetProperty("campaignId").GetInt64());
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class DncApiTestsOnPostgres(PostgresApiFactory factory) : DncApiTests(factory), IClassFixture<PostgresApiFactory>;
