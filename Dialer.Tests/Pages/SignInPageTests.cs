using System.Net;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

[Collection(PagesCollection.Name)]
public sealed class SignInPageTests(PagesFixture app)
{
    [Fact]
    public async Task ManagerSignsInSeesCampaignsAndSwitchesToChinese()
    {
        await app.CreateUserAsync("lin.manager", "林经理", "manager");
        var page = await app.NewPageAsync();

        await page.GotoAsync("/campaigns");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=username]", "lin.manager");
        await page.FillAsync("input[name=password]", "wrong password");
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForSelectorAsync("[data-testid=login-error]");
        await PagesFixture.ShotAsync(page, "signin-failed");

        await page.FillAsync("input[name=password]", PagesFixture.Password);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForSelectorAsync("h1:has-text('Campaigns')");
        Assert.EndsWith("/campaigns", page.Url, StringComparison.Ordinal);
        Assert.Equal("林经理", await page.TextContentAsync("[data-testid=who]"));
        await page.WaitForSelectorAsync("html[data-live-status=connected]");

        await page.ClickAsync("[data-testid=language]");
        await page.WaitForSelectorAsync("h1:has-text('外呼活动')");
        Assert.Equal("zh-CN", await page.GetAttributeAsync("html", "lang"));
        Assert.Contains("退出", await page.TextContentAsync("[data-testid=sign-out]") ?? "", StringComparison.Ordinal);
        await PagesFixture.ShotAsync(page, "campaigns-zh");

        await page.ClickAsync("[data-testid=language]");
        await page.WaitForSelectorAsync("h1:has-text('Campaigns')");
        await page.ClickAsync("[data-testid=sign-out]");
        await page.WaitForSelectorAsync("[data-testid=sign-in]");
        await page.GotoAsync("/campaigns");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentIsKeptOutOfTheConsoleAndApiStillAnswers401()
    {
        await app.CreateUserAsync("zhou.agent", "周坐席", "agent");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "zhou.agent");
        Assert.Contains("/agent", page.Url, StringComparison.Ordinal);

        await page.GotoAsync("/campaigns");
        Assert.DoesNotContain("/campaigns", page.Url, StringComparison.Ordinal);

        using var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var response = await anonymous.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
