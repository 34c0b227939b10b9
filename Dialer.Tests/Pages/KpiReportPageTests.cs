using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>The KPI report page over a seeded month, its CSV, and the dashboard's figures, in both languages.</summary>
[Collection(PagesCollection.Name)]
public sealed class KpiReportPageTests(PagesFixture app)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The days before today (campaign time) with one abandoned call each: over the 3 % cap by the day's rate.</summary>
    private static readonly int[] AbandonDays = [-4, -11, -18, -25];

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task TheReportShowsTheSeededMonthsFiguresChartsAndTheSameInItsCsv(string locale)
    {
        var zh = locale == "zh-CN";
        var suffix = zh ? "zh" : "en";
        await app.CreateUserAsync($"kpi.manager.{suffix}", zh ? "钱经理" : "Qian", "manager");
        var agentA = await app.CreateUserAsync($"kpi.a.{suffix}", "坐席甲", "agent");
        var agentB = await app.CreateUserAsync($"kpi.b.{suffix}", "坐席乙", "agent");
        var campaignId = await app.CreateCampaignAsync(zh ? "福州续约 KPI" : "Fuzhou renewals KPI");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).Date);
        await SeedMonthAsync(campaignId, agentA, agentB, today);

        var page = await app.NewPageAsync(locale);
        await app.SignInAsync(page, $"kpi.manager.{suffix}");
        await ChooseLanguageAsync(page, zh);
        await page.GotoAsync($"/campaigns/{campaignId}/dashboard");
        await page.ClickAsync("nav.subnav a[href$='/kpi']");
        await page.WaitForSelectorAsync("[data-testid=kpi-days]");

        // The default range: the 30 days ending today.
        Assert.Equal(today.AddDays(-29).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), await page.InputValueAsync("[data-field=from]"));
        Assert.Equal(31, await page.Locator("[data-testid=kpi-days] tbody tr").CountAsync());
        Assert.Equal(zh ? "坐席签入率" : "Agent sign-in rate", (await page.TextContentAsync("[data-testid=kpi-days] thead th:nth-child(3)"))?.Trim());
        Assert.Contains(zh ? "忙时" : "busy hours", await page.TextContentAsync("[data-testid=kpi-legend]") ?? "", StringComparison.Ordinal);

        // Yesterday: 64 attempts, 22 connected to an agent (answer rate 34.4 %); 15:00 the lowest busy hour (1 of 8);
        // agent A busy 1.5 h of 4, agent B ready 2 h: 25 %; talk 2:30 and wrap-up 0:30 per call.
        var yesterday = page.Locator($"tr[data-day='{Iso(today.AddDays(-1))}']");
        Assert.Equal("64", await Cell(yesterday, "attempts"));
        Assert.StartsWith("2/", (await yesterday.Locator("[data-kpi=signIn] span").TextContentAsync())?.Trim());
        Assert.Equal("25.0%", await Cell(yesterday, "occupancy"));
        Assert.Equal("2:30", await Cell(yesterday, "avgTalk"));
        Assert.Equal("0:30", await Cell(yesterday, "avgWrap"));
        Assert.Equal("34.4%", await Cell(yesterday, "answerRate"));
        Assert.Equal("12.5% (15:00)", await Cell(yesterday, "busyHour"));
        Assert.Equal("0.00%", await Cell(yesterday, "abandon"));
        // 30 days ending yesterday: 4 abandoned of 30 × 22 + 4 answered by a person.
        Assert.Equal("0.60%", await Cell(yesterday, "abandon30"));

        // A day with one abandoned call of 23 answered: 4.35 %, over the 3 % cap, flagged.
        var overCap = page.Locator($"tr[data-day='{Iso(today.AddDays(-4))}'] [data-kpi=abandon]");
        Assert.Equal("4.35% ▲", (await overCap.TextContentAsync())?.Trim());
        Assert.Contains("overcap", await overCap.GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
        Assert.Contains(zh ? "当日放弃率 4 天，30 天滚动放弃率 0 天" : "4 by the day's rate, 0 by the 30-day rate",
            await page.TextContentAsync("[data-testid=kpi-overcap]") ?? "", StringComparison.Ordinal);

        // The charts: 29 seeded days × 3 connected at 09:00; the over-cap day's bar; the cap line at 3 %; axes with ticks.
        Assert.Equal("87", await page.GetAttributeAsync("[data-testid=chart-hourly] rect[data-series=connected][data-x='09']", "data-value"));
        var dayLabel = today.AddDays(-4).ToString(zh ? "M/d" : "d MMM", CultureInfo.GetCultureInfo(zh ? "zh-CN" : "en"));
        Assert.StartsWith("0.0434", await page.GetAttributeAsync($"[data-testid=chart-abandon] rect[data-series=abandon][data-x='{dayLabel}']", "data-value"));
        Assert.Equal("0.03", await page.GetAttributeAsync("[data-testid=chart-abandon] line.cap", "data-value"));
        Assert.Equal("0.25", await page.GetAttributeAsync($"[data-testid=chart-occupancy] rect[data-x='{dayLabel}']", "data-value"));
        Assert.True(await page.Locator("[data-testid=chart-occupancy] text.ytick").CountAsync() >= 3);
        Assert.Contains(zh ? "接通坐席" : "Connected", await page.TextContentAsync("[data-testid=chart-hourly]") ?? "", StringComparison.Ordinal);
        if (!zh)
        {
            await PagesFixture.ShotAsync(page, "kpi-report", docs: true);
        }

        // The CSV from the page: the same figures.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=kpi-csv]"));
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var rows = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
        Assert.Equal(zh ? "日期" : "Day", rows[0][0]);
        Assert.Equal(32, rows.Count);
        var y = rows.Single(r => r[0] == Iso(today.AddDays(-1)));
        Assert.Equal(("64", "0.25", "150", "30", "0.125", "15:00", "0"), (y[1], y[8], y[9], y[10], y[12], y[13], y[14]));
        Assert.Equal("34.4%", Pct(y[11], 1));
        Assert.Equal("0.60%", Pct(y[15], 2));
        Assert.Equal(zh ? "是" : "Yes", rows.Single(r => r[0] == Iso(today.AddDays(-4)))[17]);
        Assert.Equal(zh ? "区间合计" : "Range", rows[^1][0]);
        Assert.Equal((29 * 64) + 4, int.Parse(rows[^1][1], CultureInfo.InvariantCulture));

        // A range that runs backwards: the error at the field, the dates kept.
        await page.FillAsync("[data-field=from]", "2026-11-20");
        await page.FillAsync("[data-field=to]", "2026-11-19");
        await page.ClickAsync("[data-testid=kpi-show]");
        await page.WaitForSelectorAsync("[data-error-for=to]");
        Assert.Equal(zh ? "结束日期不能早于开始日期。" : "The end must not be before the start.", (await page.TextContentAsync("[data-error-for=to]"))?.Trim());
        Assert.Equal(("2026-11-20", "2026-11-19"), (await page.InputValueAsync("[data-field=from]"), await page.InputValueAsync("[data-field=to]")));
        Assert.Equal(0, await page.Locator("[data-testid=kpi-days]").CountAsync());
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task TheDashboardCountsACallOnWithAnAgentAsConnectedAndDrawsChartsWithAxes(string locale)
    {
        var zh = locale == "zh-CN";
        var suffix = zh ? "zh" : "en";
        await app.CreateUserAsync($"dash.manager.{suffix}", "赵经理", "manager");
        var agent = await app.CreateUserAsync($"dash.agent.{suffix}", "坐席丙", "agent");
        var campaignId = await app.CreateCampaignAsync($"看板 接通 {suffix}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Both calls today in the campaign's zone, also just after its midnight.
        var dayStart = new DateTimeOffset(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).Date, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();
        var (ended, on) = (Math.Max(now - 120_000, dayStart), Math.Max(now - 30_000, dayStart));
        await using (var c = new SqliteConnection($"Data Source={Path.Combine(app.DataDir, "dialer.db")}"))
        {
            var contact = await c.ExecuteScalarAsync<long>(
                "INSERT INTO contacts (campaign_id, phone, name, time_zone, state, created_at, updated_at) VALUES (@campaignId, '+8613800000077', '周敏', 'Asia/Shanghai', 'dialing', 0, 0) RETURNING id",
                new { campaignId });
            // One call ended connected a minute ago, one on with the agent now (the engine writes its times when it ends).
            await c.ExecuteAsync(
                """
                INSERT INTO call_attempts (campaign_id, contact_id, phone, agent_id, queued_at, dialed_at, answered_at, agent_connected_at, ended_at, outcome, talk_seconds)
                VALUES (@campaignId, @contact, '+8613800000077', @agent, @ended, @ended, @ended + 10000, @ended + 11000, @ended + 60000, 'connected', 49)
                """,
                new { campaignId, contact, agent, ended });
            var open = await c.ExecuteScalarAsync<long>(
                "INSERT INTO call_attempts (campaign_id, contact_id, phone, queued_at, dialed_at) VALUES (@campaignId, @contact, '+8613800000077', @on, @on) RETURNING id",
                new { campaignId, contact, on });
            await c.ExecuteAsync(
                """
                INSERT INTO agent_states (agent_id, state, campaigns_json, since, attempt_id, contact_id, version)
                VALUES (@agent, 'on_call', @campaigns, @now - 20000, @open, @contact, 1)
                ON CONFLICT (agent_id) DO UPDATE SET state = 'on_call', campaigns_json = excluded.campaigns_json, since = excluded.since,
                    attempt_id = excluded.attempt_id, contact_id = excluded.contact_id
                """,
                new { agent, campaigns = $"[{campaignId}]", now, open, contact });
        }

        var page = await app.NewPageAsync(locale);
        await app.SignInAsync(page, $"dash.manager.{suffix}");
        await ChooseLanguageAsync(page, zh);
        await page.GotoAsync($"/campaigns/{campaignId}/dashboard");
        await page.WaitForSelectorAsync("[data-testid=dashboard-figures]");

        Assert.Equal("2", (await page.TextContentAsync("[data-testid=connected-today]"))?.Trim());
        Assert.StartsWith(zh ? "1 正在通话" : "1 talking now", (await page.TextContentAsync("[data-testid=connected-sub]"))?.Trim());
        Assert.Equal("1", (await page.TextContentAsync("[data-testid=lines]"))?.Trim());
        var labels = (await page.Locator("[data-testid=dashboard-figures] .stat .label").AllTextContentsAsync()).Select(l => l.Trim()).ToList();
        Assert.Equal(labels.Count, labels.Distinct().Count());
        Assert.DoesNotContain(labels, l => l.Contains('·', StringComparison.Ordinal));
        foreach (var chart in new[] { "dash-abandon-chart", "dash-occupancy-chart" })
        {
            Assert.True(await page.Locator($"[data-testid={chart}] text.ytick").CountAsync() >= 2, chart);
            Assert.True(await page.Locator($"[data-testid={chart}] text.xtick").CountAsync() >= 2, chart);
        }

        Assert.Equal("0.03", await page.GetAttributeAsync("[data-testid=dash-abandon-chart] line.cap", "data-value"));
        await PagesFixture.ShotAsync(page, $"dashboard-connected-{suffix}");
    }

    /// <summary>
    /// 30 days before today, each: 09–16 h, 8 attempts an hour (3 connected, 3 no answer, 1 busy, 1 machine; at 15 h
    /// 1 connected and 5 no answer), talk 150 s and wrap-up 30 s per connected call, plus one abandoned call at 10:20 on
    /// <see cref="AbandonDays"/>; agent A ready 09–13 h with a call 10–11 and wrap-up to 11:30, agent B ready 09–11 h.
    /// </summary>
    private async Task SeedMonthAsync(long campaignId, long agentA, long agentB, DateOnly today)
    {
        await using var c = new SqliteConnection($"Data Source={Path.Combine(app.DataDir, "dialer.db")}");
        await c.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var contact = await c.ExecuteScalarAsync<long>(
            "INSERT INTO contacts (campaign_id, phone, name, time_zone, state, created_at, updated_at) VALUES (@campaignId, '+8613800000088', '陈静', 'Asia/Shanghai', 'done', 0, 0) RETURNING id",
            new { campaignId }, tx);
        var attempts = new List<object>();
        var log = new List<object>();
        var inCampaign = $"[{campaignId}]";
        for (var offset = -30; offset <= -1; offset++)
        {
            var day = today.AddDays(offset);
            for (var hour = 9; hour <= 16; hour++)
            {
                var (connected, noAnswer) = hour == 15 ? (1, 5) : (3, 3);
                var minute = 0;
                foreach (var (outcome, count) in new[] { ("connected", connected), ("no_answer", noAnswer), ("busy", 1), ("machine", 1) })
                {
                    for (var i = 0; i < count; i++)
                    {
                        var at = At(day, hour, minute += 5);
                        attempts.Add(Attempt(at, outcome));
                    }
                }
            }

            if (AbandonDays.Contains(offset))
            {
                attempts.Add(Attempt(At(day, 10, 20), "abandoned"));
            }

            log.AddRange([
                Line(agentA, "ready", At(day, 9, 0), inCampaign), Line(agentA, "on_call", At(day, 10, 0), inCampaign),
                Line(agentA, "wrap_up", At(day, 11, 0), inCampaign), Line(agentA, "ready", At(day, 11, 30), inCampaign),
                Line(agentA, "logged_out", At(day, 13, 0), "[]"),
                Line(agentB, "ready", At(day, 9, 0), inCampaign), Line(agentB, "logged_out", At(day, 11, 0), "[]"),
            ]);
        }

        await c.ExecuteAsync(
            """
            INSERT INTO call_attempts (campaign_id, contact_id, phone, agent_id, queued_at, dialed_at, answered_at, agent_connected_at, ended_at, outcome, talk_seconds, wrap_seconds)
            VALUES (@CampaignId, @Contact, '+8613800000088', @Agent, @At, @At, @Answered, @Connected, @At + 200000, @Outcome, @Talk, @Wrap)
            """,
            attempts, tx);
        await c.ExecuteAsync("INSERT INTO agent_state_log (agent_id, state, at, campaigns_json) VALUES (@Agent, @State, @At, @Campaigns)", log, tx);
        await tx.CommitAsync();

        object Attempt(long at, string outcome) => new
        {
            CampaignId = campaignId,
            Contact = contact,
            Agent = outcome == "connected" ? agentA : (long?)null,
            At = at,
            Answered = outcome is "connected" or "abandoned" or "machine" ? at + 10_000 : (long?)null,
            Connected = outcome == "connected" ? at + 11_000 : (long?)null,
            Outcome = outcome,
            Talk = outcome == "connected" ? 150.0 : (double?)null,
            Wrap = outcome == "connected" ? 30.0 : (double?)null,
        };

        static object Line(long agent, string state, long at, string campaigns) => new { Agent = agent, State = state, At = at, Campaigns = campaigns };
    }

    private static async Task ChooseLanguageAsync(IPage page, bool chinese)
    {
        if (chinese && await page.GetAttributeAsync("html", "lang") != "zh-CN")
        {
            await page.ClickAsync("[data-testid=language]");
            await page.WaitForSelectorAsync("html[lang=zh-CN]");
        }
    }

    private static long At(DateOnly day, int hour, int minute) =>
        new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, 0)).AddMinutes(minute), TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<string?> Cell(ILocator row, string kpi) =>
        (await row.Locator($"[data-kpi={kpi}]").TextContentAsync())?.Trim();

    /// <summary>A CSV ratio as the page writes it (a percentage with the given decimals, in the current culture).</summary>
    private static string Pct(string ratio, int decimals) =>
        (double.Parse(ratio, CultureInfo.InvariantCulture) * 100).ToString("N" + decimals, CultureInfo.InvariantCulture) + "%";
}
