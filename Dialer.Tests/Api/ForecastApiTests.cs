using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Dialer.Db;
using Dialer.Tests.Campaigns;

namespace Dialer.Tests.Api;

public class ForecastApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task Without_history_the_forecast_uses_the_type_defaults_and_says_so()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = await CreateCampaignAsync(manager);
        await AddContactsAsync(id, 100);

        var f = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/forecast?agents=5");

        Assert.True(f.GetProperty("fromDefaults").GetBoolean());
        Assert.Equal(5, f.GetProperty("agents").GetInt32());
        Assert.Equal("given", f.GetProperty("agentsSource").GetString());
        Assert.Equal(100, f.GetProperty("remaining").GetDouble());
        Assert.NotEqual(JsonValueKind.Null, f.GetProperty("workedBy").ValueKind);
        Assert.True(f.GetProperty("days").GetArrayLength() >= 1);
        // Worked: at most 1 % of the list left.
        Assert.InRange(f.GetProperty("days").EnumerateArray().Sum(d => d.GetProperty("completions").GetDouble()), 99, 100.0001);
    }

    [ApiFact]
    public async Task With_history_the_forecast_uses_the_campaigns_own_rates_and_answers_the_staffing_questions()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = await CreateCampaignAsync(manager);
        var contacts = await AddContactsAsync(id, 2000);
        await AddAttemptsAsync(id, contacts[0], 200);

        var f = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/forecast?until={DateTime.UtcNow.AddDays(10):yyyy-MM-dd}&dailyLiveTarget=100");

        Assert.False(f.GetProperty("fromDefaults").GetBoolean());
        var history = f.GetProperty("history");
        Assert.Equal(200, history.GetProperty("attempts").GetInt64());
        Assert.Equal(0.25, history.GetProperty("liveShare").GetDouble(), 6);
        Assert.Equal(0.75, history.GetProperty("noAnswerShare").GetDouble(), 6);
        Assert.Equal("history", f.GetProperty("agentsSource").GetString());
        Assert.Equal(2, f.GetProperty("agents").GetInt32());
        Assert.True(f.GetProperty("agentsToFinishByUntil").GetInt32() >= 1);
        Assert.True(f.GetProperty("agentsForDailyLiveTarget").GetInt32() >= 1);
        var day = Assert.Single(f.GetProperty("actual").EnumerateArray());
        Assert.Equal(50, day.GetProperty("live").GetInt64());
    }

    [ApiFact]
    public async Task Contacts_in_other_time_zones_shape_the_hourly_staffing_curve()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = await CreateCampaignAsync(manager);
        await AddContactsAsync(id, 100);
        await AddContactsAsync(id, 100, "Asia/Tokyo", 100);

        var f = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/forecast?agents=4&dailyLiveTarget=200&until={DateTime.UtcNow.AddDays(20):yyyy-MM-dd}");

        // No history: the working hours are those in which either zone's 08:00–21:00 is open, in Shanghai time 07:00–21:00;
        // Tokyo's contacts (an hour ahead) are callable 07:00–20:00, Shanghai's 08:00–21:00.
        var hours = f.GetProperty("hours").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(7, 14), hours.Select(h => h.GetProperty("hour").GetInt32()));
        Assert.Equal(0.5, hours[0].GetProperty("callableShare").GetDouble(), 6);
        Assert.Equal(1, hours[5].GetProperty("callableShare").GetDouble(), 6);
        Assert.Equal(0.5, hours[^1].GetProperty("callableShare").GetDouble(), 6);
        Assert.Equal(14, f.GetProperty("hoursPerDay").GetDouble(), 6);
        var target = hours.Select(h => h.GetProperty("agentsForDailyLiveTarget").GetInt32()).ToList();
        Assert.True(target[5] > target[0], "more agents when the whole list is callable");
        Assert.All(hours, h => Assert.True(h.GetProperty("agentsToFinishByUntil").GetInt32() >= 1));
        Assert.All(hours, h => Assert.True(h.GetProperty("livePerAgentHour").GetDouble() > 0));
    }

    [ApiFact]
    public async Task The_first_forecast_of_a_day_is_stored_and_earlier_forecasts_are_set_against_the_actual_days()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = await CreateCampaignAsync(manager);
        await AddContactsAsync(id, 300);
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Date;
        string Day(int offset) => today.AddDays(offset).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await using var db = new DbConnectionFactory(factory.Database);
        await using (var c = await db.OpenAsync(CancellationToken.None))
        {
            // Forecasts made two days ago (for yesterday and today) and yesterday (for yesterday, made the same day: not comparable).
            foreach (var (madeOn, day, live) in new[] { (Day(-2), Day(-1), 61.5), (Day(-2), Day(0), 70.0), (Day(-1), Day(-1), 12.0) })
            {
                await c.ExecuteAsync(
                    "INSERT INTO forecast_snapshots (campaign_id, made_on, day, agents, attempts, live, completions, created_at) VALUES (@id, @madeOn, @day, 3, 200, @live, 100, 0)",
                    new { id, madeOn, day, live });
            }

            await c.ExecuteAsync("INSERT INTO campaign_daily_stats (campaign_id, day, attempts, connected) VALUES (@id, @day, 190, 58)", new { id, day = Day(-1) });
        }

        // Entered agents do not make the stored forecast: it is the one for the usual agents (none logged in, no history: 1).
        var f = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/forecast?agents=9");
        var again = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/forecast");

        var past = Assert.Single(f.GetProperty("pastForecasts").EnumerateArray());
        Assert.Equal(Day(-1), past.GetProperty("day").GetString());
        Assert.Equal(Day(-2), past.GetProperty("madeOn").GetString());
        Assert.Equal(61.5, past.GetProperty("live").GetDouble(), 6);
        await using var read = await db.OpenAsync(CancellationToken.None);
        var stored = (await read.QueryAsync<(long Agents, double Live, string Day)>(
            "SELECT agents, live, day FROM forecast_snapshots WHERE campaign_id = @id AND made_on = @madeOn ORDER BY day", new { id, madeOn = Day(0) })).ToList();
        var days = again.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(Math.Min(days.Count, 14), stored.Count);
        Assert.All(stored, s => Assert.Equal(1, s.Agents));
        // Within calling hours today's forecast shrinks as the day goes on: the stored one was made a moment before `again`.
        var todaysLive = days[0].GetProperty("live").GetDouble();
        Assert.InRange(stored[0].Live, todaysLive * 0.999, todaysLive * 1.001);
        Assert.Equal(days[0].GetProperty("day").GetString(), stored[0].Day);
    }

    [ApiFact]
    public async Task Agents_logged_in_to_the_campaign_are_the_default_and_an_agentless_campaign_needs_none()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = await CreateCampaignAsync(manager);
        await AddContactsAsync(id, 100);
        var agents = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            agents.Add((await factory.SignedInUserAsync("agent")).UserId);
        }

        await using (var db = new DbConnectionFactory(factory.Database))
        await using (var c = await db.OpenAsync(CancellationToken.None))
        {
            // Two logged in to this campaign, one to another.
            foreach (var (agent, json) in new[] { (agents[0], $"[{id}]"), (agents[1], $"[5,{id}]"), (agents[2], $"[{id + 100000}]") })
            {
                await c.ExecuteAsync(
                    "INSERT INTO agent_states (agent_id, state, campaigns_json, since) VALUES (@agent, 'ready', @json, 0)", new { agent, json });
            }
        }

        var f = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/forecast");
        Assert.Equal("loggedIn", f.GetProperty("agentsSource").GetString());
        Assert.Equal(2, f.GetProperty("agents").GetInt32());

        var agentless = await CreateCampaignAsync(manager, "agentless");
        await AddContactsAsync(agentless, 100);
        var a = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{agentless}/forecast?agents=5&until={DateTime.UtcNow.AddDays(10):yyyy-MM-dd}&dailyLiveTarget=50");
        Assert.Equal("agentless", a.GetProperty("agentsSource").GetString());
        Assert.Equal(0, a.GetProperty("agents").GetInt32());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("agentsToFinishByUntil").ValueKind);
        Assert.Equal(JsonValueKind.Null, a.GetProperty("agentsForDailyLiveTarget").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, a.GetProperty("workedBy").ValueKind);
        Assert.All(a.GetProperty("hours").EnumerateArray(), h => Assert.Equal(JsonValueKind.Null, h.GetProperty("agentsForDailyLiveTarget").ValueKind));
    }

    [ApiFact]
    public async Task Bad_parameters_are_refused_with_the_field_and_the_forecast_is_for_managers()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = await CreateCampaignAsync(manager);

        var bad = await manager.GetAsync($"/api/campaigns/{id}/forecast?agents=0&until=tomorrow&dailyLiveTarget=-3");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("agents", out _));
        Assert.True(errors.TryGetProperty("until", out _));
        Assert.True(errors.TryGetProperty("dailyLiveTarget", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/api/campaigns/999999/forecast")).StatusCode);
        var (billing, _) = await factory.ClientWithRoleAsync("billing");
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync($"/api/campaigns/{id}/forecast")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync("/api/erlang?callsPerHour=10&handleSeconds=60")).StatusCode);
    }

    [ApiFact]
    public async Task Erlang_gives_the_agents_for_a_service_level()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");

        var r = await manager.GetFromJsonAsync<JsonElement>("/api/erlang?callsPerHour=200&handleSeconds=180&targetSeconds=20&serviceLevel=80");
        Assert.Equal(14, r.GetProperty("agents").GetInt32());
        Assert.Equal(10, r.GetProperty("trafficErlangs").GetDouble(), 6);

        var bad = await manager.GetAsync("/api/erlang?callsPerHour=abc&handleSeconds=0&serviceLevel=100");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("callsPerHour", out _));
        Assert.True(errors.TryGetProperty("handleSeconds", out _));
        Assert.True(errors.TryGetProperty("serviceLevel", out _));
    }

    [ApiFact]
    public async Task The_forecast_page_renders_for_a_manager_with_its_errors_and_not_for_an_agent()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("manager");
        var id = await CreateCampaignAsync(admin);
        await AddContactsAsync(id, 20);
        var manager = await BrowserClient.SignedInAsync(factory, "manager");

        var html = await manager.Http.GetStringAsync($"/campaigns/{id}/forecast?agents=2&callsPerHour=200&handleSeconds=180&targetSeconds=20&serviceLevel=80");
        Assert.Contains("data-testid=\"forecast-chart\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"erlang-result\"", html, StringComparison.Ordinal);
        var bad = await manager.Http.GetStringAsync($"/campaigns/{id}/forecast?agents=x&until=2020-01-01");
        Assert.Contains("data-testid=\"error-agents\"", bad, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"error-until\"", bad, StringComparison.Ordinal);
        Assert.Contains("value=\"x\"", bad, StringComparison.Ordinal);

        var agent = await BrowserClient.SignedInAsync(factory, "agent");
        var refused = await agent.Http.GetAsync($"/campaigns/{id}/forecast");
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
    }

    private async Task<List<long>> AddContactsAsync(long campaignId, int n, string zone = "Asia/Shanghai", int first = 0)
    {
        await using var db = new DbConnectionFactory(factory.Database);
        await using var c = await db.OpenAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = new List<long>();
        for (var i = 0; i < n; i++)
        {
            await c.ExecuteAsync(
                "INSERT INTO contacts (campaign_id, phone, time_zone, state, created_at, updated_at) VALUES (@campaignId, @phone, @zone, 'new', @now, @now)",
                new { campaignId, phone = $"+86138{campaignId % 1000:D3}{first + i:D5}", zone, now });
        }

        ids.AddRange(await c.QueryAsync<long>("SELECT id FROM contacts WHERE campaign_id = @campaignId ORDER BY id", new { campaignId }));
        return ids;
    }

    /// <summary>Yesterday, 8 hours from 09:00 Shanghai time, two agents: every 4th attempt connected, the rest no answer.</summary>
    private async Task AddAttemptsAsync(long campaignId, long contactId, int n)
    {
        await using var db = new DbConnectionFactory(factory.Database);
        await using var c = await db.OpenAsync(CancellationToken.None);
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1).AddHours(1), TimeSpan.Zero);
        for (var i = 0; i < n; i++)
        {
            var at = start.AddMinutes(i * 480.0 / n).ToUnixTimeMilliseconds();
            var live = i % 4 == 0;
            await c.ExecuteAsync(
                """
                INSERT INTO call_attempts (campaign_id, contact_id, phone, agent_id, queued_at, dialed_at, ended_at, outcome, talk_seconds, wrap_seconds)
                VALUES (@campaignId, @contactId, '+8613800000000', @agent, @at, @at, @ended, @outcome, @talk, @wrap)
                """,
                new
                {
                    campaignId, contactId, agent = live ? (long?)(1 + (i / 4 % 2)) : null, at, ended = at + 60_000,
                    outcome = live ? "connected" : "no_answer", talk = live ? 120.0 : (double?)null, wrap = live ? 20.0 : (double?)null,
                });
        }

        await c.ExecuteAsync(
            "INSERT INTO campaign_daily_stats (campaign_id, day, attempts, connected) VALUES (@campaignId, @day, @n, @live)",
            new { campaignId, day = start.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), n, live = n / 4 });
    }

    private static Task<long> CreateCampaignAsync(HttpClient manager, string mode = "predictive") =>
        CampaignBodies.CreateCareAsync(manager, $"name={CampaignBodies.Text("预测 forecast")};mode={CampaignBodies.Text(mode)}" + (mode == "agentless" ? $";message={CampaignBodies.Text("您的账单已出。")}" : ""));
}

public sealed class ForecastApiTestsOnPostgres(PostgresApiFactory factory) : ForecastApiTests(factory), IClassFixture<PostgresApiFactory>;
