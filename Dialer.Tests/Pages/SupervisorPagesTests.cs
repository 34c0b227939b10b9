using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>
/// The supervisor's pages (issue 14) in Chromium, in English and Chinese: the agent board across campaigns with force
/// pause and logout, recordings played from the contact page and the calls list (managers only), the contact page with
/// its edit, lists switched on and off, recycling by outcome, a contact added by hand, and all callbacks. The engine's
/// part (calls, agent states) is written to the database as the Worker would write it.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class SupervisorPagesTests(PagesFixture app)
{
    private string DbFile => Path.Combine(app.DataDir, "dialer.db");

    [Fact]
    public async Task TheAgentBoardShowsEveryAgentLiveAndForcesAPauseAfterTheCallAndALogoutAtOnce()
    {
        var talking = await app.CreateUserAsync("zhou.board", "周杰", "agent");
        var ready = await app.CreateUserAsync("wu.board", "吴敏", "agent");
        var wrapping = await app.CreateUserAsync("zheng.board", "郑爽", "agent");
        await app.CreateUserAsync("sun.board", "孙主管", "manager");
        var care = await app.CreateCampaignAsync("杭州宽带 续约");
        var survey = await app.CreateCampaignAsync("满意度回访 十二月");
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var c = new SqliteConnection($"Data Source={DbFile}"))
        {
            var contact = await ContactAsync(c, care, "+8613812345678", "陈静");
            var attempt = await AttemptAsync(c, care, contact, talking, now - 95_000, connectedAt: now - 80_000);
            await AgentStateAsync(c, talking, "on_call", null, now - 80_000, $"[{care},{survey}]", attempt, contact);
            await AgentStateAsync(c, ready, "ready", null, now - 30_000, $"[{survey}]", null, null);
            await AgentStateAsync(c, wrapping, "wrap_up", null, now - 12_000, $"[{care}]", null, null);
        }

        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "sun.board");
        await page.ClickAsync("nav.mainnav a[href='/board']");
        await page.WaitForSelectorAsync("html[data-live-status=connected]");
        var zhou = page.Locator("[data-testid=agent-board] tr[data-agent='周杰']");
        await zhou.Locator("[data-testid=call]:has-text('陈静')").WaitForAsync();
        Assert.Equal("on_call", await zhou.GetAttributeAsync("data-state"));
        Assert.Contains("+8613812345678", await zhou.Locator("[data-testid=call]").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Contains("杭州宽带 续约", await zhou.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Contains("满意度回访 十二月", await zhou.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Matches(@"^1:2\d$", (await zhou.Locator("[data-testid=talk]").TextContentAsync())?.Trim());
        Assert.Equal("ready", await page.GetAttributeAsync("tr[data-agent='吴敏']", "data-state"));
        Assert.Contains("Wrap-up", await page.TextContentAsync("tr[data-agent='郑爽']") ?? "", StringComparison.Ordinal);
        await PagesFixture.ShotAsync(page, "agent-board", docs: true);

        // On a call: the pause waits for the call's end (the engine applies it), as the agent's own request would.
        await zhou.Locator("[data-testid=force-pause]").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=notice]:has-text('paused when the call is over')");
        await page.WaitForSelectorAsync("tr[data-agent='周杰'] [data-testid=pending]");
        Assert.Equal(0, await page.Locator("tr[data-agent='周杰'] [data-testid=force-pause]").CountAsync());
        await using (var c = new SqliteConnection($"Data Source={DbFile}"))
        {
            var row = await c.QuerySingleAsync<(string State, string Request, string RequestReason)>(
                "SELECT state, request, request_reason FROM agent_states WHERE agent_id = @talking", new { talking });
            Assert.Equal(("on_call", "pause", "supervisor"), row);

            // Ready: logged out at once.
            await page.ClickAsync("tr[data-agent='吴敏'] [data-testid=force-logout]");
            await page.WaitForSelectorAsync("[data-testid=notice]:has-text('signed out')");
            Assert.Equal(0, await page.Locator("tr[data-agent='吴敏']").CountAsync());
            Assert.Equal("logged_out", await c.ExecuteScalarAsync<string>("SELECT state FROM agent_states WHERE agent_id = @ready", new { ready }));

            // The engine ends the call and applies the pause: the board shows it without a reload.
            await c.ExecuteAsync(
                "UPDATE agent_states SET state = 'paused', reason = 'supervisor', request = NULL, request_reason = NULL, attempt_id = NULL, contact_id = NULL, since = @now, version = version + 1 WHERE agent_id = @talking",
                new { talking, now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() });
        }

        await page.WaitForSelectorAsync("tr[data-agent='周杰'][data-state=paused]:has-text('Paused by a supervisor')");

        var zh = await app.NewPageAsync("zh-CN");
        await app.SignInAsync(zh, "sun.board");
        await zh.GotoAsync("/board");
        await zh.ClickAsync("[data-testid=language]");
        await zh.WaitForSelectorAsync("h1:has-text('坐席监控')");
        Assert.Contains("主管暂停", await zh.TextContentAsync("tr[data-agent='周杰']") ?? "", StringComparison.Ordinal);
        Assert.Contains("强制签出", await zh.TextContentAsync("tr[data-agent='郑爽']") ?? "", StringComparison.Ordinal);
        await PagesFixture.ShotAsync(zh, "agent-board-zh");
    }

    [Fact]
    public async Task OnlyManagersPlayARecordingFromTheContactPageAndTheCallsList()
    {
        var agent = await app.CreateUserAsync("qin.rec", "秦岚", "agent");
        await app.CreateUserAsync("he.rec", "何主管", "manager");
        var campaign = await app.CreateCampaignAsync("录音抽查 续约");
        var wav = Wav(seconds: 2);
        var folder = Directory.CreateDirectory(Path.Combine(app.DataDir, "recordings", campaign.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        long contact, recorded, unrecorded, outside;
        await using (var c = new SqliteConnection($"Data Source={DbFile}"))
        {
            var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            contact = await ContactAsync(c, campaign, "+8613700001111", "赵磊", state: "done");
            recorded = await AttemptAsync(c, campaign, contact, agent, now - 600_000, connectedAt: now - 590_000, ended: now - 548_000);
            unrecorded = await AttemptAsync(c, campaign, contact, agent, now - 86_400_000, connectedAt: null, ended: now - 86_370_000, outcome: "no_answer");
            outside = await AttemptAsync(c, campaign, contact, agent, now - 90_000_000, connectedAt: null, ended: now - 89_990_000, outcome: "busy");
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{recorded}.wav"), wav);
            await c.ExecuteAsync(
                """UPDATE call_attempts SET recording_path = @path, disposition = 'retained', notes = '客户同意续约', survey_json = '{"satisfied":"5"}' WHERE id = @recorded""",
                new { path = Path.Combine(folder, $"{recorded}.wav"), recorded });
            await c.ExecuteAsync("UPDATE call_attempts SET recording_path = '/etc/passwd' WHERE id = @outside", new { outside });
        }

        // The API: managers and administrators get the WAV (and a range of it); agents and billing keys are refused.
        using var whole = await app.Admin.GetAsync($"/api/calls/{recorded}/recording");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("audio/wav", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal(wav, await whole.Content.ReadAsByteArrayAsync());
        using var range = new HttpRequestMessage(HttpMethod.Get, $"/api/calls/{recorded}/recording");
        range.Headers.Range = new RangeHeaderValue(44, 143);
        using var part = await app.Admin.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(wav[44..144], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin.GetAsync($"/api/calls/{unrecorded}/recording")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin.GetAsync($"/api/calls/{outside}/recording")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin.GetAsync("/api/calls/999999/recording")).StatusCode);
        using (var billing = await ClientAsync(await KeyAsync("billing")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync($"/api/calls/{recorded}/recording")).StatusCode);
        }

        using (var manager = await ClientAsync(await KeyAsync("manager")))
        {
            Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync($"/api/calls/{recorded}/recording")).StatusCode);
        }

        using (var agentClient = await ClientAsync(await TokenAsync("qin.rec")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await agentClient.GetAsync($"/api/calls/{recorded}/recording")).StatusCode);
        }

        using (var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/calls/{recorded}/recording")).StatusCode);
        }

        // The contact page: its calls with outcome, talk time, agent, disposition, notes, survey answer, and the player.
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "he.rec");
        await page.GotoAsync($"/campaigns/{campaign}/contacts");
        await page.ClickAsync("a[data-testid=contact-link]:has-text('赵磊')");
        await page.WaitForSelectorAsync("[data-testid=contact-summary]");
        var row = page.Locator($"tr[data-call='{recorded}']");
        Assert.Contains("0:42", await row.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Contains("秦岚", await row.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal("retained", (await row.Locator("[data-testid=disposition]").TextContentAsync())?.Trim());
        Assert.Contains("客户同意续约", await row.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Contains("您对目前的服务满意吗？: 5", await row.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Contains("No answer", await page.TextContentAsync($"tr[data-call='{unrecorded}']") ?? "", StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator($"tr[data-call='{unrecorded}'] audio").CountAsync());
        Assert.Equal(0, await page.Locator($"tr[data-call='{outside}'] audio").CountAsync());
        Assert.Equal(2.0, await DurationAsync(page, $"tr[data-call='{recorded}'] audio"), precision: 2);

        // The calls list, in Chinese: the same player.
        var zh = await app.NewPageAsync("zh-CN");
        await app.SignInAsync(zh, "he.rec");
        await zh.GotoAsync($"/campaigns/{campaign}/calls");
        await zh.ClickAsync("[data-testid=language]");
        await zh.WaitForSelectorAsync("th:has-text('录音')");
        Assert.Contains("无人接听", await zh.TextContentAsync($"tr[data-call='{unrecorded}']") ?? "", StringComparison.Ordinal);
        Assert.Equal(2.0, await DurationAsync(zh, $"tr[data-call='{recorded}'] audio"), precision: 2);
        await PagesFixture.ShotAsync(zh, "calls-zh");

        // An agent's browser is sent to the desk, and the recording itself is refused.
        var agentPage = await app.NewPageAsync();
        await app.SignInAsync(agentPage, "qin.rec");
        await agentPage.GotoAsync($"/contacts/{contact}");
        Assert.EndsWith("/agent", new Uri(agentPage.Url).AbsolutePath, StringComparison.Ordinal);
        var status = await agentPage.EvaluateAsync<int>($"async () => (await fetch('/api/calls/{recorded}/recording')).status");
        Assert.Equal(403, status);
    }

    [Fact]
    public async Task AManagerEditsAContactAddsOneSwitchesAListOffRecyclesOutcomesAndManagesCallbacks()
    {
        var agent = await app.CreateUserAsync("feng.cb", "冯雪", "agent");
        await app.CreateUserAsync("lu.cb", "陆主管", "manager");
        var campaign = await app.CreateCampaignAsync("联系人维护 测试");
        await app.ImportAsync(campaign, "姓名,电话,账号,套餐\r\n钱多多,13812340011,B200,5G 畅享 129\r\n孙小美,13812340012,B201,4G 88\r\n阿土伯,13812340013,B202,4G 58\r\n", expected: 3);
        await using var c = new SqliteConnection($"Data Source={DbFile}");
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        await c.ExecuteAsync("UPDATE contacts SET state = 'done', last_outcome = 'no_answer', attempts = 3 WHERE campaign_id = @campaign AND phone = '+8613812340012'", new { campaign });
        await c.ExecuteAsync("UPDATE contacts SET state = 'done', last_outcome = 'busy', attempts = 3 WHERE campaign_id = @campaign AND phone = '+8613812340013'", new { campaign });

        // Edit: a bad number is refused at the field with what was typed kept; a good one is saved.
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "lu.cb");
        await page.GotoAsync($"/campaigns/{campaign}/contacts");
        await page.ClickAsync("a[data-testid=contact-link]:has-text('钱多多')");
        await page.FillAsync("[data-testid=contact-form] input[name=name]", "钱多多（新）");
        await page.FillAsync("[data-testid=contact-form] input[name=phone]", "12345");
        await page.ClickAsync("[data-testid=save-contact]");
        await page.WaitForSelectorAsync("[data-error-for=phone]");
        Assert.Contains("Invalid phone", await page.TextContentAsync("[data-error-for=phone]") ?? "", StringComparison.Ordinal);
        Assert.Equal("钱多多（新）", await page.InputValueAsync("[data-testid=contact-form] input[name=name]"));
        Assert.Equal("12345", await page.InputValueAsync("[data-testid=contact-form] input[name=phone]"));
        await page.FillAsync("[data-testid=contact-form] input[name=phone]", "138 1234 0099");
        await page.FillAsync("[data-testid=contact-form] input[data-custom='套餐']", "5G 畅享 199");
        await page.ClickAsync("[data-testid=save-contact]");
        await page.WaitForSelectorAsync("[data-testid=notice]");
        Assert.Equal("+8613812340099", (await page.TextContentAsync("[data-testid=contact-phone]"))?.Trim());
        Assert.Equal("5G 畅享 199", await page.InputValueAsync("[data-testid=contact-form] input[data-custom='套餐']"));
        await PagesFixture.ShotAsync(page, "contact");

        // The list of the import, switched off: its contacts are not dialed (the claim is tested in ContactStoreTests).
        await page.ClickAsync("nav.subnav a[href$='/lists']");
        await page.WaitForSelectorAsync("[data-testid=lists] tr[data-on=true]");
        await page.ClickAsync("[data-testid=lists] tr[data-on=true] [data-testid=switch-list]");
        await page.WaitForSelectorAsync("[data-testid=notice]:has-text('The list is off')");
        Assert.Equal(1, await page.Locator("[data-testid=lists] tr[data-on=false]").CountAsync());
        Assert.NotNull(await c.ExecuteScalarAsync<long?>("SELECT disabled_at FROM call_lists WHERE campaign_id = @campaign", new { campaign }));

        // Recycle: chosen outcomes, the count, then the confirmation.
        await page.CheckAsync("[data-testid=recycle-form] input[data-outcome=no_answer]");
        await page.CheckAsync("[data-testid=recycle-form] input[data-outcome=busy]");
        await page.CheckAsync("[data-testid=recycle-reset]");
        await page.ClickAsync("[data-testid=recycle-preview]");
        await page.WaitForSelectorAsync("[data-testid=recycle-count]");
        await PagesFixture.ShotAsync(page, "lists-recycle");
        Assert.StartsWith("2 contacts", (await page.TextContentAsync("[data-testid=recycle-count]"))?.Trim(), StringComparison.Ordinal);
        Assert.Equal("done", await c.ExecuteScalarAsync<string>("SELECT state FROM contacts WHERE phone = '+8613812340012' AND campaign_id = @campaign", new { campaign }));
        await page.ClickAsync("[data-testid=recycle-confirm]");
        await page.WaitForSelectorAsync("[data-testid=notice]:has-text('2 contacts are callable again')");
        Assert.Equal(["new:0", "new:0"], await c.QueryAsync<string>(
            "SELECT state || ':' || attempts FROM contacts WHERE campaign_id = @campaign AND phone IN ('+8613812340012', '+8613812340013')", new { campaign }));

        // Add by hand: the number of an existing contact is refused at the field; a new one opens its page.
        await page.FillAsync("[data-testid=add-contact] input[name=name]", "新客户");
        await page.FillAsync("[data-testid=add-contact] input[name=phone]", "13812340012");
        await page.ClickAsync("[data-testid=add-contact-submit]");
        await page.WaitForSelectorAsync("[data-testid=add-contact] [data-error-for=phone]");
        Assert.Equal("新客户", await page.InputValueAsync("[data-testid=add-contact] input[name=name]"));
        await page.FillAsync("[data-testid=add-contact] input[name=phone]", "13812340077");
        await page.FillAsync("[data-testid=add-contact] input[name=newKey]", "来源");
        await page.FillAsync("[data-testid=add-contact] input[name=newValue]", "门店登记");
        await page.ClickAsync("[data-testid=add-contact-submit]");
        await page.WaitForSelectorAsync("[data-testid=contact-summary]:has-text('新客户')");
        Assert.Equal("+8613812340077", (await page.TextContentAsync("[data-testid=contact-phone]"))?.Trim());
        Assert.Equal("门店登记", await page.InputValueAsync("[data-testid=contact-form] input[data-custom='来源']"));

        // Callbacks of all campaigns, in Chinese, in the contact's time: reassigned to an agent, then cancelled.
        var at = now + 86_400_000;
        await c.ExecuteAsync("UPDATE contacts SET state = 'callback', callback_at = @at, next_eligible_at = @at WHERE campaign_id = @campaign AND phone = '+8613812340099'",
            new { at, campaign });
        var zh = await app.NewPageAsync("zh-CN");
        await app.SignInAsync(zh, "lu.cb");
        await zh.ClickAsync("[data-testid=language]");
        await zh.WaitForSelectorAsync("nav.mainnav a[href='/callbacks']:has-text('预约回拨')");
        await zh.ClickAsync("nav.mainnav a[href='/callbacks']");
        var callback = zh.Locator("[data-testid=callbacks] tr[data-contact='钱多多（新）']");
        await callback.WaitForAsync();
        Assert.Equal("任何坐席", (await callback.Locator("[data-testid=owner]").TextContentAsync())?.Trim());
        Assert.Equal("已预约", (await callback.Locator("[data-testid=callback-state]").TextContentAsync())?.Trim());
        Assert.Contains("Asia/Shanghai", await callback.TextContentAsync() ?? "", StringComparison.Ordinal);
        await callback.Locator("[data-testid=reassign-agent]").SelectOptionAsync(agent.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await callback.Locator("[data-testid=reassign]").ClickAsync();
        await zh.WaitForSelectorAsync("[data-testid=notice]:has-text('回拨已改派')");
        Assert.Equal("冯雪", (await zh.TextContentAsync("tr[data-contact='钱多多（新）'] [data-testid=owner]"))?.Trim());
        Assert.Equal(agent, await c.ExecuteScalarAsync<long>("SELECT callback_agent_id FROM contacts WHERE phone = '+8613812340099' AND campaign_id = @campaign", new { campaign }));
        await PagesFixture.ShotAsync(zh, "callbacks-zh");
        await zh.ClickAsync("tr[data-contact='钱多多（新）'] [data-testid=cancel-callback]");
        await zh.WaitForSelectorAsync("[data-testid=notice]:has-text('回拨已取消')");
        Assert.Equal(0, await zh.Locator("tr[data-contact='钱多多（新）']").CountAsync());
        Assert.Equal("cancelled", await c.ExecuteScalarAsync<string>("SELECT state FROM contacts WHERE phone = '+8613812340099' AND campaign_id = @campaign", new { campaign }));

        // The lists page in Chinese.
        await zh.GotoAsync($"/campaigns/{campaign}/lists");
        await zh.WaitForSelectorAsync("[data-testid=lists] td:has-text('停用')");
        Assert.Contains("上传导入", await zh.TextContentAsync("[data-testid=lists]") ?? "", StringComparison.Ordinal);
        Assert.Contains("手工添加联系人", await zh.TextContentAsync("main") ?? "", StringComparison.Ordinal);

        // The contact page in Chinese: the one added by hand, with its own field.
        var added = await c.ExecuteScalarAsync<long>("SELECT id FROM contacts WHERE phone = '+8613812340077' AND campaign_id = @campaign", new { campaign });
        await zh.GotoAsync($"/contacts/{added}");
        await zh.WaitForSelectorAsync("h2:has-text('编辑联系人')");
        Assert.Contains("暂无通话", await zh.TextContentAsync("main") ?? "", StringComparison.Ordinal);
        Assert.Equal("门店登记", await zh.InputValueAsync("[data-testid=contact-form] input[data-custom='来源']"));
        await PagesFixture.ShotAsync(zh, "contact-zh");
    }

    private static async Task<long> ContactAsync(SqliteConnection c, long campaign, string phone, string name, string state = "dialing") =>
        await c.ExecuteScalarAsync<long>(
            """
            INSERT INTO contacts (campaign_id, phone, name, time_zone, state, attempts, created_at, updated_at)
            VALUES (@campaign, @phone, @name, 'Asia/Shanghai', @state, 1, 0, 0) RETURNING id
            """,
            new { campaign, phone, name, state });

    private static async Task<long> AttemptAsync(
        SqliteConnection c, long campaign, long contact, long agent, long queuedAt, long? connectedAt, long? ended = null, string? outcome = "connected") =>
        await c.ExecuteScalarAsync<long>(
            """
            INSERT INTO call_attempts (campaign_id, contact_id, phone, agent_id, queued_at, dialed_at, answered_at, agent_connected_at, ended_at, outcome, talk_seconds)
            SELECT @campaign, @contact, phone, @agent, @queuedAt, @queuedAt, @connectedAt, @connectedAt, @ended,
                   CASE WHEN @ended IS NULL THEN NULL ELSE @outcome END,
                   CASE WHEN @ended IS NULL OR @connectedAt IS NULL THEN NULL ELSE (@ended - @connectedAt) / 1000.0 END
            FROM contacts WHERE id = @contact
            RETURNING id
            """,
            new { campaign, contact, agent, queuedAt, connectedAt, ended, outcome });

    private static Task AgentStateAsync(SqliteConnection c, long agent, string state, string? reason, long since, string campaigns, long? attempt, long? contact) =>
        c.ExecuteAsync(
            """
            INSERT INTO agent_states (agent_id, state, reason, campaigns_json, since, attempt_id, contact_id, version)
            VALUES (@agent, @state, @reason, @campaigns, @since, @attempt, @contact, 1)
            ON CONFLICT (agent_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, campaigns_json = excluded.campaigns_json,
                since = excluded.since, attempt_id = excluded.attempt_id, contact_id = excluded.contact_id, version = agent_states.version + 1
            """,
            new { agent, state, reason, campaigns, since, attempt, contact });

    /// <summary>The duration Chromium reads from the recording's &lt;audio&gt; once its metadata has loaded (it fetched and parsed the WAV).</summary>
    private static async Task<double> DurationAsync(IPage page, string selector) =>
        await page.EvalOnSelectorAsync<double>(selector, """
            a => new Promise((resolve, reject) => {
                a.addEventListener('loadedmetadata', () => resolve(a.duration), { once: true });
                a.addEventListener('error', () => reject(new Error('audio error ' + (a.error && a.error.code))), { once: true });
                a.preload = 'metadata';
                a.load();
            })
            """);

    /// <summary>A mono 8 kHz 16-bit PCM WAV of a tone, as the Worker records.</summary>
    private static byte[] Wav(int seconds)
    {
        const int rate = 8000;
        var samples = rate * seconds;
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.ASCII);
        w.Write("RIFF"u8);
        w.Write(36 + (samples * 2));
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(rate);
        w.Write(rate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(samples * 2);
        for (var i = 0; i < samples; i++)
        {
            w.Write((short)(8000 * Math.Sin(2 * Math.PI * 440 * i / rate)));
        }

        w.Flush();
        return stream.ToArray();
    }

    private async Task<string> KeyAsync(string role)
    {
        var response = await app.Admin.PostAsJsonAsync("/api/keys", new { name = $"supervisor test {role} {Guid.NewGuid():N}", role });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<KeyBody>())!.Key;
    }

    private async Task<string> TokenAsync(string username)
    {
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username, password = PagesFixture.Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenBody>())!.Token;
    }

    private Task<HttpClient> ClientAsync(string bearer)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return Task.FromResult(client);
    }

    private sealed record KeyBody(string Key);

    private sealed record TokenBody(string Token);

}
