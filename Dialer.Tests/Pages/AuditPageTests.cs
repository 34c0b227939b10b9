using System.Net.Http.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>
/// The audit page (/audit) in Chromium: a manager's force pause, list switched off, recycle with reset and stop done on the
/// console pages are listed with who did what to whom, newest first, fifty a page with a link to older ones, filtered by action,
/// in English and Chinese.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class AuditPageTests(PagesFixture app)
{
    private string DbFile => Path.Combine(app.DataDir, "dialer.db");

    [Fact]
    public async Task AManagersActionsAreListedWithWhoWhatAndWhomPagedAndFilteredInBothLanguages()
    {
        var agent = await app.CreateUserAsync("audit.page.agent", "审计坐席", "agent");
        await app.CreateUserAsync("audit.page.mgr", "审计经理", "manager");
        var campaign = await app.CreateCampaignAsync("审计页 回访");
        await app.ImportAsync(campaign, "姓名,电话,账号\r\n审计客户,13812340061,Z100\r\n");
        await using (var c = new SqliteConnection($"Data Source={DbFile}"))
        {
            await c.ExecuteAsync("UPDATE contacts SET state = 'done', last_outcome = 'no_answer', attempts = 3 WHERE campaign_id = @campaign", new { campaign });
            await c.ExecuteAsync(
                "INSERT INTO agent_states (agent_id, state, campaigns_json, since, version) VALUES (@agent, 'ready', @campaigns, @now, 1)",
                new { agent, campaigns = $"[{campaign}]", now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() });
        }

        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "audit.page.mgr");

        // Force pause on the board; the list switched off; its no-answer contacts recycled with their attempts reset; stop.
        await page.GotoAsync("/board");
        await page.ClickAsync("tr[data-agent='审计坐席'] [data-testid=force-pause]");
        await page.WaitForSelectorAsync("[data-testid=notice]");
        await page.GotoAsync($"/campaigns/{campaign}/lists");
        await page.ClickAsync("[data-testid=lists] tr[data-on=true] [data-testid=switch-list]");
        await page.WaitForSelectorAsync("[data-testid=notice]:has-text('The list is off')");
        await page.CheckAsync("[data-testid=recycle-form] input[data-outcome=no_answer]");
        await page.CheckAsync("[data-testid=recycle-reset]");
        await page.ClickAsync("[data-testid=recycle-preview]");
        await page.ClickAsync("[data-testid=recycle-confirm]");
        await page.WaitForSelectorAsync("[data-testid=notice]:has-text('callable again')");
        await page.GotoAsync($"/campaigns/{campaign}/stop?back=/campaigns");
        await page.ClickAsync("[data-testid=stop-for-good]");
        await page.WaitForURLAsync("**/campaigns**");

        // Fifty-two more actions by the API (the bootstrap admin key): the manager's fall to the second page.
        var busy = await app.CreateCampaignAsync("审计页 翻页");
        for (var i = 0; i < 26; i++)
        {
            (await app.Admin.PostAsync($"/api/campaigns/{busy}/start", null)).EnsureSuccessStatusCode();
            (await app.Admin.PostAsync($"/api/campaigns/{busy}/pause", null)).EnsureSuccessStatusCode();
        }

        await page.ClickAsync("nav.mainnav a[href='/audit']");
        await page.WaitForSelectorAsync("[data-testid=audit]");
        Assert.Equal(50, await page.Locator("[data-testid=audit] tbody tr").CountAsync());
        var newest = page.Locator("[data-testid=audit] tbody tr").First;
        Assert.Equal("campaign_pause", await newest.GetAttributeAsync("data-action"));
        Assert.Equal("bootstrap admin (API key)", (await newest.Locator("[data-testid=audit-actor]").TextContentAsync())?.Trim());
        Assert.Equal("Paused a campaign", (await newest.Locator("[data-testid=audit-what]").TextContentAsync())?.Trim());
        Assert.Equal(0, await page.Locator("tr[data-actor='audit.page.mgr']").CountAsync());
        Assert.Equal(0, await page.Locator("[data-testid=audit-newest]").CountAsync());

        await page.ClickAsync("[data-testid=audit-older]");
        await page.WaitForSelectorAsync("tr[data-actor='audit.page.mgr']");
        var mine = page.Locator("tr[data-actor='audit.page.mgr']");
        Assert.Equal(["campaign_stop", "contacts_recycle", "list_off", "force_pause"], await mine.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.action)"));
        var pause = page.Locator("tr[data-actor='audit.page.mgr'][data-action=force_pause]");
        Assert.Equal("Forced pause", (await pause.Locator("[data-testid=audit-what]").TextContentAsync())?.Trim());
        Assert.Equal("User audit.page.agent", (await pause.Locator("[data-testid=audit-target]").TextContentAsync())?.Trim());
        Assert.Equal("at once", (await pause.Locator("[data-testid=audit-detail]").TextContentAsync())?.Trim());
        var stop = page.Locator("tr[data-actor='audit.page.mgr'][data-action=campaign_stop]");
        Assert.Equal("Campaign 审计页 回访", (await stop.Locator("[data-testid=audit-target]").TextContentAsync())?.Trim());
        await page.WaitForSelectorAsync("[data-testid=audit-newest]");

        // Filtered to recycles, then in Chinese: the outcome, the reset and the count in the viewer's language.
        await page.SelectOptionAsync("[data-testid=audit-action]", "contacts_recycle");
        await page.ClickAsync("[data-testid=audit-filter] button");
        await page.WaitForURLAsync("**/audit?action=contacts_recycle**");
        Assert.Equal(0, await page.Locator("[data-testid=audit] tbody tr:not([data-action=contacts_recycle])").CountAsync());
        var recycle = page.Locator("tr[data-actor='audit.page.mgr'][data-action=contacts_recycle]");
        Assert.Equal("No answer; attempts reset; contacts: 1", (await recycle.Locator("[data-testid=audit-detail]").TextContentAsync())?.Trim());
        await PagesFixture.ShotAsync(page, "audit");

        await page.ClickAsync("[data-testid=language]");
        await page.WaitForSelectorAsync("h1:has-text('主管操作审计')");
        recycle = page.Locator("tr[data-actor='audit.page.mgr'][data-action=contacts_recycle]");
        Assert.Equal("回收客户", (await recycle.Locator("[data-testid=audit-what]").TextContentAsync())?.Trim());
        Assert.Equal("无人接听；尝试次数清零；客户数：1", (await recycle.Locator("[data-testid=audit-detail]").TextContentAsync())?.Trim());
        Assert.Equal("活动 审计页 回访", (await recycle.Locator("[data-testid=audit-target]").TextContentAsync())?.Trim());
        await page.GotoAsync("/audit?action=force_pause");
        var forced = page.Locator("tr[data-actor='audit.page.mgr'][data-action=force_pause]");
        Assert.Equal("强制暂停", (await forced.Locator("[data-testid=audit-what]").TextContentAsync())?.Trim());
        Assert.Equal("立即生效", (await forced.Locator("[data-testid=audit-detail]").TextContentAsync())?.Trim());
        await PagesFixture.ShotAsync(page, "audit-zh");
        await page.ClickAsync("[data-testid=language]");

        // Agents may not read it.
        var agentPage = await app.NewPageAsync();
        await app.SignInAsync(agentPage, "audit.page.agent");
        await agentPage.GotoAsync("/audit");
        Assert.Equal(0, await agentPage.Locator("[data-testid=audit]").CountAsync());
        Assert.DoesNotContain("/audit", agentPage.Url, StringComparison.Ordinal);
    }
}
