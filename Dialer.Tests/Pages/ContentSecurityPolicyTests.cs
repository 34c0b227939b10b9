using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>
/// Every page runs in Chromium under the Content-Security-Policy with nothing blocked: no inline script, no handler
/// attributes, no inline styles, and the live hub's WebSocket still connects (issue 13, item 9).
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class ContentSecurityPolicyTests(PagesFixture app)
{
    [Fact]
    public async Task EveryPageRunsUnderThePolicyWithNothingBlocked()
    {
        await app.CreateUserAsync("csp.admin", "安全管理员", "admin");
        await app.CreateUserAsync("csp.agent", "安全坐席", "agent");
        var id = await app.CreateCampaignAsync("CSP campaign");

        var page = await app.NewPageAsync();
        var login = await page.GotoAsync("/login");
        Assert.Contains("frame-ancestors 'none'", await login!.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
        Assert.Equal("nosniff", await login.HeaderValueAsync("x-content-type-options"));
        await app.SignInAsync(page, "csp.admin");
        foreach (var url in new[]
        {
            "/campaigns", $"/campaigns/{id}/dashboard", $"/campaigns/{id}/contacts", $"/campaigns/{id}/import",
            $"/campaigns/{id}/reports", $"/campaigns/{id}/edit", "/campaigns/new", "/dnc", "/reports/agents", "/jobs",
        })
        {
            await page.GotoAsync(url);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }

        await page.GotoAsync("/campaigns");
        await page.WaitForSelectorAsync("html[data-live-status=connected]");

        var agent = await app.NewPageAsync("zh-CN");
        await app.SignInAsync(agent, "csp.agent");
        await agent.WaitForSelectorAsync("html[data-live-status=connected]");

        Assert.Empty(app.CspViolations);
    }
}
