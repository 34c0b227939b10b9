using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>The campaign buttons: a refused start shows the API's reason at the campaign's buttons; stop asks first.</summary>
[Collection(PagesCollection.Name)]
public sealed class ConsoleControlsTests(PagesFixture app)
{
    [Fact]
    public async Task ARefusedStartIsShownAtThatCampaignsButtonsOnEveryPageInEnglishAndChinese()
    {
        await app.CreateUserAsync("ctl.manager", "孔经理", "manager");
        var late = await CreateExpiredCampaignAsync("过期活动 expired");
        await app.CreateCampaignAsync("正常活动 fine");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "ctl.manager");

        // The live campaign table: the reason sits in the refused campaign's row, and stays when the table is re-rendered.
        await page.GotoAsync("/campaigns");
        var row = page.Locator("tr[data-campaign='过期活动 expired']");
        await row.Locator("[data-testid=start]").ClickAsync();
        await row.Locator("[data-testid=control-problem]").WaitForAsync();
        Assert.Contains("stopAt", await row.Locator("[data-testid=control-problem]").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("tr[data-campaign='正常活动 fine'] [data-testid=control-problem]").CountAsync());
        await page.WaitForFunctionAsync("() => document.querySelector('[data-live=campaigns]').dataset.liveHtml !== undefined");
        Assert.Contains("stopAt", await row.Locator("[data-testid=control-problem]").TextContentAsync() ?? "", StringComparison.Ordinal);
        await PagesFixture.ShotAsync(page, "campaign-start-refused");

        // The campaign's own pages carry the same buttons in their heading.
        foreach (var tab in new[] { "dashboard", "contacts", "reports", "edit" })
        {
            await page.GotoAsync($"/campaigns/{late}/{tab}");
            await page.ClickAsync(".pagehead [data-testid=start]");
            await page.WaitForSelectorAsync(".pagehead [data-testid=control-problem]");
            Assert.Contains($"/campaigns/{late}/{tab}", page.Url, StringComparison.Ordinal);
            Assert.Contains("has passed", await page.TextContentAsync(".pagehead [data-testid=control-problem]") ?? "", StringComparison.Ordinal);
        }

        // In Chinese (the language link keeps the query: the page is opened afresh, without the English reason).
        await page.ClickAsync("[data-testid=language]");
        await page.GotoAsync($"/campaigns/{late}/edit");
        await page.ClickAsync(".pagehead [data-testid=start]");
        await page.WaitForSelectorAsync(".pagehead [data-testid=control-problem]");
        Assert.Contains("活动无法开始", await page.TextContentAsync(".pagehead [data-testid=control-problem]") ?? "", StringComparison.Ordinal);
        await page.GotoAsync("/campaigns");
        await row.Locator("[data-testid=start]").ClickAsync();
        await row.Locator("[data-testid=control-problem]").WaitForAsync();
        Assert.Contains("活动无法开始", await row.Locator("[data-testid=control-problem]").TextContentAsync() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopAsksFirstThatItIsFinalAndCancelKeepsTheCampaign()
    {
        await app.CreateUserAsync("stop.manager", "石经理", "manager");
        await app.CreateCampaignAsync("停止确认 stop me");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "stop.manager");
        await page.GotoAsync("/campaigns");
        var row = page.Locator("tr[data-campaign='停止确认 stop me']");

        await row.Locator("[data-testid=stop]").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=stop-confirm]");
        Assert.Contains("cannot be started again", await page.TextContentAsync("[data-testid=stop-warning]") ?? "", StringComparison.Ordinal);
        await PagesFixture.ShotAsync(page, "campaign-stop-confirm");
        await page.ClickAsync("[data-testid=cancel]");
        await row.WaitForAsync();
        Assert.Equal("Draft", await row.Locator("[data-testid=status]").TextContentAsync());

        await page.ClickAsync("[data-testid=language]");
        await row.Locator("[data-testid=stop]").ClickAsync();
        Assert.Contains("无法再次开始", await page.TextContentAsync("[data-testid=stop-warning]") ?? "", StringComparison.Ordinal);
        await page.ClickAsync("[data-testid=stop-for-good]");
        await row.WaitForAsync();
        Assert.Equal("已停止", await row.Locator("[data-testid=status]").TextContentAsync());
        Assert.Equal(0, await row.Locator("[data-testid=stop]").CountAsync());
    }

    [Fact]
    public async Task ACampaignForTheSimulatedCarrierOnlyIsMarkedSoInBothLanguages()
    {
        await app.CreateUserAsync("sim.manager", "模拟经理", "manager");
        var response = await app.Admin.PostAsJsonAsync("/api/campaigns", new
        {
            name = "模拟 simulated",
            type = "care",
            mode = "progressive",
            defaultCountry = "CN",
            timeZone = "Asia/Shanghai",
            complianceProfile = "SIM",
            callingWindow = new { start = "00:00", end = "23:59" },
        });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        await app.CreateCampaignAsync("真实 real carrier");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "sim.manager");

        await page.GotoAsync("/campaigns");
        Assert.Equal("Simulated carrier", await page.TextContentAsync("tr[data-campaign='模拟 simulated'] [data-testid=simulated]"));
        Assert.Equal(0, await page.Locator("tr[data-campaign='真实 real carrier'] [data-testid=simulated]").CountAsync());
        await page.ClickAsync("[data-testid=language]");
        await page.GotoAsync($"/campaigns/{id}/edit");
        Assert.Equal("模拟运营商", await page.TextContentAsync("h1 [data-testid=simulated]"));
        Assert.Contains("仅限模拟运营商", await page.TextContentAsync("[data-field=complianceProfile] option[value=SIM]") ?? "", StringComparison.Ordinal);
    }

    /// <summary>A campaign whose stopAt has passed: the API refuses to start it, with the reason.</summary>
    private async Task<long> CreateExpiredCampaignAsync(string name)
    {
        var response = await app.Admin.PostAsJsonAsync("/api/campaigns", new
        {
            name,
            type = "care",
            mode = "progressive",
            defaultCountry = "CN",
            timeZone = "Asia/Shanghai",
            complianceProfile = "CN",
            stopAt = "2020-01-01T00:00:00Z",
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
    }
}
