using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>People, their campaigns and API keys, managed from the console.</summary>
[Collection(PagesCollection.Name)]
public sealed class PeoplePagesTests(PagesFixture app)
{
    [Fact]
    public async Task AnAdministratorCreatesAnAgentWithErrorsAtTheFieldsThenDisablesAndEnablesIt()
    {
        await app.CreateUserAsync("people.admin", "管理员", "admin");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "people.admin");
        await page.ClickAsync("nav.mainnav a[href='/users']");

        await page.FillAsync("[data-field=username]", "zhao agent");
        await page.FillAsync("[data-field=displayName]", "赵坐席");
        await page.SelectOptionAsync("[data-field=role]", "agent");
        await page.FillAsync("[data-field=password]", "short");
        await page.ClickAsync("[data-testid=create-user]");
        await page.WaitForSelectorAsync("[data-error-for=username]");
        Assert.Contains("letters, digits", await page.TextContentAsync("[data-error-for=username]") ?? "", StringComparison.Ordinal);
        Assert.Contains("8 to 200", await page.TextContentAsync("[data-error-for=password]") ?? "", StringComparison.Ordinal);
        Assert.Contains("SIP credentials", await page.TextContentAsync("[data-error-for=sipPassword]") ?? "", StringComparison.Ordinal);
        Assert.Equal("赵坐席", await page.InputValueAsync("[data-field=displayName]"));
        Assert.Equal("zhao agent", await page.InputValueAsync("[data-field=username]"));
        Assert.Contains("invalid", await page.GetAttributeAsync("[data-field=username]", "class") ?? "", StringComparison.Ordinal);

        await page.FillAsync("[data-field=username]", "zhao.agent");
        await page.FillAsync("[data-field=password]", "agent-pass-1");
        await page.FillAsync("[data-field=sipPassword]", "sip-pass-123");
        await page.ClickAsync("[data-testid=create-user]");
        await page.WaitForSelectorAsync("[data-testid=notice]");
        var row = page.Locator("tr[data-user='zhao.agent']");
        Assert.Contains("zhao.agent", await row.Locator("td").Nth(4).TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Contains("Any campaign", await row.Locator("[data-testid=assigned]").TextContentAsync() ?? "", StringComparison.Ordinal);
        await PagesFixture.ShotAsync(page, "people");

        // The same name again: refused at the field.
        await page.FillAsync("[data-field=username]", "zhao.agent");
        await page.FillAsync("[data-field=password]", "agent-pass-1");
        await page.FillAsync("[data-field=sipPassword]", "sip-pass-123");
        await page.ClickAsync("[data-testid=create-user]");
        await page.WaitForSelectorAsync("[data-error-for=username]");
        Assert.Contains("is taken", await page.TextContentAsync("[data-error-for=username]") ?? "", StringComparison.Ordinal);

        await row.Locator("[data-testid=disable]").ClickAsync();
        await row.Locator("[data-testid=enable]").WaitForAsync();
        Assert.Equal("Disabled", await row.Locator("[data-testid=enabled]").TextContentAsync());
        var login = new { username = "zhao.agent", password = "agent-pass-1" };
        using var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/login", login)).StatusCode);
        await row.Locator("[data-testid=enable]").ClickAsync();
        await row.Locator("[data-testid=disable]").WaitForAsync();
        Assert.Equal("Yes", await row.Locator("[data-testid=enabled]").TextContentAsync());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/login", login)).StatusCode);

        // In Chinese: the validator's own message at the field.
        await page.ClickAsync("[data-testid=language]");
        await page.GotoAsync("/users");
        await page.ClickAsync("[data-testid=create-user]");
        await page.WaitForSelectorAsync("[data-error-for=username]");
        Assert.Contains("用户名不能为空", await page.TextContentAsync("[data-error-for=username]") ?? "", StringComparison.Ordinal);
        Assert.Equal("是", await row.Locator("[data-testid=enabled]").TextContentAsync());
    }

    [Fact]
    public async Task AnAgentAssignedFromTheConsoleSeesOnlyItsCampaignsOnTheDesk()
    {
        await app.CreateUserAsync("assign.manager", "分配经理", "manager");
        var agentId = await app.CreateUserAsync("assign.agent", "分配坐席", "agent");
        var first = await app.CreateCampaignAsync("分配甲 first");
        var second = await app.CreateCampaignAsync("分配乙 second");
        (await app.Admin.PostAsync($"/api/campaigns/{first}/start", null)).EnsureSuccessStatusCode();
        (await app.Admin.PostAsync($"/api/campaigns/{second}/start", null)).EnsureSuccessStatusCode();
        var agent = await app.NewPageAsync();
        await app.SignInAsync(agent, "assign.agent");
        // No assignment yet: any campaign.
        await agent.WaitForSelectorAsync("input[data-campaign='分配甲 first']");
        Assert.Equal(1, await agent.Locator("input[data-campaign='分配乙 second']").CountAsync());

        // From the campaign: its Agents tab.
        var manager = await app.NewPageAsync();
        await app.SignInAsync(manager, "assign.manager");
        await manager.GotoAsync($"/campaigns/{first}/dashboard");
        await manager.ClickAsync($"nav.subnav a[href='/campaigns/{first}/agents']");
        await manager.CheckAsync("input[data-agent='assign.agent']");
        await manager.ClickAsync("[data-testid=save]");
        await manager.WaitForSelectorAsync("[data-testid=notice]");
        Assert.True(await manager.IsCheckedAsync("input[data-agent='assign.agent']"));

        await agent.ReloadAsync();
        await agent.WaitForSelectorAsync("input[data-campaign='分配甲 first']");
        Assert.Equal(0, await agent.Locator("input[data-campaign='分配乙 second']").CountAsync());

        // From the agent: People → Campaigns, in Chinese.
        await manager.ClickAsync("[data-testid=language]");
        await manager.GotoAsync("/users");
        var row = manager.Locator("tr[data-user='assign.agent']");
        Assert.Contains("分配甲 first", await row.Locator("[data-testid=assigned]").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal(0, await manager.Locator("[data-testid=create-user]").CountAsync());
        await row.Locator("[data-testid=assign]").ClickAsync();
        Assert.Contains($"/users/{agentId}/campaigns", manager.Url, StringComparison.Ordinal);
        await manager.UncheckAsync("input[data-campaign='分配甲 first']");
        await manager.CheckAsync("input[data-campaign='分配乙 second']");
        await manager.ClickAsync("[data-testid=save]");
        await manager.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Contains("已保存", await manager.TextContentAsync("[data-testid=notice]") ?? "", StringComparison.Ordinal);
        Assert.Equal("分配乙 second", (await row.Locator("[data-testid=assigned]").TextContentAsync())?.Trim());

        await agent.ReloadAsync();
        await agent.WaitForSelectorAsync("input[data-campaign='分配乙 second']");
        Assert.Equal(0, await agent.Locator("input[data-campaign='分配甲 first']").CountAsync());
    }

    [Fact]
    public async Task AnAdministratorCreatesABillingKeyShownOnceThenRevokesIt()
    {
        await app.CreateUserAsync("keys.admin", "密钥管理员", "admin");
        await app.CreateUserAsync("keys.manager", "密钥经理", "manager");
        await app.CreateCampaignAsync("账单提醒 billing");
        var second = await app.CreateCampaignAsync("账单提醒二 billing 2");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "keys.admin");
        await page.ClickAsync("nav.mainnav a[href='/keys']");

        await page.SelectOptionAsync("[data-field=role]", "billing");
        await page.CheckAsync("input[data-campaign='账单提醒 billing']");
        await page.ClickAsync("[data-testid=create-key]");
        await page.WaitForSelectorAsync("[data-error-for=name]");
        Assert.Contains("name is required", await page.TextContentAsync("[data-error-for=name]") ?? "", StringComparison.Ordinal);
        Assert.True(await page.IsCheckedAsync("input[data-campaign='账单提醒 billing']"));

        await page.FillAsync("[data-field=name]", "计费系统 CRM");
        await page.ClickAsync("[data-testid=create-key]");
        await page.WaitForSelectorAsync("[data-testid=new-key]");
        var key = (await page.TextContentAsync("[data-testid=new-key]"))!.Trim();
        Assert.StartsWith("dk_", key, StringComparison.Ordinal);
        var row = page.Locator("tr[data-key='计费系统 CRM']");
        Assert.Contains("账单提醒 billing", await row.TextContentAsync() ?? "", StringComparison.Ordinal);
        await PagesFixture.ShotAsync(page, "api-keys");

        using var billing = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        billing.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        Assert.Equal("billing", (await billing.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("role").GetString());

        // Its campaigns changed later: PUT /api/keys/{id}/campaigns as a page.
        await row.Locator("[data-testid=key-campaigns]").ClickAsync();
        await page.CheckAsync("input[data-campaign='账单提醒二 billing 2']");
        await page.UncheckAsync("input[data-campaign='账单提醒 billing']");
        await page.ClickAsync("[data-testid=save]");
        await row.WaitForAsync();
        Assert.Contains("账单提醒二 billing 2", await row.TextContentAsync() ?? "", StringComparison.Ordinal);
        var stored = (await app.Admin.GetFromJsonAsync<JsonElement>("/api/keys")).EnumerateArray().Single(k => k.GetProperty("name").GetString() == "计费系统 CRM");
        Assert.Equal([second], stored.GetProperty("campaignIds").EnumerateArray().Select(c => c.GetInt64()));

        // Shown once: a fresh page lists the key by its prefix only.
        await page.GotoAsync("/keys");
        Assert.Equal(0, await page.Locator("[data-testid=new-key]").CountAsync());
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);

        await page.ClickAsync("[data-testid=language]");
        await row.Locator("[data-testid=revoke]").ClickAsync();
        await row.Locator("[data-testid=key-state]").Filter(new() { HasText = "已吊销" }).WaitForAsync();
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await billing.GetAsync("/api/auth/me")).StatusCode);

        // Managers have no keys page.
        var manager = await app.NewPageAsync();
        await app.SignInAsync(manager, "keys.manager");
        Assert.Equal(0, await manager.Locator("nav.mainnav a[href='/keys']").CountAsync());
        await manager.GotoAsync("/keys");
        Assert.DoesNotContain("/keys", manager.Url, StringComparison.Ordinal);
    }
}
