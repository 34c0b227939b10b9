using System.Net.Http.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Dialer.Tests.Pages;

/// <summary>
/// Listen, whisper and barge from the agent board in Chromium, in English and Chinese: a supervisor with a SIP phone asks
/// to join an agent's call, changes the mode and leaves, each stored for the Worker (supervisor_monitors); a supervisor
/// without a phone is told why not at the board. The Worker's side is tested in SupervisorMonitorTests, the audio in
/// CallMonitorTests.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class MonitorPageTests(PagesFixture app)
{
    private string DbFile => Path.Combine(app.DataDir, "dialer.db");

    [Fact]
    public async Task ASupervisorJoinsAnAgentsCallSwitchesToWhisperAndLeaves()
    {
        var agent = await app.CreateUserAsync("lin.monitor", "林涛", "agent");
        var response = await app.Admin.PostAsJsonAsync("/api/users", new
        {
            username = "gao.monitor", displayName = "高主管", role = "manager", password = PagesFixture.Password, sipPassword = "sip-secret-456",
        });
        response.EnsureSuccessStatusCode();
        var campaign = await app.CreateCampaignAsync("监听 演示 campaign");
        await using (var c = new SqliteConnection($"Data Source={DbFile}"))
        {
            await c.ExecuteAsync(
                "INSERT INTO agent_states (agent_id, state, campaigns_json, since, version) VALUES (@agent, 'ready', @campaigns, @now, 1)",
                new { agent, campaigns = $"[{campaign}]", now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() });
        }

        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "gao.monitor");
        await page.GotoAsync("/board");
        await page.ClickAsync("tr[data-agent='林涛'] [data-testid=monitor-start-listen]");
        await page.WaitForSelectorAsync("[data-testid=notice]:has-text('Your phone will ring')");
        var state = page.Locator("[data-testid=monitor-state]");
        Assert.Equal(("requested", "listen"), (await state.GetAttributeAsync("data-state"), await state.GetAttributeAsync("data-mode")));
        Assert.Contains("林涛", await state.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Contains("Waiting for the agent's call", await state.TextContentAsync() ?? "", StringComparison.Ordinal);

        await page.ClickAsync("[data-testid=monitor-whisper]");
        await page.WaitForSelectorAsync("[data-testid=monitor-state][data-mode=whisper]");
        await using (var c = new SqliteConnection($"Data Source={DbFile}"))
        {
            Assert.Equal(("whisper", "requested"), await c.QuerySingleAsync<(string, string)>(
                "SELECT mode, state FROM supervisor_monitors WHERE agent_id = @agent", new { agent }));
        }

        await page.ClickAsync("[data-testid=monitor-leave]");
        await page.WaitForSelectorAsync("[data-testid=notice]:has-text('You left the call')");
        Assert.Equal(0, await page.Locator("[data-testid=monitor-state]").CountAsync());
        await using (var c = new SqliteConnection($"Data Source={DbFile}"))
        {
            Assert.Equal(("ended", "left"), await c.QuerySingleAsync<(string, string)>(
                "SELECT state, reason FROM supervisor_monitors WHERE agent_id = @agent", new { agent }));
        }

        // A manager without a SIP phone is told why, in Chinese too.
        await app.CreateUserAsync("ma.monitor", "马主管", "manager");
        var zh = await app.NewPageAsync("zh-CN");
        await app.SignInAsync(zh, "ma.monitor");
        await zh.GotoAsync("/board");
        await zh.ClickAsync("[data-testid=language]");
        await zh.WaitForSelectorAsync("h1:has-text('坐席监控')");
        await zh.ClickAsync("tr[data-agent='林涛'] [data-testid=monitor-start-barge]");
        await zh.WaitForSelectorAsync("[data-testid=problem]:has-text('SIP 话机')");
        Assert.Contains("强插", await zh.TextContentAsync("[data-testid=monitor]") ?? "", StringComparison.Ordinal);
    }
}
