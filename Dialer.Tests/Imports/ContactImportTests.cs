using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dialer.Tests.Api;

namespace Dialer.Tests.Imports;

public class ContactImportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private Task<List<Dictionary<string, object?>>> ContactsAsync(long campaign) =>
        factory.QueryAsync("SELECT phone, name, time_zone, account_id, custom_json, state, list_id FROM contacts WHERE campaign_id = $c ORDER BY id", ("$c", campaign));

    [ApiFact]
    public async Task Utf8FileWithBomAndCrlfImportsWithTimeZonesAndCustomFields()
    {
        var campaign = await factory.CreateCampaignAsync(timeZone: "Asia/Shanghai");
        var csv = "Name,Phone,Account,TimeZone,Plan\r\n"
                  + "Li Lei,138 1234 5678,A1,,gold\r\n"
                  + "Han Meimei,+1 212 734 1234,A2,,\r\n"
                  + "Jim,0571-88881234,A3,Europe/London,\"silver, monthly\"\r\n"
                  + "Tom,+852 2123 4567,A4,,\r\n";
        var report = await factory.Admin().ImportAsync(campaign, ImportClient.Utf8(csv, bom: true));

        ImportClient.AssertCounts(report, total: 4, imported: 4, duplicates: 0, invalid: 0, dnc: 0);
        Assert.Empty(report.GetProperty("errors").EnumerateArray());
        var rows = await ContactsAsync(campaign);
        Assert.Equal(["+8613812345678", "+12127341234", "+8657188881234", "+85221234567"], rows.Select(r => (string)r["phone"]!));
        Assert.Equal(["Asia/Shanghai", "America/New_York", "Europe/London", "Asia/Hong_Kong"], rows.Select(r => (string)r["time_zone"]!));
        Assert.Equal("Li Lei", rows[0]["name"]);
        Assert.Equal("A1", rows[0]["account_id"]);
        Assert.Equal("new", rows[0]["state"]);
        Assert.NotNull(rows[0]["list_id"]);
        Assert.Equal("{\"Plan\":\"gold\"}", rows[0]["custom_json"]);
        Assert.Null(rows[1]["custom_json"]);
        Assert.Equal("silver, monthly", JsonDocument.Parse((string)rows[2]["custom_json"]!).RootElement.GetProperty("Plan").GetString());
    }

    [ApiFact]
    public async Task Gb18030FileWithChineseHeadersKeepsChineseTextExactly()
    {
        var campaign = await factory.CreateCampaignAsync();
        const string address = "浙江省杭州市西湖区文三路 477 号，华星科技大厦 1501 室 \"东门\"";
        var csv = "姓名,电话,账号,地址\r\n"
                  + $"张伟,13812345678,账1001,\"{address.Replace("\"", "\"\"", StringComparison.Ordinal)}\"\r\n"
                  + "王芳,０５７１－８８８８１２３４,账1002,𠮷野家\r\n";
        var report = await factory.Admin().ImportAsync(campaign, ImportClient.Gb18030.GetBytes(csv), ("encoding", "gb18030"));

        ImportClient.AssertCounts(report, total: 2, imported: 2, duplicates: 0, invalid: 0, dnc: 0);
        var rows = await ContactsAsync(campaign);
        Assert.Equal(["张伟", "王芳"], rows.Select(r => (string)r["name"]!));
        Assert.Equal(["账1001", "账1002"], rows.Select(r => (string)r["account_id"]!));
        Assert.Equal(["+8613812345678", "+8657188881234"], rows.Select(r => (string)r["phone"]!));
        var stored = JsonDocument.Parse((string)rows[0]["custom_json"]!).RootElement.GetProperty("地址").GetString();
        Assert.Equal(Encoding.UTF8.GetBytes(address), Encoding.UTF8.GetBytes(stored!));
        Assert.Equal("𠮷野家", JsonDocument.Parse((string)rows[1]["custom_json"]!).RootElement.GetProperty("地址").GetString());
    }

    [ApiFact]
    public async Task MalformedRowsInvalidPhonesAndBadTimeZonesAreReportedByRow()
    {
        var campaign = await factory.CreateCampaignAsync();
        var csv = "phone,name,时区\n"
                  + "13812340001,ok one,\n"                     // 2 imported
                  + "13812340002,\"bad \"quote,\n"              // 3 malformed: after closing quote
                  + "13812340003,too,many,columns\n"            // 4 wrong column count
                  + "1381234,short,\n"                          // 5 invalid phone
                  + "13812340005,zone,Mars/Olympus\n"           // 6 bad time zone
                  + "13812340006,wi\"ndows,\n"                  // 7 quote inside unquoted field
                  + "13812340007,utc,UTC\n"                     // 8 imported
                  + "13812340008,windows id,China Standard Time\n"; // 9 not IANA
        var report = await factory.Admin().ImportAsync(campaign, ImportClient.Utf8(csv));

        ImportClient.AssertCounts(report, total: 8, imported: 2, duplicates: 0, invalid: 6, dnc: 0);
        var errors = ImportClient.ErrorsByRow(report);
        Assert.Equal([3, 4, 5, 6, 7, 9], errors.Keys.Order());
        Assert.Contains("malformed CSV", errors[3]);
        Assert.Contains("4 columns where the header has 3", errors[4]);
        Assert.Contains("invalid phone", errors[5]);
        Assert.Contains("11 digits", errors[5]);
        Assert.Contains("invalid time zone 'Mars/Olympus'", errors[6]);
        Assert.Contains("quote inside an unquoted field", errors[7]);
        Assert.Contains("invalid time zone", errors[9]);
        Assert.All(report.GetProperty("errors").EnumerateArray(), e => Assert.Equal("invalid", e.GetProperty("kind").GetString()));
        var rows = await ContactsAsync(campaign);
        Assert.Equal(["+8613812340001", "+8613812340007"], rows.Select(r => (string)r["phone"]!));
        Assert.Equal("UTC", rows[1]["time_zone"]);
    }

    [ApiFact]
    public async Task DuplicatesInTheFileAndInTheCampaignAreCountedNotImported()
    {
        var campaign = await factory.CreateCampaignAsync();
        var admin = factory.Admin();
        var first = await admin.ImportAsync(campaign, ImportClient.Utf8("tel\n13900000001\n13900000002\n"));
        ImportClient.AssertCounts(first, total: 2, imported: 2, duplicates: 0, invalid: 0, dnc: 0);

        var second = await admin.ImportAsync(campaign, ImportClient.Utf8("tel\n139 0000 0002\n13900000003\n+86 139-0000-0003\n0086 13900000003\n"));
        ImportClient.AssertCounts(second, total: 4, imported: 1, duplicates: 3, invalid: 0, dnc: 0);
        var errors = ImportClient.ErrorsByRow(second);
        Assert.Equal("+8613900000002 is already in the campaign", errors[2]);
        Assert.Equal("+8613900000003 is a duplicate of row 3", errors[4]);
        Assert.Equal("+8613900000003 is a duplicate of row 3", errors[5]);
        Assert.Equal(3, (await ContactsAsync(campaign)).Count);

        // Another campaign may hold the same numbers.
        var other = await factory.CreateCampaignAsync();
        ImportClient.AssertCounts(await admin.ImportAsync(other, ImportClient.Utf8("tel\n13900000001\n")), 1, 1, 0, 0, 0);
    }

    [ApiFact]
    public async Task NumbersOnActiveDncListsAreScreenedOut()
    {
        var campaign = await factory.CreateCampaignAsync();
        var otherCampaign = await factory.CreateCampaignAsync();
        var admin = factory.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/dnc", new { phone = "13700000001", campaignId = (long?)null, source = "customer request" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/dnc", new { phone = "13700000002", campaignId = campaign, source = "complaint" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/dnc", new { phone = "13700000003", campaignId = otherCampaign, source = "other campaign" })).StatusCode);
        await factory.QueryAsync("INSERT INTO dnc_entries (phone, campaign_id, source, created_at, expires_at) VALUES ('+8613700000004', 0, 'expired', 0, 1000)");

        var report = await admin.ImportAsync(campaign, ImportClient.Utf8("mobile\n13700000001\n13700000002\n13700000003\n13700000004\n"));

        ImportClient.AssertCounts(report, total: 4, imported: 2, duplicates: 0, invalid: 0, dnc: 2);
        var errors = ImportClient.ErrorsByRow(report);
        Assert.Contains("global do-not-call list", errors[2]);
        Assert.Contains("this campaign's do-not-call list", errors[3]);
        Assert.Equal(["+8613700000003", "+8613700000004"], (await ContactsAsync(campaign)).Select(r => (string)r["phone"]!));
    }

    [ApiFact]
    public async Task TimeZoneFallsBackToTheCampaignsWhenTheNumberHasNone()
    {
        var campaign = await factory.CreateCampaignAsync(timeZone: "Australia/Sydney");
        var report = await factory.Admin().ImportAsync(campaign, ImportClient.Utf8("phone\n+61 2 9374 4000\n+1 800 642 7676\n"));
        ImportClient.AssertCounts(report, 2, 2, 0, 0, 0);
        Assert.All(await ContactsAsync(campaign), r => Assert.Equal("Australia/Sydney", r["time_zone"]));
    }

    [ApiFact]
    public async Task PhoneColumnAndDefaultCountryParametersAreHonoured()
    {
        var campaign = await factory.CreateCampaignAsync();
        var report = await factory.Admin().ImportAsync(campaign,
            ImportClient.Utf8("客户,Cell Number,联系电话\nBob,(212) 734-1234,13800000000\n"),
            ("phoneColumn", "cell number"), ("defaultCountry", "US"));
        ImportClient.AssertCounts(report, 1, 1, 0, 0, 0);
        var row = Assert.Single(await ContactsAsync(campaign));
        Assert.Equal("+12127341234", row["phone"]);
        var custom = JsonDocument.Parse((string)row["custom_json"]!).RootElement;
        Assert.Equal("Bob", custom.GetProperty("客户").GetString());
        Assert.Equal("13800000000", custom.GetProperty("联系电话").GetString());
    }

    [ApiFact]
    public async Task ErrorsReportIsUtf8CsvWithBom()
    {
        var campaign = await factory.CreateCampaignAsync();
        var admin = factory.Admin();
        var report = await admin.ImportAsync(campaign, ImportClient.Utf8("电话,姓名\n13812345678,李雷\n123,韩梅梅\n13812345678,\"李, 雷\"\n"));
        ImportClient.AssertCounts(report, 3, 1, 1, 1, 0);

        var response = await admin.GetAsync(report.GetProperty("errorsCsv").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,kind,code,reason,raw", lines[0]);
        Assert.StartsWith("3,invalid,invalid_phone,\"invalid phone: Chinese mobile numbers have 11 digits", lines[1]);
        Assert.EndsWith(",\"123,韩梅梅\"", lines[1]);
        Assert.Equal("4,duplicate,duplicate_in_file,'+8613812345678 is a duplicate of row 2,\"13812345678,\"\"李, 雷\"\"\"", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [ApiFact]
    public async Task TwentyThousandRowsStreamThroughWithEveryRowAccountedFor()
    {
        var campaign = await factory.CreateCampaignAsync();
        var sb = new StringBuilder("姓名,电话,账号,地址\r\n");
        for (var i = 0; i < 20_000; i++)
        {
            var phone = i % 100 == 99 ? "bad" : i % 50 == 49 ? $"1{5:D1}{i - 1:D9}" : $"15{i:D9}";
            sb.Append($"客户{i},{phone},A{i},\"地址 {i}, 楼\"\r\n");
        }

        var report = await factory.Admin().ImportAsync(campaign, ImportClient.Utf8(sb.ToString()));
        ImportClient.AssertCounts(report, total: 20_000, imported: 19_600, duplicates: 200, invalid: 200, dnc: 0);
        Assert.Equal(19_600L, (await factory.QueryAsync("SELECT COUNT(*) AS n FROM contacts WHERE campaign_id = $c", ("$c", campaign)))[0]["n"]);
        Assert.Equal(400L, (await factory.QueryAsync("SELECT COUNT(*) AS n FROM import_errors WHERE import_id = $i", ("$i", report.GetProperty("id").GetInt64())))[0]["n"]);
        var page = await factory.Admin().GetFromJsonAsync<JsonElement>($"/api/imports/{report.GetProperty("id").GetInt64()}?errorsOffset=390&errorsLimit=50");
        Assert.Equal(10, page.GetProperty("errors").GetArrayLength());
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class ContactImportTestsOnPostgres(PostgresApiFactory factory) : ContactImportTests(factory), IClassFixture<PostgresApiFactory>;
