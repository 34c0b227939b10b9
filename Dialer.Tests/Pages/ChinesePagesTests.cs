using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>
/// Issue 14, the Chinese pages: no English left on any console or desk page with real data on it, the language kept per
/// user across browsers, and an unknown page shown as a page (while /api keeps its ProblemDetails).
/// </summary>
[Collection(PagesCollection.Name)]
public sealed partial class ChinesePagesTests(PagesFixture app)
{
    /// <summary>
    /// Latin words that are meant to stay on the Chinese pages: protocol and format names, product names, time zone ids,
    /// and the pages' own data (the campaign's custom field values are Chinese). Anything else is English left behind.
    /// </summary>
    private readonly HashSet<string> allowedWords = new(StringComparer.Ordinal)
    {
        "SIP", "CSV", "API", "UTF", "GB", "Excel", "JSON", "IANA", "ISO", "Asia", "Shanghai", "UTC",
        // Names kept in Chinese call centres as they are: the Erlang C staffing formula.
        "Erlang",
        // The language switch, which names the other language in its own words.
        "English",
        // The column names an import recognises, written as they are in the file's header.
        "phone", "mobile", "tel", "name", "account", "timezone", "source", "expiresAt",
        // Codes typed into the campaign form as they are: compliance profiles and countries, the audio format, and the
        // kinds of survey question ("id | kind | text").
        "CN", "US", "UK", "SIM", "WAV", "KPI", "text", "choice", "number", "rating", "yesno",
    };

    [Fact]
    public async Task EveryConsoleAndDeskPageInChineseWithDataShowsNoEnglish()
    {
        await app.CreateUserAsync("han.admin", "韩管理员", "admin");
        var agentId = await app.CreateUserAsync("han.agent", "韩坐席", "agent");
        var id = await CreateLabelledCampaignAsync("宁波挽留 中文页");
        (await app.Admin.PutAsJsonAsync($"/api/campaigns/{id}/agents", new { agentIds = new[] { agentId } })).EnsureSuccessStatusCode();
        (await app.Admin.PostAsJsonAsync("/api/dnc", new { phone = "13900000019", campaignId = (long?)null, source = "客户要求" })).EnsureSuccessStatusCode();

        // Every page is read, then the English found on any is reported at once.
        var leftovers = new List<string>();
        var page = await app.NewPageAsync("zh-CN");
        await app.SignInAsync(page, "han.admin");
        await SwitchToChineseAsync(page);

        // A list with every kind of rejected row: a bad phone, a duplicate in the file, a number on the do-not-call list.
        var csv = Path.Combine(app.DataDir, "chinese-pages.csv");
        await File.WriteAllTextAsync(csv, string.Join("\r\n",
            "姓名,电话,账号,套餐",
            "陈静,13812345601,A100,畅享",
            "刘洋,13812345602,A101,宽带",
            "周敏,13812345603,A102,畅享",
            "吴刚,13812345604,A103,畅享",
            "重复,13812345601,A104,畅享",
            "坏号,12345,A105,畅享",
            "免打扰,13900000019,A106,畅享") + "\r\n", new System.Text.UTF8Encoding(true));
        await page.GotoAsync($"/campaigns/{id}/import");
        await page.SetInputFilesAsync("[data-testid=file]", csv);
        await page.ClickAsync("[data-testid=upload]");
        await page.WaitForSelectorAsync("[data-testid=import][data-status=completed]");
        await page.WaitForSelectorAsync("[data-testid=rejected-rows] tr[data-code=invalid_phone]");
        Assert.Contains("号码无效", await page.TextContentAsync("[data-testid=rejected-rows] tr[data-code=invalid_phone]") ?? "", StringComparison.Ordinal);
        await CollectEnglishAsync(leftovers, page, "import");
        await PagesFixture.ShotAsync(page, "import-rejected-zh");

        await SeedCallsAsync(id, agentId);
        await AllowDataAsync();

        // A DNC error, at the page.
        await page.GotoAsync("/dnc");
        await page.FillAsync("[data-testid=dnc-phone]", "12345");
        await page.ClickAsync("[data-testid=dnc-submit]");
        await page.WaitForSelectorAsync("[data-testid=problem]");
        Assert.Contains("号码无效", await page.TextContentAsync("[data-testid=problem]") ?? "", StringComparison.Ordinal);
        await CollectEnglishAsync(leftovers, page, "dnc");

        foreach (var url in new[]
        {
            "/campaigns", $"/campaigns/{id}/dashboard", $"/campaigns/{id}/contacts", $"/campaigns/{id}/reports", $"/campaigns/{id}/edit",
            "/campaigns/new", "/reports/agents", "/no-such-page", "/board", "/users", "/callbacks", $"/campaigns/{id}/lists",
            $"/campaigns/{id}/calls", $"/campaigns/{id}/agents", $"/campaigns/{id}/stop", $"/campaigns/{id}/kpi", $"/campaigns/{id}/forecast",
            "/audit",
        })
        {
            await page.GotoAsync(url);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await CollectEnglishAsync(leftovers, page, url);
        }

        // The labels, not the codes, in the report and the contact list (the seeded last dispositions).
        await page.GotoAsync($"/campaigns/{id}/reports");
        Assert.Contains("已挽留", await page.TextContentAsync("th[data-disposition=retained]") ?? "", StringComparison.Ordinal);
        await page.GotoAsync($"/campaigns/{id}/contacts");
        Assert.Contains("重拨原因：忙", await page.InnerTextAsync("tr[data-phone='+8613812345602']"), StringComparison.Ordinal);
        await PagesFixture.ShotAsync(page, "contacts-zh");

        var desk = await app.NewPageAsync("zh-CN");
        await app.SignInAsync(desk, "han.agent");
        await SwitchToChineseAsync(desk);
        await desk.WaitForSelectorAsync("[data-testid=my-calls]");
        Assert.Contains("已挽留", await desk.InnerTextAsync("[data-testid=my-calls]"), StringComparison.Ordinal);
        await CollectEnglishAsync(leftovers, desk, "desk");
        await PagesFixture.ShotAsync(desk, "desk-zh");
        Assert.True(leftovers.Count == 0, "English left on the Chinese pages:\n" + string.Join('\n', leftovers));
    }

    [Fact]
    public async Task AManagerSetsDispositionLabelsInTheFormAndAMissingCodeIsShownAtTheField()
    {
        await app.CreateUserAsync("xu.manager", "徐经理", "manager");
        var id = await app.CreateCampaignAsync("标签 活动");
        var page = await app.NewPageAsync("zh-CN");
        await app.SignInAsync(page, "xu.manager");
        await SwitchToChineseAsync(page);

        await page.GotoAsync($"/campaigns/{id}/edit");
        Assert.Equal("retained\ndeclined\ncallback", await page.InputValueAsync("[data-field=dispositions]"));
        await page.FillAsync("[data-field=dispositions]", "retained | Retained | 已挽留\ndeclined | | 拒绝续约\ncallback, wrong_number");
        await page.ClickAsync("[data-testid=save]");
        await page.WaitForSelectorAsync("[data-testid=dashboard-figures]");

        using var saved = System.Text.Json.JsonDocument.Parse(await app.Admin.GetStringAsync($"/api/campaigns/{id}"));
        var labels = saved.RootElement.GetProperty("dispositionLabels");
        Assert.Equal("已挽留", labels.GetProperty("retained").GetProperty("zh").GetString());
        Assert.Equal("Retained", labels.GetProperty("retained").GetProperty("en").GetString());
        Assert.Equal("拒绝续约", labels.GetProperty("declined").GetProperty("zh").GetString());
        Assert.False(labels.TryGetProperty("callback", out _));
        Assert.Equal(["retained", "declined", "callback", "wrong_number"], saved.RootElement.GetProperty("dispositions").EnumerateArray().Select(d => d.GetString()!).ToArray());

        // Shown again as typed; a code given twice is refused at the field, with what was typed kept.
        await page.GotoAsync($"/campaigns/{id}/edit");
        Assert.Equal("retained | Retained | 已挽留\ndeclined |  | 拒绝续约\ncallback\nwrong_number", await page.InputValueAsync("[data-field=dispositions]"));
        await page.FillAsync("[data-field=dispositions]", "retained | Retained | 已挽留\nretained");
        await page.ClickAsync("[data-testid=save]");
        await page.WaitForSelectorAsync("[data-error-for=dispositions]");
        Assert.Contains("不能重复", await page.TextContentAsync("[data-error-for=dispositions]") ?? "", StringComparison.Ordinal);
        Assert.Equal("retained | Retained | 已挽留\nretained", await page.InputValueAsync("[data-field=dispositions]"));
    }

    [Fact]
    public async Task TheCheckFindsEnglishLeftOnAPage()
    {
        // The same check on an English page must fail: it is a real check, not one that passes whatever it reads.
        await app.CreateUserAsync("han.check", "韩检查", "manager");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "han.check");
        await page.GotoAsync("/campaigns");
        var english = EnglishWords(await page.InnerTextAsync("body"));
        Assert.Contains("Campaigns", english);
    }

    [Fact]
    public async Task TheLanguageChosenIsKeptForTheUserInAFreshBrowser()
    {
        await app.CreateUserAsync("gu.manager", "顾经理", "manager");
        var first = await app.NewPageAsync();
        await app.SignInAsync(first, "gu.manager");
        await first.WaitForSelectorAsync("h1:has-text('Campaigns')");
        await first.ClickAsync("[data-testid=language]");
        await first.WaitForSelectorAsync("h1:has-text('外呼活动')");
        await first.ClickAsync("[data-testid=sign-out]");
        await first.WaitForSelectorAsync("[data-testid=sign-in]");

        // A fresh browser context (no cookie), whose browser asks for English: the user's own language wins.
        var second = await app.NewPageAsync("en-US");
        await app.SignInAsync(second, "gu.manager");
        await second.WaitForSelectorAsync("h1:has-text('外呼活动')");
        Assert.Equal("zh-CN", await second.GetAttributeAsync("html", "lang"));

        // And back: English is kept the same way.
        await second.ClickAsync("[data-testid=language]");
        await second.WaitForSelectorAsync("h1:has-text('Campaigns')");
        var third = await app.NewPageAsync("zh-CN");
        await app.SignInAsync(third, "gu.manager");
        await third.WaitForSelectorAsync("h1:has-text('Campaigns')");
    }

    [Fact]
    public async Task AnUnknownPageIsAPageInBothLanguagesAndAnUnknownApiPathStaysJson()
    {
        await app.CreateUserAsync("he.manager", "何经理", "manager");
        var page = await app.NewPageAsync();
        var anonymous = await page.GotoAsync("/no/such/page");
        Assert.Equal(404, anonymous!.Status);
        await page.WaitForSelectorAsync("[data-testid=not-found] h1:has-text('Page not found')");

        await app.SignInAsync(page, "he.manager");
        var signedIn = await page.GotoAsync("/campaigns-that-do-not-exist");
        Assert.Equal(404, signedIn!.Status);
        Assert.StartsWith("text/html", await signedIn.HeaderValueAsync("content-type") ?? "", StringComparison.Ordinal);
        await page.WaitForSelectorAsync("nav.mainnav a[href='/campaigns']");
        await page.ClickAsync("[data-testid=language]");
        await page.WaitForSelectorAsync("[data-testid=not-found] h1:has-text('页面不存在')");
        await PagesFixture.ShotAsync(page, "not-found-zh");
        await page.ClickAsync("[data-testid=not-found-home]");
        await page.WaitForSelectorAsync("h1:has-text('外呼活动')");

        // Under /api an unknown path stays ProblemDetails: 401 without credentials (as every API path), 404 with them.
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var api = await client.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        var apiSignedIn = await app.Admin.GetAsync("/api/campaigns/1/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, apiSignedIn.StatusCode);
        Assert.Equal("application/problem+json", apiSignedIn.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// What people typed stays as typed: the names of the campaigns and people and the sources of do-not-call entries (other tests
    /// of the fixture leave English ones, such as "CSP campaign" and "customer request") are allowed word by word.
    /// </summary>
    private async Task AllowDataAsync()
    {
        foreach (var url in new[] { "/api/campaigns", "/api/dnc", "/api/users", "/api/keys" })
        {
            using var json = System.Text.Json.JsonDocument.Parse(await app.Admin.GetStringAsync(url));
            Collect(json.RootElement);
        }

        void Collect(System.Text.Json.JsonElement e)
        {
            if (e.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Collect(item);
                }
            }
            else if (e.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name is "name" or "source" or "username" or "displayName" or "sipUsername" && p.Value.ValueKind == System.Text.Json.JsonValueKind.String)
                    {
                        foreach (var word in LatinWord().Matches(p.Value.GetString()!).Select(m => m.Value))
                        {
                            allowedWords.Add(word);
                        }
                    }
                    else
                    {
                        Collect(p.Value);
                    }
                }
            }
        }
    }

    private async Task<long> CreateLabelledCampaignAsync(string name)
    {
        var response = await app.Admin.PostAsJsonAsync("/api/campaigns", new
        {
            name,
            type = "retention",
            mode = "preview",
            defaultCountry = "CN",
            timeZone = "Asia/Shanghai",
            complianceProfile = "CN",
            abandonCapPercent = 3.0,
            dispositions = new[] { "retained", "declined", "callback" },
            dispositionLabels = new Dictionary<string, object>
            {
                ["retained"] = new { en = "Retained", zh = "已挽留" },
                ["declined"] = new { en = "Declined", zh = "拒绝续约" },
                ["callback"] = new { en = "Call back", zh = "约定回拨" },
            },
            script = "您好 {name}，您的 {套餐} 套餐即将到期。",
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IdBody>())!.Id;
    }

    /// <summary>Calls of today with every outcome and the labelled dispositions, and contacts in several states, straight into the database.</summary>
    private async Task SeedCallsAsync(long campaignId, long agentId)
    {
        await using var c = new SqliteConnection($"Data Source={Path.Combine(app.DataDir, "dialer.db")};Pooling=False");
        await c.OpenAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        (string Phone, string State, string? Reason, string Outcome, string? Disposition)[] calls =
        [
            ("+8613812345601", "done", null, "connected", "retained"),
            ("+8613812345602", "retry", "retry_busy", "busy", null),
            ("+8613812345603", "callback", "callback", "connected", "callback"),
            ("+8613812345604", "retry", "abandon_redial_block", "abandoned", null),
        ];
        foreach (var (phone, state, reason, outcome, disposition) in calls)
        {
            await using var update = c.CreateCommand();
            update.CommandText = """
                UPDATE contacts SET state = $state, eligible_reason = $reason, last_outcome = $outcome, attempts = 1,
                    next_eligible_at = $next, callback_at = CASE WHEN $state = 'callback' THEN $next END, last_attempt_at = $now
                WHERE campaign_id = $campaign AND phone = $phone;
                INSERT INTO call_attempts (campaign_id, contact_id, phone, agent_id, queued_at, dialed_at, answered_at, agent_connected_at, ended_at, outcome, talk_seconds, disposition)
                SELECT campaign_id, id, phone, $agent, $now, $now, $now, $now, $now + 60000, $outcome, 60, $disposition FROM contacts WHERE campaign_id = $campaign AND phone = $phone;
                """;
            update.Parameters.AddWithValue("$state", state);
            update.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
            update.Parameters.AddWithValue("$outcome", outcome);
            update.Parameters.AddWithValue("$disposition", (object?)disposition ?? DBNull.Value);
            update.Parameters.AddWithValue("$next", now + 3_600_000);
            update.Parameters.AddWithValue("$now", now - 600_000);
            update.Parameters.AddWithValue("$agent", agentId);
            update.Parameters.AddWithValue("$campaign", campaignId);
            update.Parameters.AddWithValue("$phone", phone);
            Assert.Equal(2, await update.ExecuteNonQueryAsync());
        }
    }

    private static async Task SwitchToChineseAsync(IPage page)
    {
        if (await page.GetAttributeAsync("html", "lang") != "zh-CN")
        {
            await page.ClickAsync("[data-testid=language]");
            await page.WaitForSelectorAsync("html[lang=zh-CN]");
        }
    }

    private async Task CollectEnglishAsync(List<string> leftovers, IPage page, string where)
    {
        Assert.Equal("zh-CN", await page.GetAttributeAsync("html", "lang"));
        // What a person reads: the visible text, the page title, and the placeholders and tooltips of the controls.
        var text = await page.InnerTextAsync("body") + "\n" + await page.TitleAsync() + "\n" + await page.EvaluateAsync<string>(
            "() => [...document.querySelectorAll('[placeholder],[title]')].map(e => (e.getAttribute('placeholder') || '') + ' ' + (e.getAttribute('title') || '')).join('\\n')");
        var english = EnglishWords(text);
        if (english.Count > 0)
        {
            leftovers.Add($"{where} ({page.Url}): {string.Join(", ", english)}");
        }
    }

    /// <summary>Latin words of two letters or more that are not on the allow-list.</summary>
    private List<string> EnglishWords(string text) =>
        [.. LatinWord().Matches(text).Select(m => m.Value).Where(w => !allowedWords.Contains(w)).Distinct()];

    [GeneratedRegex(@"(?<![A-Za-z0-9_\-/.@+])[A-Za-z]{2,}(?![A-Za-z0-9_\-/.@])")]
    private static partial Regex LatinWord();

    private sealed record IdBody(long Id);
}
