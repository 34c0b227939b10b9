using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

[Collection(PagesCollection.Name)]
public sealed class ForecastPageTests(PagesFixture app)
{
    [Fact]
    public async Task A_manager_sees_the_forecast_the_chart_and_the_seat_calculator_in_both_languages()
    {
        await app.CreateUserAsync("forecast.manager", "周经理", "manager");
        var campaignId = await app.CreateCampaignAsync("续约预测 十二月");
        var now = TimeProvider.System.GetUtcNow();
        await using (var c = new SqliteConnection($"Data Source={Path.Combine(app.DataDir, "dialer.db")}"))
        {
            for (var i = 0; i < 300; i++)
            {
                await c.ExecuteAsync(
                    "INSERT INTO contacts (campaign_id, phone, time_zone, state, created_at, updated_at) VALUES (@campaignId, @phone, 'Asia/Shanghai', 'new', @now, @now)",
                    new { campaignId, phone = $"+8613911{i:D5}", now = now.ToUnixTimeMilliseconds() });
            }

            var yesterday = now.ToOffset(TimeSpan.FromHours(8)).AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await c.ExecuteAsync(
                "INSERT INTO campaign_daily_stats (campaign_id, day, attempts, connected) VALUES (@campaignId, @yesterday, 400, 87)",
                new { campaignId, yesterday });
        }

        var errors = new List<string>();
        var page = await app.NewPageAsync();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add(m.Text);
            }
        };
        await app.SignInAsync(page, "forecast.manager");
        await page.GotoAsync($"/campaigns/{campaignId}/dashboard");
        await page.ClickAsync($"nav.subnav a[href='/campaigns/{campaignId}/forecast']");
        await page.WaitForSelectorAsync("[data-testid=forecast-days]");

        // No history yet: the type's defaults, said so; the actual day and the forecast days in the chart.
        Assert.Contains("defaults", await page.TextContentAsync("[data-testid=from-defaults]") ?? "", StringComparison.Ordinal);
        Assert.Equal("87", await page.GetAttributeAsync("[data-testid=forecast-chart] rect.actual", "data-value"));
        Assert.True(await page.Locator("[data-testid=forecast-chart] circle.forecast-point").CountAsync() >= 1);

        await page.FillAsync("input[name=agents]", "3");
        await page.FillAsync("input[name=dailyLiveTarget]", "90");
        await page.ClickAsync("[data-testid=forecast-submit]");
        await page.WaitForSelectorAsync("[data-testid=agents-target]");
        Assert.Equal("3", (await page.TextContentAsync("[data-testid=agents-used]"))?.Trim());
        var rows = page.Locator("[data-testid=forecast-days] tbody tr");
        Assert.True(await rows.CountAsync() >= 1);

        // A bad value: the error at the field, the input kept.
        await page.FillAsync("input[name=agents]", "0");
        await page.ClickAsync("[data-testid=forecast-submit]");
        await page.WaitForSelectorAsync("[data-testid=error-agents]");
        Assert.Equal("0", await page.InputValueAsync("input[name=agents]"));

        await page.FillAsync("input[name=agents]", "4");
        await page.ClickAsync("[data-testid=forecast-submit]");
        await page.WaitForSelectorAsync("[data-testid=agents-used]:has-text('4')");

        // The seat calculator keeps the forecast's inputs.
        await page.FillAsync("input[name=callsPerHour]", "200");
        await page.FillAsync("input[name=handleSeconds]", "180");
        await page.FillAsync("input[name=targetSeconds]", "20");
        await page.FillAsync("input[name=serviceLevel]", "80");
        await page.ClickAsync("[data-testid=erlang-submit]");
        await page.WaitForSelectorAsync("[data-testid=erlang-result]");
        Assert.StartsWith("14 agents", (await page.TextContentAsync("[data-testid=erlang-result]"))?.Trim(), StringComparison.Ordinal);
        Assert.Equal("4", await page.InputValueAsync("input[name=agents]"));
        Assert.Equal("4", (await page.TextContentAsync("[data-testid=agents-used]"))?.Trim());
        await PagesFixture.ShotAsync(page, "forecast", docs: true);

        await page.ClickAsync("[data-testid=language]");
        await page.WaitForSelectorAsync("h2:has-text('按天预测')");
        Assert.Contains("需要 14 名坐席", await page.TextContentAsync("[data-testid=erlang-result]") ?? "", StringComparison.Ordinal);
        Assert.Contains("续约预测 十二月", await page.TextContentAsync("h1") ?? "", StringComparison.Ordinal);
        await PagesFixture.ShotAsync(page, "forecast-zh");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Agents_by_hour_follow_the_contacts_zones_and_the_chart_shows_the_day_befores_forecast_in_both_languages()
    {
        await app.CreateUserAsync("forecast.hours", "吴经理", "manager");
        var campaignId = await app.CreateCampaignAsync("时区预测 十二月", mode: "predictive");
        var now = TimeProvider.System.GetUtcNow();
        var local = now.ToOffset(TimeSpan.FromHours(8));
        string Day(int offset) => local.AddDays(offset).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await using (var c = new SqliteConnection($"Data Source={Path.Combine(app.DataDir, "dialer.db")}"))
        {
            // Half the list in Shanghai, half in Tokyo (an hour ahead).
            for (var i = 0; i < 200; i++)
            {
                await c.ExecuteAsync(
                    "INSERT INTO contacts (campaign_id, phone, time_zone, state, created_at, updated_at) VALUES (@campaignId, @phone, @zone, 'new', @now, @now)",
                    new { campaignId, phone = $"+8613922{i:D5}", zone = i % 2 == 0 ? "Asia/Shanghai" : "Asia/Tokyo", now = now.ToUnixTimeMilliseconds() });
            }

            await c.ExecuteAsync(
                "INSERT INTO campaign_daily_stats (campaign_id, day, attempts, connected) VALUES (@campaignId, @day, 300, 64)",
                new { campaignId, day = Day(-1) });
            await c.ExecuteAsync(
                "INSERT INTO forecast_snapshots (campaign_id, made_on, day, agents, attempts, live, completions, created_at) VALUES (@campaignId, @madeOn, @day, 4, 320, 71.5, 150, 0)",
                new { campaignId, madeOn = Day(-2), day = Day(-1) });
        }

        var errors = new List<string>();
        var page = await app.NewPageAsync();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add(m.Text);
            }
        };
        await app.SignInAsync(page, "forecast.hours");
        await page.GotoAsync($"/campaigns/{campaignId}/forecast");
        await page.WaitForSelectorAsync("[data-testid=forecast-hours]");

        // The day before's forecast beside the actual bar.
        Assert.Equal("71.5", await page.GetAttributeAsync($"[data-testid=forecast-chart] path.earlier[data-day='{Day(-1)}']", "data-value"));
        Assert.Equal(Day(-2), await page.GetAttributeAsync("[data-testid=forecast-chart] path.earlier", "data-made-on"));
        Assert.Contains("Forecast the day before", await page.TextContentAsync("[data-testid=forecast-chart]") ?? "", StringComparison.Ordinal);

        await page.FillAsync("input[name=agents]", "3");
        await page.FillAsync("input[name=until]", Day(10));
        await page.FillAsync("input[name=dailyLiveTarget]", "600");
        await page.ClickAsync("[data-testid=forecast-submit]");
        await page.WaitForSelectorAsync("[data-testid=hour-agents-target]");

        // Working hours 07:00–21:00 Shanghai time: Tokyo's half callable from 07:00, Shanghai's until 21:00.
        var hours = page.Locator("[data-testid=forecast-hours] tbody tr");
        Assert.Equal(14, await hours.CountAsync());
        Assert.Equal("7", await hours.First.GetAttributeAsync("data-hour"));
        Assert.Contains("50", await hours.First.Locator("td").Nth(1).TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Contains("100", await hours.Nth(5).Locator("td").Nth(1).TextContentAsync() ?? "", StringComparison.Ordinal);
        var morning = int.Parse((await hours.First.Locator("[data-testid=hour-agents-target]").TextContentAsync())!.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var noon = int.Parse((await hours.Nth(5).Locator("[data-testid=hour-agents-target]").TextContentAsync())!.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(noon > morning, $"{noon} agents at noon, {morning} at 07:00");
        Assert.Equal(14, await page.Locator("[data-testid=hour-agents-until]").CountAsync());
        Assert.Contains("Agents by hour", await page.TextContentAsync("main") ?? "", StringComparison.Ordinal);
        await PagesFixture.ShotAsync(page, "forecast-hours", docs: true);

        await page.ClickAsync("[data-testid=language]");
        await page.WaitForSelectorAsync("h2:has-text('按小时所需坐席')");
        Assert.Contains("前一天的预测", await page.TextContentAsync("[data-testid=forecast-chart]") ?? "", StringComparison.Ordinal);
        Assert.Contains("每天接通 600 所需坐席", await page.TextContentAsync("[data-testid=forecast-hours] thead") ?? "", StringComparison.Ordinal);
        Assert.Equal(14, await page.Locator("[data-testid=forecast-hours] tbody tr").CountAsync());
        await PagesFixture.ShotAsync(page, "forecast-hours-zh");
        Assert.Empty(errors);
    }
}
