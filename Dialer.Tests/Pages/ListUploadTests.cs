using System.Net.Http.Json;

namespace Dialer.Tests.Pages;

[Collection(PagesCollection.Name)]
public sealed class ListUploadTests(PagesFixture app)
{
    [Fact]
    public async Task ManagerUploadsAListWithBadRowsAndSeesTheCountsAndTheReport()
    {
        await app.CreateUserAsync("zhao.manager", "赵经理", "manager");
        var campaignId = await app.CreateCampaignAsync("宁波挽留 十二月");
        var dnc = await app.Admin.PostAsJsonAsync("/api/dnc", new { phone = "13900000009", campaignId = (long?)null, source = "customer request" });
        dnc.EnsureSuccessStatusCode();
        var csv = Path.Combine(app.DataDir, "list.csv");
        await File.WriteAllTextAsync(csv, string.Join("\r\n",
            "姓名,电话,账号,套餐",
            "陈静,13812345678,A100,5G 畅享",
            "刘洋,+86 139 0000 0001,A101,宽带融合",
            "周敏,139-0000-0002,A102,5G 畅享",
            "重复,13812345678,A103,5G 畅享",
            "坏号,12345,A104,5G 畅享",
            "空号,,A105,5G 畅享",
            "免打扰,13900000009,A106,5G 畅享") + "\r\n", new System.Text.UTF8Encoding(true));
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "zhao.manager");

        await page.GotoAsync($"/campaigns/{campaignId}/import");
        await page.SetInputFilesAsync("[data-testid=file]", csv);
        await page.ClickAsync("[data-testid=upload]");
        await page.WaitForSelectorAsync("[data-testid=import][data-status=completed]");
        Assert.Equal("7", await page.TextContentAsync("[data-testid=import-total]"));
        Assert.Equal("3", await page.TextContentAsync("[data-testid=import-imported]"));
        Assert.Equal("1", await page.TextContentAsync("[data-testid=import-duplicates]"));
        Assert.Equal("2", await page.TextContentAsync("[data-testid=import-invalid]"));
        Assert.Equal("1", await page.TextContentAsync("[data-testid=import-dnc]"));
        await PagesFixture.ShotAsync(page, "import-done");

        var href = await page.GetAttributeAsync("[data-testid=errors-csv]", "href");
        var report = await page.Context.APIRequest.GetAsync(href!);
        Assert.Equal(200, report.Status);
        var bytes = await report.BodyAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var text = System.Text.Encoding.UTF8.GetString(bytes[3..]);
        Assert.Equal(5, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length); // header + 4 rejected rows
        Assert.Contains("坏号", text, StringComparison.Ordinal);

        await page.GotoAsync($"/campaigns/{campaignId}/contacts?q=刘洋");
        await page.WaitForSelectorAsync("tr[data-phone='+8613900000001']");
        Assert.Contains("宽带融合", await page.TextContentAsync("tr[data-phone='+8613900000001']") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUploadRefusedAsAWholeSaysWhyInTheViewersLanguage()
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        await app.CreateUserAsync("refuse.manager", "拒收经理", "manager");
        var campaignId = await app.CreateCampaignAsync("导入拒收 整体");
        var noPhone = Path.Combine(app.DataDir, "no-phone.csv");
        await File.WriteAllTextAsync(noPhone, "姓名,账号\r\n陈静,A100\r\n", new System.Text.UTF8Encoding(false));
        var empty = Path.Combine(app.DataDir, "empty.csv");
        await File.WriteAllBytesAsync(empty, []);
        var gb18030 = Path.Combine(app.DataDir, "gb18030.csv");
        await File.WriteAllBytesAsync(gb18030, System.Text.Encoding.GetEncoding("GB18030").GetBytes("姓名,电话\r\n陈静,13812345678\r\n"));
        var large = Path.Combine(app.DataDir, "large.csv");
        await using (var w = new StreamWriter(large))
        {
            await w.WriteAsync("姓名,电话\r\n");
            for (var i = 0; w.BaseStream.Length < (PagesFixture.MaxUploadMegabytes + 1) * 1024L * 1024L; i++)
            {
                await w.WriteAsync($"客户{i},1381{i % 10_000_000:0000000}\r\n");
            }
        }

        (string File, string English, string Chinese)[] refusals =
        [
            (noPhone, "no phone column found (looked for phone, mobile, tel, 电话, 手机, 号码, 联系电话, phone_number, phone_no, mobile_number, mobile_phone, cell, cell_phone, telephone, 手机号, 手机号码, 电话号码, 联系号码, 移动电话; pass phoneColumn); headers seen: '姓名', '账号'",
                "找不到电话列（查找的列名：phone、mobile、tel、电话、手机、号码、联系电话、phone_number、phone_no、mobile_number、mobile_phone、cell、cell_phone、telephone、手机号、手机号码、电话号码、联系号码、移动电话；或指定电话列 phoneColumn）；文件的表头为：'姓名', '账号'"),
            (empty, "The file is empty.", "文件为空。"),
            (gb18030, "The file is not valid UTF-8 (first bad byte at offset 0); Chinese Excel exports are usually GB18030: send encoding=gb18030.",
                "文件不是有效的 UTF-8（第一个错误字节在偏移 0 处）；中文 Excel 导出的文件通常是 GB18030：请选择 gb18030 编码。"),
            (large, $"The file is larger than the import limit of {PagesFixture.MaxUploadMegabytes} MB (Imports:MaxUploadMegabytes); split it into smaller files.",
                $"文件超过导入上限 {PagesFixture.MaxUploadMegabytes} MB（Imports:MaxUploadMegabytes）；请拆分成较小的文件。"),
        ];
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "refuse.manager");
        foreach (var chinese in new[] { false, true })
        {
            if (chinese)
            {
                await page.ClickAsync("[data-testid=language]");
                await page.WaitForSelectorAsync("html[lang=zh-CN]");
            }

            foreach (var (file, english, zh) in refusals)
            {
                await page.GotoAsync($"/campaigns/{campaignId}/import");
                await page.SetInputFilesAsync("[data-testid=file]", file);
                await page.ClickAsync("[data-testid=upload]");
                await page.WaitForSelectorAsync("[data-testid=problem]");
                Assert.Equal(chinese ? zh : english, (await page.TextContentAsync("[data-testid=problem]"))?.Trim());
            }

            await PagesFixture.ShotAsync(page, chinese ? "import-refused-zh" : "import-refused");
        }

        await page.ClickAsync("[data-testid=language]");
        var campaign = await app.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/campaigns/{campaignId}");
        Assert.Equal(0, campaign.GetProperty("contacts").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ManagerAddsImportsAndRemovesDoNotCallNumbers()
    {
        await app.CreateUserAsync("sun.manager", "孙经理", "manager");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "sun.manager");

        await page.ClickAsync("nav.mainnav a[href='/dnc']");
        await page.FillAsync("[data-testid=dnc-phone]", "not a number");
        await page.ClickAsync("[data-testid=dnc-submit]");
        await page.WaitForSelectorAsync("[data-testid=problem]");

        await page.FillAsync("[data-testid=dnc-phone]", "139 0000 7777");
        await page.FillAsync("form[data-testid=dnc-add] input[name=source]", "客户要求");
        await page.ClickAsync("[data-testid=dnc-submit]");
        await page.WaitForSelectorAsync("[data-testid=notice]");
        await page.WaitForSelectorAsync("tr[data-phone='+8613900007777']");

        var csv = Path.Combine(app.DataDir, "dnc.csv");
        await File.WriteAllTextAsync(csv, "phone,source\r\n13900008888,投诉\r\n13900008889,投诉\r\nbad,投诉\r\n", new System.Text.UTF8Encoding(true));
        await page.SetInputFilesAsync("[data-testid=dnc-file]", csv);
        await page.ClickAsync("[data-testid=dnc-upload]");
        await page.WaitForSelectorAsync("[data-testid=import][data-status=completed]");
        Assert.Equal("2", await page.TextContentAsync("[data-testid=import-imported]"));
        Assert.Equal("1", await page.TextContentAsync("[data-testid=import-invalid]"));
        await page.GotoAsync("/dnc");
        await page.WaitForSelectorAsync("tr[data-phone='+8613900008889']");
        await PagesFixture.ShotAsync(page, "dnc");

        await page.ClickAsync("tr[data-phone='+8613900007777'] [data-testid=dnc-remove]");
        await page.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Equal(0, await page.Locator("tr[data-phone='+8613900007777']").CountAsync());
    }
}
