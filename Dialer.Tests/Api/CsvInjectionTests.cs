using System.Text;
using Dialer.Tests.Imports;

namespace Dialer.Tests.Api;

/// <summary>Through the Api: a contact's name or a rejected row that looks like a formula comes out as text.</summary>
public class CsvInjectionTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task CallsExportPrefixesAFormulaInAContactsNameAndAccount()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaign = await SurveyCampaigns.CreateAsync(manager);
        var contact = (long)(await factory.QueryAsync(
            """
            INSERT INTO contacts (campaign_id, phone, name, account_id, time_zone, state, created_at, updated_at)
            VALUES ($c, '+8613800000009', '=HYPERLINK("http://x")', '@SUM(1)', 'Asia/Shanghai', 'done', 0, 0) RETURNING id
            """,
            ("$c", campaign)))[0]["id"]!;
        await factory.QueryAsync(
            "INSERT INTO call_attempts (campaign_id, contact_id, phone, queued_at, outcome, notes) VALUES ($c, $contact, '+8613800000009', $t, 'no_answer', '王芳说：-好')",
            ("$c", campaign), ("$contact", contact), ("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000));

        var bytes = await manager.GetByteArrayAsync($"/api/reports/campaigns/{campaign}/calls.csv?lang=zh");

        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains(",'+8613800000009,\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(1),", lines[1]);
        Assert.Contains(",王芳说：-好,", lines[1]);
    }

    [ApiFact]
    public async Task ImportErrorsReportPrefixesARejectedRowThatLooksLikeAFormula()
    {
        var campaign = await factory.CreateCampaignAsync();
        var admin = factory.Admin();
        var report = await admin.ImportAsync(campaign, ImportClient.Utf8("电话,姓名\n13812345678,李雷\n@SUM(1),韩梅梅\n-2+3,王芳\n"));
        ImportClient.AssertCounts(report, 3, 1, 0, 2, 0);

        var bytes = await admin.GetByteArrayAsync(report.GetProperty("errorsCsv").GetString());

        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,kind,code,reason,raw", lines[0]);
        Assert.EndsWith(",\"'@SUM(1),韩梅梅\"", lines[1]);
        Assert.EndsWith(",\"'-2+3,王芳\"", lines[2]);
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class CsvInjectionTestsOnPostgres(PostgresApiFactory factory) : CsvInjectionTests(factory), IClassFixture<PostgresApiFactory>;
