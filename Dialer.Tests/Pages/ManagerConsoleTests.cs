using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

[Collection(PagesCollection.Name)]
public sealed class ManagerConsoleTests(PagesFixture app)
{
    [Fact]
    public async Task ManagerCreatesACampaignWithErrorsShownAtTheFieldThenStartsIt()
    {
        await app.CreateUserAsync("wang.manager", "王经理", "manager");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "wang.manager");

        await page.ClickAsync("[data-testid=new-campaign]");
        await page.FillAsync("[data-field=name]", "杭州回访 十一月");
        await page.SelectOptionAsync("[data-field=type]", "care");
        await page.SelectOptionAsync("[data-field=mode]", "progressive");
        await page.FillAsync("[data-field='callingWindow.start']", "09:00");
        await page.FillAsync("[data-field='callingWindow.end']", "08:30");
        await page.FillAsync("[data-field=abandonCapPercent]", "5");
        await page.FillAsync("[data-field=dispositions]", "resolved\npromised\ncallback");
        await page.FillAsync("[data-field=script]", "您好 {name}，这里是杭州电信回访，您的账户 {account}。");
        await page.ClickAsync("[data-testid=save]");

        await page.WaitForSelectorAsync("[data-testid=form-errors]");
        Assert.Contains("after callingWindow.start", await page.TextContentAsync("[data-error-for='callingWindow.end']") ?? "", StringComparison.Ordinal);
        Assert.Contains("legal limit", await page.TextContentAsync("[data-error-for=abandonCapPercent]") ?? "", StringComparison.Ordinal);
        Assert.Contains("invalid", await page.GetAttributeAsync("[data-field='callingWindow.end']", "class") ?? "", StringComparison.Ordinal);
        Assert.Equal("杭州回访 十一月", await page.InputValueAsync("[data-field=name]"));
        await PagesFixture.ShotAsync(page, "campaign-form-errors");

        await page.FillAsync("[data-field='callingWindow.end']", "20:00");
        await page.FillAsync("[data-field=abandonCapPercent]", "3");
        await page.ClickAsync("[data-testid=save]");
        await page.WaitForSelectorAsync("[data-testid=dashboard-figures]");
        Assert.Contains("杭州回访 十一月", await page.TextContentAsync("h1") ?? "", StringComparison.Ordinal);

        await page.ClickAsync("form [data-testid=start]");
        await page.WaitForSelectorAsync("h1 .badge.running");
        await page.GotoAsync("/campaigns");
        var row = page.Locator("tr[data-campaign='杭州回访 十一月']");
        Assert.Equal("Running", await row.Locator("[data-testid=status]").TextContentAsync());
        await PagesFixture.ShotAsync(page, "campaigns");
    }

    [Fact]
    public async Task ManagerSetsMachineDetectionAndTheMessageLeftOnMachines()
    {
        await app.CreateUserAsync("amd.manager", "何经理", "manager");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "amd.manager");

        await page.ClickAsync("[data-testid=new-campaign]");
        await page.FillAsync("[data-field=name]", "账单提醒 留言");
        await page.SelectOptionAsync("[data-field=type]", "care");
        await page.SelectOptionAsync("[data-field=mode]", "progressive");
        await page.FillAsync("[data-field=dispositions]", "done");
        await page.FillAsync("[data-field='machineDetection.endSilenceMs']", "100");
        await page.SelectOptionAsync("[data-field='machineDetection.unknownAs']", "machine");
        await page.FillAsync("[data-field=machineMessage]", "您好{name}，您本月账单{amount_due}元，请按时缴费。");
        await page.ClickAsync("[data-testid=save]");

        await page.WaitForSelectorAsync("[data-testid=form-errors]");
        Assert.Contains("300 to 3000", await page.TextContentAsync("[data-error-for='machineDetection.endSilenceMs']") ?? "", StringComparison.Ordinal);
        Assert.Equal("您好{name}，您本月账单{amount_due}元，请按时缴费。", await page.InputValueAsync("[data-field=machineMessage]"));

        await page.FillAsync("[data-field='machineDetection.endSilenceMs']", "800");
        await page.ClickAsync("[data-testid=save]");
        await page.WaitForSelectorAsync("[data-testid=dashboard-figures]");
        await page.GotoAsync(page.Url.Replace("/dashboard", "/edit", StringComparison.Ordinal));
        Assert.Equal("800", await page.InputValueAsync("[data-field='machineDetection.endSilenceMs']"));
        Assert.Equal("machine", await page.InputValueAsync("[data-field='machineDetection.unknownAs']"));
        Assert.Equal("5000", await page.InputValueAsync("[data-field='machineDetection.maxGreetingMs']"));
        Assert.Equal("您好{name}，您本月账单{amount_due}元，请按时缴费。", await page.InputValueAsync("[data-field=machineMessage]"));
    }
}
