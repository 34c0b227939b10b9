using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>
/// The whole loop through real processes: the Api serving the pages, the Worker dialing the simulated carrier
/// (every call answered by a person who talks for a few seconds), and an agent in Chromium.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class AgentDesktopTests(PagesFixture app)
{
    [Fact]
    public async Task AgentTakesACallSeesTheRecordAndScriptDispositionsWithACallbackAndTheManagerSeesIt()
    {
        // A zone where it is daytime now, so that the calling window (08:00–21:00 local) is open.
        var zone = DaytimeZone();
        await app.CreateUserAsync("li.agent", "李娜", "agent");
        await app.CreateUserAsync("qian.manager", "钱经理", "manager");
        var campaignId = await app.CreateCampaignAsync("温州关怀 回访", wrapUpSeconds: 120);
        await app.ImportAsync(campaignId, $"姓名,电话,账号,套餐,timezone\r\n陈静,13812340001,A100,5G 畅享 129,{zone.Id}\r\n");
        (await app.Admin.PostAsync($"/api/campaigns/{campaignId}/start", null)).EnsureSuccessStatusCode();
        await StartWorkerAsync();

        var agent = await app.NewPageAsync();
        await app.SignInAsync(agent, "li.agent");
        Assert.Contains("/agent", agent.Url, StringComparison.Ordinal);
        await agent.WaitForSelectorAsync("html[data-live-status=connected]");
        await agent.CheckAsync("input[data-campaign='温州关怀 回访']");
        await agent.ClickAsync("[data-testid=go-ready]");
        // Ready, or already past it when a warm engine puts a call through at once.
        await agent.WaitForSelectorAsync("[data-testid=statebar]:is([data-state=ready], [data-state=reserved], [data-state=on_call])");

        // The engine dials, the customer answers, the call is put through: the record arrives by push.
        try
        {
            await agent.WaitForSelectorAsync("[data-testid=call]", new() { Timeout = 45_000 });
        }
        catch (TimeoutException)
        {
            await File.WriteAllTextAsync(Path.Combine(PagesFixture.ArtifactsDir, "agent-processes.log"), app.Log);
            await PagesFixture.ShotAsync(agent, "agent-no-call");
            File.Copy(Path.Combine(app.DataDir, "dialer.db"), Path.Combine(PagesFixture.ArtifactsDir, "agent-no-call.db"), overwrite: true);
            throw;
        }
        Assert.Equal("陈静", await agent.TextContentAsync("[data-testid=contact-name]"));
        Assert.Contains("5G 畅享 129", await agent.TextContentAsync("[data-testid=contact] tr[data-field='套餐']") ?? "", StringComparison.Ordinal);
        var script = await agent.TextContentAsync("[data-testid=script]") ?? "";
        Assert.Contains("您好 陈静，您的账户 A100 的 5G 畅享 129 套餐即将到期。", script, StringComparison.Ordinal);
        await agent.WaitForSelectorAsync("[data-question=satisfied] select");
        await PagesFixture.ShotAsync(agent, "agent-desktop", docs: true);

        // The customer hangs up after a few seconds: wrap-up, with its countdown.
        await agent.WaitForSelectorAsync("[data-testid=statebar][data-state=wrap_up]", new() { Timeout = 30_000 });
        await agent.WaitForSelectorAsync("[data-testid=wrap-countdown]");

        // A callback outside the calling window is refused with the reason at the callback's field; what was typed stays.
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).Date.AddDays(1);
        await agent.CheckAsync("input[name=code][value=callback]");
        await agent.SelectOptionAsync("[data-question=satisfied] select", "4");
        await agent.FillAsync("[data-testid=notes]", "客户希望明天上午再联系");
        await agent.CheckAsync("[data-testid=callback-mine]");
        await agent.FillAsync("[data-testid=callback-at]", local.AddHours(23).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await agent.ClickAsync("[data-testid=dispose]");
        await agent.WaitForSelectorAsync("[data-testid=error-callback]:visible");
        Assert.Contains("outside the calling window", await agent.TextContentAsync("[data-testid=error-callback]") ?? "", StringComparison.Ordinal);
        Assert.Null(await agent.QuerySelectorAsync("[data-testid=desk-problem]"));
        Assert.True(await agent.IsCheckedAsync("input[name=code][value=callback]"));
        Assert.True(await agent.IsCheckedAsync("[data-testid=callback-mine]"));
        Assert.Equal("4", await agent.InputValueAsync("[data-question=satisfied] select"));
        Assert.Equal("客户希望明天上午再联系", await agent.InputValueAsync("[data-testid=notes]"));
        Assert.True(await agent.IsHiddenAsync("[data-testid=error-code]"));
        await PagesFixture.ShotAsync(agent, "agent-disposition-error");

        // In Chinese (the page is loaded again): the reasons in Chinese, each at its field, the notes typed kept.
        await agent.ClickAsync("[data-testid=language]");
        await agent.WaitForSelectorAsync("[data-testid=agent-state]:has-text('话后整理')");
        await agent.FillAsync("[data-testid=notes]", "客户希望明天上午再联系");
        await agent.CheckAsync("[data-testid=callback-mine]");
        await agent.FillAsync("[data-testid=callback-at]", local.AddHours(23).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await agent.ClickAsync("[data-testid=dispose]");
        await agent.WaitForSelectorAsync("[data-testid=error-code]:has-text('需要处理结果代码。')");
        Assert.Contains("不在呼叫时段", await agent.TextContentAsync("[data-testid=error-callback]") ?? "", StringComparison.Ordinal);
        Assert.Equal("客户希望明天上午再联系", await agent.InputValueAsync("[data-testid=notes]"));
        await PagesFixture.ShotAsync(agent, "agent-disposition-error-zh");
        await agent.ClickAsync("[data-testid=language]");
        await agent.WaitForSelectorAsync("[data-testid=agent-state]:has-text('Wrap-up')");

        await agent.CheckAsync("input[name=code][value=callback]");
        await agent.SelectOptionAsync("[data-question=satisfied] select", "4");
        await agent.FillAsync("[data-testid=notes]", "客户希望明天上午再联系");
        await agent.CheckAsync("[data-testid=callback-mine]");
        await agent.FillAsync("[data-testid=callback-at]", local.AddHours(10).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await agent.ClickAsync("[data-testid=dispose]");
        await agent.WaitForSelectorAsync("[data-testid=desk-notice]:has-text('Outcome saved.')");
        await agent.WaitForSelectorAsync("[data-testid=statebar][data-state=ready]");
        await agent.WaitForSelectorAsync("[data-testid=my-calls] td:has-text('callback')");

        // My callbacks: the one just given, at the customer's local time with the zone named.
        await agent.WaitForSelectorAsync("[data-testid=my-callbacks] [data-testid=callback-time]");
        var when = await agent.TextContentAsync("[data-testid=my-callbacks] [data-testid=callback-time]") ?? "";
        Assert.Contains("10:00", when, StringComparison.Ordinal);
        Assert.Contains($"({zone.Id})", when, StringComparison.Ordinal);
        Assert.Contains("陈静", await agent.TextContentAsync("[data-testid=my-callbacks]") ?? "", StringComparison.Ordinal);

        // Pause with a reason, then ready again; the desktop shows it in Chinese when switched.
        await agent.SelectOptionAsync("[data-testid=pause-reason-select]", "lunch");
        await agent.ClickAsync("[data-testid=pause]");
        await agent.WaitForSelectorAsync("[data-testid=statebar][data-state=paused]");
        Assert.Equal("Lunch", await agent.TextContentAsync("[data-testid=pause-reason]"));
        await agent.ClickAsync("[data-testid=language]");
        await agent.WaitForSelectorAsync("[data-testid=agent-state]:has-text('暂停')");
        await PagesFixture.ShotAsync(agent, "agent-desktop-zh");
        await agent.ClickAsync("[data-testid=language]");
        await agent.ClickAsync("[data-testid=ready]");
        await agent.WaitForSelectorAsync("[data-testid=statebar][data-state=ready]");

        // The manager's dashboard and report show that call.
        var manager = await app.NewPageAsync();
        await app.SignInAsync(manager, "qian.manager");
        await manager.GotoAsync($"/campaigns/{campaignId}/dashboard");
        await manager.WaitForSelectorAsync("[data-testid=connected-today]:has-text('1')");
        await manager.WaitForSelectorAsync("[data-testid=dashboard-agents] tr[data-agent='李娜']");
        await PagesFixture.ShotAsync(manager, "dashboard", docs: true);
        await manager.GotoAsync("/campaigns");
        await manager.WaitForSelectorAsync("html[data-live-status=connected]");
        await PagesFixture.ShotAsync(manager, "console", docs: true);
        await manager.GotoAsync($"/campaigns/{campaignId}/reports");
        Assert.Equal("1", await manager.TextContentAsync("tr[data-hour=total] td[data-disposition=callback]"));
        Assert.Equal("1", await manager.TextContentAsync("tr[data-hour=total] td[data-outcome=connected]"));
        await PagesFixture.ShotAsync(manager, "report");
        await manager.GotoAsync("/reports/agents");
        Assert.Equal("1", await manager.TextContentAsync("tr[data-agent='李娜'] [data-testid=calls]"));
        await manager.GotoAsync($"/campaigns/{campaignId}/contacts");
        Assert.Contains("Callback", await manager.TextContentAsync("tr[data-phone='+8613812340001']") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreviewOffersAContactWithTimeLeftAndTheAgentSkipsThenDials()
    {
        var zone = DaytimeZone();
        await app.CreateUserAsync("wu.agent", "吴磊", "agent");
        var campaignId = await app.CreateCampaignAsync("台州预览 回访", mode: "preview", wrapUpSeconds: 120);
        await app.ImportAsync(campaignId, $"姓名,电话,账号,套餐,timezone\r\n郑洁,13812340011,B200,宽带融合,{zone.Id}\r\n冯涛,13812340012,B201,5G 畅享,{zone.Id}\r\n", expected: 2);
        (await app.Admin.PostAsync($"/api/campaigns/{campaignId}/start", null)).EnsureSuccessStatusCode();
        await StartWorkerAsync();

        var agent = await app.NewPageAsync();
        await app.SignInAsync(agent, "wu.agent");
        await agent.CheckAsync("input[data-campaign='台州预览 回访']");
        await agent.ClickAsync("[data-testid=go-ready]");
        await agent.WaitForSelectorAsync("[data-testid=offer]", new() { Timeout = 30_000 });
        var first = await agent.TextContentAsync("[data-testid=offer] [data-testid=contact-name]");
        Assert.Matches(@"^\d+:\d\d$", (await agent.TextContentAsync("[data-testid=offer-time-left]"))!.Trim());
        await PagesFixture.ShotAsync(agent, "agent-preview");

        await agent.ClickAsync("[data-testid=skip]");
        try
        {
            await agent.WaitForSelectorAsync($"[data-testid=offer] [data-testid=contact-name]:not(:has-text('{first}'))", new() { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            await File.WriteAllTextAsync(Path.Combine(PagesFixture.ArtifactsDir, "preview-processes.log"), app.Log);
            await PagesFixture.ShotAsync(agent, "preview-stuck");
            File.Copy(Path.Combine(app.DataDir, "dialer.db"), Path.Combine(PagesFixture.ArtifactsDir, "preview-stuck.db"), overwrite: true);
            throw;
        }
        var second = await agent.TextContentAsync("[data-testid=offer] [data-testid=contact-name]");
        Assert.NotEqual(first, second);

        await agent.ClickAsync("[data-testid=dial]");
        await agent.WaitForSelectorAsync("[data-testid=call]", new() { Timeout = 30_000 });
        Assert.Equal(second, await agent.TextContentAsync("[data-testid=call] [data-testid=contact-name]"));
    }

    [Fact]
    public async Task TheAgentHoldsMutesAndHangsUpFromTheDeskInBothLanguages()
    {
        var zone = DaytimeZone();
        await app.CreateUserAsync("zhou.controls", "周敏", "agent");
        var campaignId = await app.CreateCampaignAsync("嘉兴关怀 通话控制", wrapUpSeconds: 120);
        await app.ImportAsync(campaignId, $"姓名,电话,账号,套餐,timezone\r\n孙悦,13812340031,C300,5G 畅享 199,{zone.Id}\r\n");
        (await app.Admin.PostAsync($"/api/campaigns/{campaignId}/start", null)).EnsureSuccessStatusCode();
        await StartWorkerAsync();

        var agent = await app.NewPageAsync();
        await app.SignInAsync(agent, "zhou.controls");
        await agent.WaitForSelectorAsync("html[data-live-status=connected]");
        await agent.CheckAsync("input[data-campaign='嘉兴关怀 通话控制']");
        await agent.ClickAsync("[data-testid=go-ready]");
        await agent.WaitForSelectorAsync("[data-testid=call-controls]", new() { Timeout = 45_000 });
        Assert.Equal("Hold", (await agent.TextContentAsync("[data-testid=hold]"))?.Trim());

        // Hold: the customer hears the hold music and waits (the simulated customer's conversation stands still meanwhile).
        await agent.ClickAsync("[data-testid=hold]");
        await agent.WaitForSelectorAsync("[data-testid=call-controls][data-held=true]");
        Assert.Equal("Resume", (await agent.TextContentAsync("[data-testid=hold]"))?.Trim());
        Assert.Equal("On hold", (await agent.TextContentAsync("[data-testid=call-status]"))?.Trim());

        // A pause asked during the call waits for its end; the time in state stays the call's.
        var since = await agent.GetAttributeAsync("[data-testid=time-in-state]", "data-since");
        await agent.SelectOptionAsync("[data-testid=pause-reason-select]", "break");
        await agent.ClickAsync("[data-testid=pause]");
        await agent.WaitForSelectorAsync("[data-testid=pending]:has-text('Pause after this call')");
        Assert.Equal(since, await agent.GetAttributeAsync("[data-testid=time-in-state]", "data-since"));
        Assert.Equal("on_call", await agent.GetAttributeAsync("[data-testid=statebar]", "data-state"));

        // A transfer to something that is not a number is refused at the number's field, what was typed kept.
        await agent.FillAsync("[data-testid=transfer-to]", "前台");
        await agent.ClickAsync("[data-testid=transfer]");
        await agent.WaitForSelectorAsync("[data-testid=error-transfer-to]:has-text('Give the number to transfer to')");
        Assert.Equal("前台", await agent.InputValueAsync("[data-testid=transfer-to]"));

        await agent.ClickAsync("[data-testid=mute]");
        await agent.WaitForSelectorAsync("[data-testid=call-controls][data-muted=true]");
        Assert.Equal("Unmute", (await agent.TextContentAsync("[data-testid=mute]"))?.Trim());
        Assert.Equal("Muted", (await agent.TextContentAsync("[data-testid=muted]"))?.Trim());

        await agent.ClickAsync("[data-testid=language]");
        await agent.WaitForSelectorAsync("[data-testid=hold]:has-text('恢复通话')");
        Assert.Equal("取消静音", (await agent.TextContentAsync("[data-testid=mute]"))?.Trim());
        Assert.Equal("挂断", (await agent.TextContentAsync("[data-testid=hangup]"))?.Trim());
        Assert.Equal("转接", (await agent.TextContentAsync("[data-testid=transfer]"))?.Trim());
        Assert.Equal("保持中", (await agent.TextContentAsync("[data-testid=call-status]"))?.Trim());
        await PagesFixture.ShotAsync(agent, "desk-call-controls-zh");
        await agent.ClickAsync("[data-testid=language]");
        await agent.WaitForSelectorAsync("[data-testid=hold]:has-text('Resume')");
        await PagesFixture.ShotAsync(agent, "desk-call-controls", docs: true, fullPage: false);

        await agent.ClickAsync("[data-testid=mute]");
        await agent.WaitForSelectorAsync("[data-testid=call-controls][data-muted=false]");
        await agent.ClickAsync("[data-testid=hold]");
        await agent.WaitForSelectorAsync("[data-testid=call-controls][data-held=false]");
        Assert.Equal("Talking", (await agent.TextContentAsync("[data-testid=call-status]"))?.Trim());
        await agent.ClickAsync("[data-testid=hold]");
        await agent.WaitForSelectorAsync("[data-testid=call-controls][data-held=true]");

        // Hung up by the agent while the customer waits on hold: only the agent's hang-up can end this call.
        await agent.ClickAsync("[data-testid=hangup]");
        await agent.WaitForSelectorAsync("[data-testid=statebar][data-state=wrap_up]", new() { Timeout = 15_000 });
        Assert.Null(await agent.QuerySelectorAsync("[data-testid=call-controls]"));

        // The pause asked during the call is still pending in wrap-up, and taken when the outcome is saved.
        Assert.Contains("Pause after this call", await agent.TextContentAsync("[data-testid=pending]") ?? "", StringComparison.Ordinal);
        await agent.CheckAsync("input[name=code][value=declined]");
        await agent.ClickAsync("[data-testid=dispose]");
        await agent.WaitForSelectorAsync("[data-testid=desk-notice]:has-text('Outcome saved.')");
        await agent.WaitForSelectorAsync("[data-testid=statebar][data-state=paused]");
        Assert.Equal("Break", await agent.TextContentAsync("[data-testid=pause-reason]"));
    }

    [Fact]
    public async Task GoingReadyOnAPausedCampaignSaysTheCampaignIsPausedInBothLanguages()
    {
        await app.CreateUserAsync("he.agent", "何静", "agent");
        var campaignId = await app.CreateCampaignAsync("湖州回访 暂停中");
        (await app.Admin.PostAsync($"/api/campaigns/{campaignId}/start", null)).EnsureSuccessStatusCode();
        (await app.Admin.PostAsync($"/api/campaigns/{campaignId}/pause", null)).EnsureSuccessStatusCode();

        var agent = await app.NewPageAsync();
        await app.SignInAsync(agent, "he.agent");
        await agent.CheckAsync("input[data-campaign='湖州回访 暂停中']");
        await agent.ClickAsync("[data-testid=go-ready]");
        await agent.WaitForSelectorAsync("[data-testid=campaign-paused]");
        Assert.Equal("湖州回访 暂停中 is paused: no calls come from it until a manager resumes it.",
            (await agent.TextContentAsync("[data-testid=campaign-paused]"))?.Trim());
        Assert.Equal("ready", await agent.GetAttributeAsync("[data-testid=statebar]", "data-state"));
        Assert.True(await agent.IsVisibleAsync("[data-testid=no-callbacks]"));

        await agent.ClickAsync("[data-testid=language]");
        await agent.WaitForSelectorAsync("[data-testid=campaign-paused]:has-text('已暂停')");
        Assert.Equal("湖州回访 暂停中 已暂停：经理恢复之前不会有来电。", (await agent.TextContentAsync("[data-testid=campaign-paused]"))?.Trim());
        await agent.ClickAsync("[data-testid=language]");
    }

    [Fact]
    public async Task AnAgentTakenOffACampaignDuringACallFinishesItAndTheDeskSaysSoInBothLanguages()
    {
        var zone = DaytimeZone();
        await app.CreateUserAsync("unassign.manager", "撤销经理", "manager");
        var agentId = await app.CreateUserAsync("unassign.agent", "吴撤销", "agent");
        var first = await app.CreateCampaignAsync("丽水关怀 撤销分配", wrapUpSeconds: 120);
        var second = await app.CreateCampaignAsync("衢州回访 保留分配", wrapUpSeconds: 120);
        await app.ImportAsync(first, $"姓名,电话,账号,套餐,timezone\r\n柳青,13812340051,U500,5G 畅享 99,{zone.Id}\r\n柳红,13812340052,U501,5G 畅享 99,{zone.Id}\r\n", expected: 2);
        (await app.Admin.PutAsJsonAsync($"/api/users/{agentId}/campaigns", new { campaignIds = new[] { first, second } })).EnsureSuccessStatusCode();
        (await app.Admin.PostAsync($"/api/campaigns/{first}/start", null)).EnsureSuccessStatusCode();
        (await app.Admin.PostAsync($"/api/campaigns/{second}/start", null)).EnsureSuccessStatusCode();
        await StartWorkerAsync();

        var agent = await app.NewPageAsync();
        await app.SignInAsync(agent, "unassign.agent");
        await agent.WaitForSelectorAsync("html[data-live-status=connected]");
        await agent.CheckAsync("input[data-campaign='丽水关怀 撤销分配']");
        await agent.CheckAsync("input[data-campaign='衢州回访 保留分配']");
        await agent.ClickAsync("[data-testid=go-ready]");
        await agent.WaitForSelectorAsync("[data-testid=call-controls]", new() { Timeout = 45_000 });
        var name = (await agent.TextContentAsync("[data-testid=contact-name]"))?.Trim();

        // The manager takes the agent off the first campaign (People → Campaigns) while the call is on.
        var manager = await app.NewPageAsync();
        await app.SignInAsync(manager, "unassign.manager");
        await manager.GotoAsync($"/users/{agentId}/campaigns");
        await manager.UncheckAsync("input[data-campaign='丽水关怀 撤销分配']");
        await manager.ClickAsync("[data-testid=save]");
        await manager.WaitForSelectorAsync("[data-testid=notice]");

        // The desk says so at once; the call goes on and is the agent's to finish.
        await agent.WaitForSelectorAsync("[data-testid=campaign-unassigned]");
        Assert.Equal("You are no longer assigned to 丽水关怀 撤销分配: no more calls come from it (a call in progress is yours to finish).",
            (await agent.TextContentAsync("[data-testid=campaign-unassigned]"))?.Trim());
        Assert.Equal("on_call", await agent.GetAttributeAsync("[data-testid=statebar]", "data-state"));
        await agent.ClickAsync("[data-testid=language]");
        await agent.WaitForSelectorAsync("[data-testid=campaign-unassigned]:has-text('不再分配')");
        Assert.Equal("您已不再分配到丽水关怀 撤销分配：不会再有该活动的来电（进行中的通话请照常完成）。",
            (await agent.TextContentAsync("[data-testid=campaign-unassigned]"))?.Trim());
        await PagesFixture.ShotAsync(agent, "desk-unassigned-zh");
        await agent.ClickAsync("[data-testid=language]");

        // The customer hangs up; the agent records the outcome and is ready (for the campaign it still works).
        await agent.WaitForSelectorAsync("[data-testid=statebar][data-state=wrap_up]", new() { Timeout = 30_000 });
        await agent.CheckAsync("input[name=code][value=retained]");
        await agent.ClickAsync("[data-testid=dispose]");
        await agent.WaitForSelectorAsync("[data-testid=desk-notice]:has-text('Outcome saved.')");
        await agent.WaitForSelectorAsync("[data-testid=statebar][data-state=ready]");
        Assert.Equal(1, await agent.Locator("[data-testid=campaign-unassigned]").CountAsync());

        // Assigned again from the campaign's Agents tab: the notice goes and the campaign's other contact comes to the agent.
        var other = name == "柳青" ? "柳红" : "柳青";
        await manager.GotoAsync($"/campaigns/{first}/agents");
        await manager.CheckAsync("input[data-agent='unassign.agent']");
        await manager.ClickAsync("[data-testid=save]");
        await manager.WaitForSelectorAsync("[data-testid=notice]");
        await agent.WaitForSelectorAsync($"[data-testid=contact-name]:has-text('{other}')", new() { Timeout = 45_000 });
        Assert.Equal(0, await agent.Locator("[data-testid=campaign-unassigned]").CountAsync());
    }

    /// <summary>The Worker on the simulated carrier: every call answered by a person, after 1 s, who talks for 10 s.</summary>
    private Task StartWorkerAsync() => app.StartWorkerAsync(new Dictionary<string, string>
    {
        ["Telephony__Simulation__LiveAnswerRate"] = "1",
        ["Telephony__Simulation__MachineRate"] = "0",
        ["Telephony__Simulation__BusyRate"] = "0",
        ["Telephony__Simulation__InvalidRate"] = "0",
        ["Telephony__Simulation__RingSeconds__Dist"] = "fixed",
        ["Telephony__Simulation__RingSeconds__Value"] = "1",
        ["Telephony__Simulation__TalkSeconds__Dist"] = "fixed",
        ["Telephony__Simulation__TalkSeconds__Value"] = "10",
        ["Dialing__WatchSeconds"] = "1",
    });

    /// <summary>A zone where it is between 09:00 and 19:00 now (the test may run at any hour).</summary>
    private static TimeZoneInfo DaytimeZone()
    {
        string[] zones = ["Asia/Shanghai", "Europe/London", "America/New_York", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Auckland", "America/Sao_Paulo", "Europe/Moscow", "Pacific/Honolulu"];
        return zones.Select(TimeZoneInfo.FindSystemTimeZoneById)
            .First(z => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, z).Hour is >= 9 and < 19);
    }

}
