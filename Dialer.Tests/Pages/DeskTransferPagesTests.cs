using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>
/// The desk's transfer to another agent and manual dial through real processes: the Api serving the pages, the Worker dialing
/// the simulated carrier (every call answered after 1 s by a person who talks for 10 s), and agents in Chromium, in English
/// and Chinese.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class DeskTransferPagesTests(PagesFixture app)
{
    [Fact]
    public async Task AnAgentTransfersTheCallToAReadyAgentAndOneNoLongerReadyIsRefusedAtTheControlInBothLanguages()
    {
        var zone = DaytimeZone();
        await app.CreateUserAsync("wu.xfer.first", "吴芳", "agent");
        var pausedId = await app.CreateUserAsync("wu.xfer.paused", "王磊", "agent");
        await app.CreateUserAsync("wu.xfer.taker", "赵倩", "agent");
        var campaignId = await app.CreateCampaignAsync("湖州关怀 转接", wrapUpSeconds: 120);
        await app.ImportAsync(campaignId, $"姓名,电话,账号,套餐,timezone\r\n钱坤,13812340061,C610,5G 畅享 199,{zone.Id}\r\n");
        (await app.Admin.PostAsync($"/api/campaigns/{campaignId}/start", null)).EnsureSuccessStatusCode();
        await StartWorkerAsync();

        var first = await ReadyAsync("wu.xfer.first", "湖州关怀 转接");
        await first.WaitForSelectorAsync("[data-testid=call-controls]", new() { Timeout = 45_000 });
        // On hold meanwhile: the customer's conversation stands still until put through.
        await first.ClickAsync("[data-testid=hold]");
        await first.WaitForSelectorAsync("[data-testid=call-controls][data-held=true]");
        Assert.Equal("No other agent of this campaign is ready.", (await first.TextContentAsync("[data-testid=no-agent-ready]"))?.Trim());

        var paused = await ReadyAsync("wu.xfer.paused", "湖州关怀 转接");
        var taker = await ReadyAsync("wu.xfer.taker", "湖州关怀 转接");
        await first.WaitForSelectorAsync("[data-testid=transfer-agent] option[data-agent='赵倩']", new() { State = WaitForSelectorState.Attached });
        await first.WaitForSelectorAsync("[data-testid=transfer-agent] option[data-agent='王磊']", new() { State = WaitForSelectorState.Attached });
        Assert.Equal("赵倩 (ready)", (await first.TextContentAsync("[data-testid=transfer-agent] option[data-agent='赵倩']"))?.Trim());

        // The second agent pauses; the first one's list (taken a moment before) still names it: refused, with the reason at
        // the control, and the call stays.
        await paused.SelectOptionAsync("[data-testid=pause-reason-select]", "break");
        await paused.ClickAsync("[data-testid=pause]");
        await paused.WaitForSelectorAsync("[data-testid=statebar][data-state=paused]");
        await first.ClickAsync("[data-testid=language]");
        await first.WaitForSelectorAsync("[data-testid=transfer-to-agent]:has-text('转接')");
        Assert.Contains("转给坐席", await first.TextContentAsync("[data-testid=agent-transfer]") ?? "", StringComparison.Ordinal);
        await first.EvaluateAsync("""
            id => {
              const select = document.querySelector("[data-testid=transfer-agent]");
              if (!select.querySelector(`option[value="${id}"]`)) select.add(new Option("王磊", String(id)));
              select.value = String(id);
              document.querySelector("[data-testid=transfer-to-agent]").click();
            }
            """, pausedId);
        await first.WaitForSelectorAsync("[data-testid=error-agent-transfer]:has-text('该坐席未就绪（当前暂停）：通话仍由您处理。')");
        Assert.Equal("on_call", await first.GetAttributeAsync("[data-testid=statebar]", "data-state"));
        await PagesFixture.ShotAsync(first, "desk-transfer-agent-zh");

        await first.ClickAsync("[data-testid=language]");
        await first.WaitForSelectorAsync("[data-testid=transfer-to-agent]:has-text('Transfer')");
        await first.SelectOptionAsync("[data-testid=transfer-agent]", new SelectOptionValue { Label = "赵倩 (ready)" });
        await first.ClickAsync("[data-testid=transfer-to-agent]");

        // The first agent wraps up and records its outcome; the other has the customer (and the customer's record) now.
        await first.WaitForSelectorAsync("[data-testid=statebar][data-state=wrap_up]", new() { Timeout = 15_000 });
        await taker.WaitForSelectorAsync("[data-testid=call][data-contact='钱坤']", new() { Timeout = 15_000 });
        Assert.Contains(await taker.GetAttributeAsync("[data-testid=statebar]", "data-state"), new[] { "on_call", "wrap_up" });
        await first.CheckAsync("input[name=code][value=callback]");
        await first.ClickAsync("[data-testid=dispose]");
        await first.WaitForSelectorAsync("[data-testid=desk-notice]:has-text('Outcome saved.')");
        await first.WaitForSelectorAsync("[data-testid=statebar][data-state=ready]");

        // The receiving agent keeps the call to its end and records the call's outcome.
        await taker.WaitForSelectorAsync("[data-testid=statebar][data-state=wrap_up]", new() { Timeout = 20_000 });
        await taker.CheckAsync("input[name=code][value=retained]");
        await taker.ClickAsync("[data-testid=dispose]");
        await taker.WaitForSelectorAsync("[data-testid=desk-notice]:has-text('Outcome saved.')");
        await taker.WaitForSelectorAsync("[data-testid=statebar][data-state=ready]");
    }

    [Fact]
    public async Task AnAgentConsultsAnotherCancelsThenConsultsAgainAndCompletesTheTransferInBothLanguages()
    {
        var zone = DaytimeZone();
        await app.CreateUserAsync("sun.consult.a", "孙丽", "agent");
        await app.CreateUserAsync("sun.consult.b", "李强", "agent");
        var campaignId = await app.CreateCampaignAsync("温州关怀 咨询", wrapUpSeconds: 120);
        await app.ImportAsync(campaignId, $"姓名,电话,账号,套餐,timezone\r\n周涛,13812340081,C810,5G 畅享 199,{zone.Id}\r\n");
        (await app.Admin.PostAsync($"/api/campaigns/{campaignId}/start", null)).EnsureSuccessStatusCode();
        await StartWorkerAsync();

        var first = await ReadyAsync("sun.consult.a", "温州关怀 咨询");
        await first.WaitForSelectorAsync("[data-testid=call-controls]", new() { Timeout = 45_000 });
        await first.ClickAsync("[data-testid=hold]");
        await first.WaitForSelectorAsync("[data-testid=call-controls][data-held=true]");
        var second = await ReadyAsync("sun.consult.b", "温州关怀 咨询");
        await first.WaitForSelectorAsync("[data-testid=transfer-agent] option[data-agent='李强']", new() { State = WaitForSelectorState.Attached });

        // In Chinese: consult the other agent; the customer waits on hold, the other agent has the customer's record.
        await first.ClickAsync("[data-testid=language]");
        await first.WaitForSelectorAsync("[data-testid=consult-agent]:has-text('咨询')");
        await first.ClickAsync("[data-testid=consult-agent]");
        await first.WaitForSelectorAsync("[data-testid=consult-status][data-consult=on]:has-text('正在咨询 李强；客户保持中')");
        Assert.Equal("取消，回到客户", (await first.TextContentAsync("[data-testid=consult-cancel]"))?.Trim());
        Assert.Equal("完成转接", (await first.TextContentAsync("[data-testid=consult-complete]"))?.Trim());
        Assert.Equal("true", await first.GetAttributeAsync("[data-testid=call-controls]", "data-held"));
        await second.WaitForSelectorAsync("[data-testid=call][data-contact='周涛']", new() { Timeout = 15_000 });
        await PagesFixture.ShotAsync(first, "desk-consult-zh");

        // Cancelled: back to the customer, off hold; the other agent is free again.
        await first.ClickAsync("[data-testid=consult-cancel]");
        await first.WaitForSelectorAsync("[data-testid=call-controls][data-held=false]");
        await second.WaitForSelectorAsync("[data-testid=statebar][data-state=ready]", new() { Timeout = 15_000 });

        // In English: consult again and complete; the first agent wraps up, the other keeps the call.
        await first.ClickAsync("[data-testid=language]");
        await first.WaitForSelectorAsync("[data-testid=consult-agent]:has-text('Consult')");
        await first.ClickAsync("[data-testid=consult-agent]");
        await first.WaitForSelectorAsync("[data-testid=consult-status][data-consult=on]:has-text('Consulting 李强; the customer is on hold')");
        await first.ClickAsync("[data-testid=consult-complete]");
        await first.WaitForSelectorAsync("[data-testid=statebar][data-state=wrap_up]", new() { Timeout = 15_000 });
        await second.WaitForSelectorAsync("[data-testid=call][data-contact='周涛']", new() { Timeout = 15_000 });
        await second.WaitForSelectorAsync("[data-testid=statebar][data-state=wrap_up]", new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task APausedAgentDialsByHandAndACallOutsideTheContactsHoursIsRefusedWithItsReasonInBothLanguages()
    {
        await app.CreateUserAsync("qian.manual", "钱敏", "agent");
        var campaignId = await app.CreateCampaignAsync("衢州回访 手工", wrapUpSeconds: 120);
        (await app.Admin.PostAsync($"/api/campaigns/{campaignId}/start", null)).EnsureSuccessStatusCode();
        await StartWorkerAsync();
        var agent = await ReadyAsync("qian.manual", "衢州回访 手工");
        await agent.SelectOptionAsync("[data-testid=pause-reason-select]", "training");
        await agent.ClickAsync("[data-testid=pause]");
        await agent.WaitForSelectorAsync("[data-testid=statebar][data-state=paused]");
        // Contacts come once the agent is paused: none is dialled by the engine on its own.
        await app.ImportAsync(campaignId,
            $"姓名,电话,账号,套餐,timezone\r\n夜间客户,13812340071,C710,5G 畅享 199,{NightZone().Id}\r\n日间客户,13812340072,C720,5G 畅享 199,{DaytimeZone().Id}\r\n", expected: 2);

        await agent.GotoAsync($"/agent?campaign={campaignId}&q=夜间");
        await agent.WaitForSelectorAsync("html[data-live-status=connected]");
        await agent.ClickAsync("[data-testid=manual-found] tr[data-contact='夜间客户'] [data-testid=manual-dial-contact]");
        await agent.WaitForSelectorAsync("[data-testid=desk-notice]:has-text('Dialing asked')");
        await agent.WaitForSelectorAsync("[data-testid=manual-refused]:has-text('outside the calling hours in the contact')", new() { Timeout = 15_000 });
        Assert.Equal("paused", await agent.GetAttributeAsync("[data-testid=statebar]", "data-state"));

        // A number that is not one is refused at its field, in the page's language.
        await agent.ClickAsync("[data-testid=language]");
        await agent.WaitForSelectorAsync("[data-testid=manual-refused]:has-text('不在联系人所在时区的呼叫时段内')");
        Assert.Equal("手工拨号", (await agent.TextContentAsync("[data-testid=manual-dial] h2"))?.Trim());
        await agent.FillAsync("[data-testid=manual-phone]", "前台");
        await agent.ClickAsync("[data-testid=manual-dial-number]");
        await agent.WaitForSelectorAsync("[data-testid=error-manual-phone]:has-text('请选择联系人或填写要拨打的号码')");
        Assert.Equal("前台", await agent.InputValueAsync("[data-testid=manual-phone]"));
        await PagesFixture.ShotAsync(agent, "desk-manual-dial-zh");
        await agent.ClickAsync("[data-testid=language]");
        await agent.WaitForSelectorAsync("[data-testid=manual-dial] h2:has-text('Manual dial')");

        // A contact in its calling hours: dialled, connected, disposed; the agent is paused again afterwards.
        await agent.GotoAsync($"/agent?campaign={campaignId}&q=日间");
        await agent.ClickAsync("[data-testid=manual-found] tr[data-contact='日间客户'] [data-testid=manual-dial-contact]");
        await agent.WaitForSelectorAsync("[data-testid=call][data-contact='日间客户']", new() { Timeout = 15_000 });
        await agent.WaitForSelectorAsync("[data-testid=statebar][data-state=wrap_up]", new() { Timeout = 20_000 });
        await agent.CheckAsync("input[name=code][value=retained]");
        await agent.ClickAsync("[data-testid=dispose]");
        await agent.WaitForSelectorAsync("[data-testid=statebar][data-state=paused]");
        Assert.Equal("After a manual call", (await agent.TextContentAsync("[data-testid=pause-reason]"))?.Trim());
    }

    /// <summary>Signs the agent in to the campaign and waits until it is ready.</summary>
    private async Task<IPage> ReadyAsync(string username, string campaign)
    {
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, username);
        await page.WaitForSelectorAsync("html[data-live-status=connected]");
        await page.CheckAsync($"input[data-campaign='{campaign}']");
        await page.ClickAsync("[data-testid=go-ready]");
        await page.WaitForSelectorAsync("[data-testid=statebar]:not([data-state=logged_out])");
        return page;
    }

    /// <summary>The Worker on the simulated carrier: every call answered by a person, after 1 s, who talks for 10 s (as AgentDesktopTests).</summary>
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

    private static readonly string[] Zones = ["Asia/Shanghai", "Europe/London", "America/New_York", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata",
        "Pacific/Auckland", "America/Sao_Paulo", "Europe/Moscow", "Pacific/Honolulu"];

    /// <summary>A zone where it is between 09:00 and 19:00 now (the test may run at any hour).</summary>
    private static TimeZoneInfo DaytimeZone() =>
        Zones.Select(TimeZoneInfo.FindSystemTimeZoneById).First(z => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, z).Hour is >= 9 and < 19);

    /// <summary>A zone where it is night now (between 22:00 and 07:00): outside any calling hours the CN profile allows.</summary>
    private static TimeZoneInfo NightZone() =>
        Zones.Select(TimeZoneInfo.FindSystemTimeZoneById).First(z => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, z).Hour is >= 22 or < 7);
}
