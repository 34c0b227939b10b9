using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dialer.Tests.Api;

namespace Dialer.Tests.Imports;

public sealed class ContactImportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
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
        var rows = await factory.QueryAsync("SELECT phone, name, time_zone, account_id, custom_json, state FROM contacts WHERE campaign_id = $c ORDER BY id", ("$c", campaign));
        Assert.Equal(["+8613812345678", "+12127341234", "+8657188881234", "+85221234567"], rows.Select(r => (string)r["phone"]!));
        Assert.Equal(["Asia/Shanghai", "America/New_York", "Europe/London", "Asia/Hong_Kong"], rows.Select(r => (string)r["time_zone"]!));
        Assert.Equal("Li Lei", rows[0]["name"]);
        Assert.Equal("A1", rows[0]["account_id"]);
        Assert.Equal("new", rows[0]["state"]);
        Assert.Equal("{\"Plan\":\"gold\"}", rows[0]["custom_json"]);
        Assert.Null(rows[1]["custom_json"]);
        Assert.Equal("silver, monthly", JsonDocument.Parse((string)rows[2]["custom_json"]!).RootElement.GetProperty("Plan").GetString());
    }
}
