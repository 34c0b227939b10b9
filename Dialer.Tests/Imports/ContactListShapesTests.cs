using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dialer.Tests.Api;

namespace Dialer.Tests.Imports;

/// <summary>Call lists in the shapes spreadsheets and other systems write them, through the real upload and import.</summary>
public class ContactListShapesTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private Task<List<Dictionary<string, object?>>> ContactsAsync(long campaign) =>
        factory.QueryAsync("SELECT phone, name, account_id, time_zone, custom_json FROM contacts WHERE campaign_id = $c ORDER BY id", ("$c", campaign));

    private static string Custom(Dictionary<string, object?> row, string key) =>
        JsonDocument.Parse((string)row["custom_json"]!).RootElement.GetProperty(key).GetString()!;

    /// <summary>The headers people write: 手机号码, 客户姓名, 户号, "Phone Number", "Customer Name", "Account No.".</summary>
    [ApiFact]
    public async Task CommonHeadersForPhoneNameAndAccountAreRecognised()
    {
        var admin = factory.Admin();
        var chinese = await factory.CreateCampaignAsync();
        ImportClient.AssertCounts(await admin.ImportAsync(chinese, ImportClient.Utf8("序号,客户姓名,手机号码,户号,欠费\n1,张伟,13800138000,3301-0001,128.50\n")), 1, 1, 0, 0, 0);
        var row = Assert.Single(await ContactsAsync(chinese));
        Assert.Equal(("+8613800138000", "张伟", "3301-0001"), ((string)row["phone"]!, (string)row["name"]!, (string)row["account_id"]!));
        Assert.Equal(("1", "128.50"), (Custom(row, "序号"), Custom(row, "欠费")));

        var english = await factory.CreateCampaignAsync();
        ImportClient.AssertCounts(await admin.ImportAsync(english, ImportClient.Utf8("Customer Name,Phone Number,Account No.\nLi Lei,13800138001,A-9\n")), 1, 1, 0, 0, 0);
        row = Assert.Single(await ContactsAsync(english));
        Assert.Equal(("+8613800138001", "Li Lei", "A-9"), ((string)row["phone"]!, (string)row["name"]!, (string)row["account_id"]!));
    }

    /// <summary>A European or Chinese-locale Excel writes semicolons, "Unicode text" tabs: both were a 400 "no phone column".</summary>
    [ApiFact]
    public async Task SemicolonAndTabSeparatedListsImportLikeCommaSeparatedOnes()
    {
        var admin = factory.Admin();
        var campaign = await factory.CreateCampaignAsync();
        var semicolon = ImportClient.Gb18030.GetBytes("电话;姓名;账号;时区;地址\r\n138 0013 8000;张伟;账1;;\"北京市朝阳区; 建国路 1 号, 3 层\"\r\n13800138001;王芳;账2;Asia/Urumqi;上海\r\n");
        ImportClient.AssertCounts(await admin.ImportAsync(campaign, semicolon, ("encoding", "gb18030")), 2, 2, 0, 0, 0);
        var rows = await ContactsAsync(campaign);
        Assert.Equal(["+8613800138000", "+8613800138001"], rows.Select(r => (string)r["phone"]!));
        Assert.Equal(["张伟", "王芳"], rows.Select(r => (string)r["name"]!));
        Assert.Equal(["账1", "账2"], rows.Select(r => (string)r["account_id"]!));
        Assert.Equal(["Asia/Shanghai", "Asia/Urumqi"], rows.Select(r => (string)r["time_zone"]!));
        Assert.Equal("北京市朝阳区; 建国路 1 号, 3 层", Custom(rows[0], "地址"));

        var other = await factory.CreateCampaignAsync();
        var tab = ImportClient.Utf8("Phone\tName\tNote\n13800138002\tLi, Lei\t\"a\tb\"\n123\tbad\t\n", bom: true);
        var report = await admin.ImportAsync(other, tab);
        ImportClient.AssertCounts(report, 2, 1, 0, 1, 0);
        Assert.Equal(3, Assert.Single(report.GetProperty("errors").EnumerateArray()).GetProperty("row").GetInt64());
        var row = Assert.Single(await ContactsAsync(other));
        Assert.Equal(("+8613800138002", "Li, Lei", "a\tb"), ((string)row["phone"]!, (string)row["name"]!, Custom(row, "Note")));
    }

    /// <summary>A Chinese Excel list (gb18030, semicolons) on the pages and in the calls export, exactly as written.</summary>
    [ApiFact]
    public async Task ChineseNamesAndAddressesSurviveThePagesAndTheCallsExport()
    {
        var campaign = await factory.CreateCampaignAsync();
        const string address = "浙江省杭州市西湖区文三路 477 号；华星大厦 \"东门\" 𠮷";
        var file = ImportClient.Gb18030.GetBytes($"姓名;电话;账号;地址\r\n欧阳娜娜;13800138050;账-甲;\"{address.Replace("\"", "\"\"", StringComparison.Ordinal)}\"\r\n");
        ImportClient.AssertCounts(await factory.Admin().ImportAsync(campaign, file, ("encoding", "gb18030")), 1, 1, 0, 0, 0);
        var contact = (long)(await factory.QueryAsync("SELECT id FROM contacts WHERE campaign_id = $c", ("$c", campaign)))[0]["id"]!;

        var manager = await BrowserClient.SignedInAsync(factory, "manager");
        var list = await manager.Http.GetStringAsync($"/campaigns/{campaign}/contacts");
        Assert.Contains("欧阳娜娜", list, StringComparison.Ordinal);
        Assert.Contains("浙江省杭州市西湖区文三路 477 号；华星大厦", list, StringComparison.Ordinal);
        var page = System.Net.WebUtility.HtmlDecode(await manager.Http.GetStringAsync($"/contacts/{contact}"));
        Assert.Contains(address, page, StringComparison.Ordinal);
        Assert.Contains("账-甲", page, StringComparison.Ordinal);

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await factory.QueryAsync(
            "INSERT INTO call_attempts (campaign_id, contact_id, phone, queued_at, dialed_at, ended_at, outcome, sip_code) VALUES ($c, $k, '+8613800138050', $t, $t, $t, 'no_answer', 480)",
            ("$c", campaign), ("$k", contact), ("$t", now - 60_000));
        var csv = await factory.Admin().GetByteArrayAsync($"/api/reports/campaigns/{campaign}/calls.csv?lang=zh");
        var row = Encoding.UTF8.GetString(csv).Split("\r\n")[1].Split(',');
        Assert.Equal(("'+8613800138050", "欧阳娜娜", "账-甲"), (row[2], row[3], row[4]));
    }

    /// <summary>Excel's "Unicode text" is UTF-16 with a byte order mark, tab separated: it was refused as "not valid UTF-8 … send gb18030".</summary>
    [ApiFact]
    public async Task ExcelUnicodeTextUtf16WithBomImports()
    {
        var admin = factory.Admin();
        foreach (var encoding in new[] { Encoding.Unicode, Encoding.BigEndianUnicode })
        {
            var campaign = await factory.CreateCampaignAsync();
            var file = (byte[])[.. encoding.GetPreamble(), .. encoding.GetBytes("电话\t姓名\t地址\r\n13800138040\t张三\t\"广州市天河区, 体育西路 𠮷\"\r\n")];
            ImportClient.AssertCounts(await admin.ImportAsync(campaign, file), 1, 1, 0, 0, 0);
            var row = Assert.Single(await ContactsAsync(campaign));
            Assert.Equal(("+8613800138040", "张三", "广州市天河区, 体育西路 𠮷"), ((string)row["phone"]!, (string)row["name"]!, Custom(row, "地址")));
        }
    }

    /// <summary>
    /// A CR-only file (an old Mac's "CSV"): one badly quoted row swallowed every row after it into one malformed record,
    /// and rows after a quoted line break were reported on the wrong line.
    /// </summary>
    [ApiFact]
    public async Task ACrOnlyFileWithABadRowStillImportsTheRowsAfterIt()
    {
        var campaign = await factory.CreateCampaignAsync();
        var csv = "phone,name,address\r13800138010,a\"b,x\r13800138011,b,\"杭州\r西湖\"\r123,c,y\r13800138012,d,z";
        var report = await factory.Admin().ImportAsync(campaign, ImportClient.Utf8(csv));

        ImportClient.AssertCounts(report, total: 4, imported: 2, duplicates: 0, invalid: 2, dnc: 0);
        var errors = ImportClient.ErrorsByRow(report);
        Assert.Equal([2, 5], errors.Keys.Order());
        Assert.Contains("quote inside an unquoted field", errors[2]);
        Assert.Contains("11 digits", errors[5]);
        var rows = await ContactsAsync(campaign);
        Assert.Equal(["+8613800138011", "+8613800138012"], rows.Select(r => (string)r["phone"]!));
        Assert.Equal("杭州\r西湖", Custom(rows[0], "address"));
    }

    /// <summary>Empty fields after the last column (a trailing comma on every row) carry nothing: the rows are imported.</summary>
    [ApiFact]
    public async Task TrailingEmptyFieldsAreIgnoredButMissingOrExtraValuesAreNot()
    {
        var campaign = await factory.CreateCampaignAsync();
        var csv = "phone,name\r\n13800138020,a,\r\n13800138021,b,, \r\n13800138022\r\n13800138023,c,extra\r\n";
        var report = await factory.Admin().ImportAsync(campaign, ImportClient.Utf8(csv));

        ImportClient.AssertCounts(report, total: 4, imported: 2, duplicates: 0, invalid: 2, dnc: 0);
        var errors = ImportClient.ErrorsByRow(report);
        Assert.Contains("1 columns where the header has 2", errors[4]);
        Assert.Contains("3 columns where the header has 2", errors[5]);
        Assert.Equal(["a", "b"], (await ContactsAsync(campaign)).Select(r => (string)r["name"]!));
    }

    /// <summary>A time zone written in another case ("asia/shanghai") is the IANA id all the same: stored in its proper case.</summary>
    [ApiFact]
    public async Task TimeZonesInAnotherCaseAreStoredInTheirProperCase()
    {
        var campaign = await factory.CreateCampaignAsync();
        var csv = "phone,时区\n13800138070,asia/urumqi\n13800138071,AMERICA/NEW_YORK\n13800138072,Europe/London\n13800138073,china standard time\n13800138074,Mars/Olympus\n";
        var report = await factory.Admin().ImportAsync(campaign, ImportClient.Utf8(csv));

        ImportClient.AssertCounts(report, 5, 3, 0, 2, 0);
        var errors = ImportClient.ErrorsByRow(report);
        Assert.Contains("invalid time zone 'china standard time'", errors[5]);
        Assert.Contains("invalid time zone 'Mars/Olympus'", errors[6]);
        Assert.Equal(["Asia/Urumqi", "America/New_York", "Europe/London"], (await ContactsAsync(campaign)).Select(r => (string)r["time_zone"]!));
    }

    /// <summary>Excel writes ",,," for a formatted empty row: those rows were each an "empty phone number"; now skipped like blank lines.</summary>
    [ApiFact]
    public async Task RowsOfEmptyFieldsAreSkippedLikeBlankLines()
    {
        var campaign = await factory.CreateCampaignAsync();
        var csv = "phone,name,note\r\n13800138060,a,\r\n,,\r\n  , ,\r\n\"\",,\r\n,b,\r\n13800138061,c,\r\n,,\r\n,,\r\n";
        var report = await factory.Admin().ImportAsync(campaign, ImportClient.Utf8(csv));

        ImportClient.AssertCounts(report, total: 3, imported: 2, duplicates: 0, invalid: 1, dnc: 0);
        var error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Equal((6, "empty phone number"), (error.GetProperty("row").GetInt32(), error.GetProperty("reason").GetString()!.Replace("invalid phone: ", "")));
    }

    /// <summary>Excel shows a long number as 1.38001E+10 and may save it so: its last digits are gone. It was refused as an "extension".</summary>
    [ApiFact]
    public async Task NumbersInScientificNotationAreRefusedSayingSo()
    {
        var campaign = await factory.CreateCampaignAsync();
        var csv = "phone\n1.38001E+10\n1.3800138E10\n\"1,38001E+10\"\n13800138030\n13800138031 ext 5\n";
        var admin = factory.Admin();
        var report = await admin.ImportAsync(campaign, ImportClient.Utf8(csv));

        ImportClient.AssertCounts(report, 5, 1, 0, 4, 0);
        var errors = ImportClient.ErrorsByRow(report);
        Assert.Contains("'1.38001E+10' is a number in scientific notation", errors[2]);
        Assert.Contains("format the column as text", errors[3]);
        Assert.Contains("'1,38001E+10' is a number in scientific notation", errors[4]);
        Assert.Contains("extensions", errors[6]);
        var zh = new HttpRequestMessage(HttpMethod.Get, $"/api/imports/{report.GetProperty("id").GetInt64()}");
        zh.Headers.AcceptLanguage.ParseAdd("zh");
        var chinese = await (await admin.SendAsync(zh)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("科学计数法", ImportClient.ErrorsByRow(chinese)[2]);
    }

    /// <summary>Numbers as people write them, the same number in several forms, and what cannot be dialled.</summary>
    [ApiFact]
    public async Task PhoneNumbersWrittenInManyWaysAreNormalisedOrRefusedByRow()
    {
        var campaign = await factory.CreateCampaignAsync();
        string[] cells =
        [
            "+86 138 0013 8000", "0086-138-0013-8000", "(020) 8888 8888", "138-0013-8001", "１３８００１３８００２", "'13800138003", "tel:+86 138 0013 8004",
            "+1 (212) 734-1234", "+1 (212) 734-1234 x12", "1-800-FLOWERS", "138.0013.8001", "+８６ １３８-００１３-８００２", "+44 20 7946 0958",
        ];
        var csv = new StringBuilder("\uFEFF 电话 ,姓名\r\n");
        foreach (var cell in cells)
        {
            csv.Append('"').Append(cell).Append("\",客户\r\n");
        }

        var report = await factory.Admin().ImportAsync(campaign, ImportClient.Utf8(csv.ToString()));

        ImportClient.AssertCounts(report, total: 13, imported: 8, duplicates: 3, invalid: 2, dnc: 0);
        var errors = ImportClient.ErrorsByRow(report);
        Assert.Equal("+8613800138000 is a duplicate of row 2", errors[3]);
        Assert.Contains("extensions", errors[10]);
        Assert.Contains("unexpected character 'F'", errors[11]);
        Assert.Equal("+8613800138001 is a duplicate of row 5", errors[12]);
        Assert.Equal("+8613800138002 is a duplicate of row 6", errors[13]);
        Assert.Equal(
            ["+8613800138000", "+862088888888", "+8613800138001", "+8613800138002", "+8613800138003", "+8613800138004", "+12127341234", "+442079460958"],
            (await ContactsAsync(campaign)).Select(r => (string)r["phone"]!));
    }

    [ApiFact]
    public async Task HeaderOnlyFilesCompleteEmptyAndEmptyFilesAreRefused()
    {
        var admin = factory.Admin();
        foreach (var file in new[] { ImportClient.Utf8("phone,name"), ImportClient.Utf8("phone,name\r\n", bom: true), ImportClient.Utf8("\n\n电话\n\n") })
        {
            var campaign = await factory.CreateCampaignAsync();
            ImportClient.AssertCounts(await admin.ImportAsync(campaign, file), 0, 0, 0, 0, 0);
        }

        var url = $"/api/campaigns/{await factory.CreateCampaignAsync()}/contacts/import";
        foreach (var (file, message) in new[] { (Array.Empty<byte>(), "empty"), (ImportClient.Utf8("", bom: true), "no header row"), (ImportClient.Utf8("\r\n\r\n"), "no header row") })
        {
            var response = await admin.PostAsync(url, ImportClient.Form(file));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("file")[0].GetString());
        }
    }
}

/// <summary>The same lists into PostgreSQL (binary COPY).</summary>
public sealed class ContactListShapesTestsOnPostgres(PostgresApiFactory factory) : ContactListShapesTests(factory), IClassFixture<PostgresApiFactory>;
