using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dialer.Tests.Imports;

namespace Dialer.Tests.Api;

/// <summary>
/// The KPI report read from the database as stored (attempts, the agent state log with its campaigns) and exported as
/// CSV, on SQLite and (…OnPostgres) on PostgreSQL.
/// </summary>
public class KpiReportApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static long At(int day, int hour, int minute = 0) =>
        new DateTimeOffset(2026, 11, day, hour, minute, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();

    [ApiFact]
    public async Task TheCsvHasADayPerRowComputedFromTheStoredAttemptsAndAgentTime()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaign = await SurveyCampaigns.CreateAsync(manager);
        var (_, agent1) = await factory.SignedInUserAsync("agent", "kpi.agent1");
        var (_, agent2) = await factory.SignedInUserAsync("agent", "kpi.agent2");
        var contact = (long)(await factory.QueryAsync(
            "INSERT INTO contacts (campaign_id, phone, name, time_zone, state, created_at, updated_at) VALUES ($c, '+8613800000009', '李雷', 'Asia/Shanghai', 'done', 0, 0) RETURNING id",
            ("$c", campaign)))[0]["id"]!;

        // Nov 2: 09h four attempts (two connected, one abandoned, one no answer), 10h two (busy, connected). Nov 3: one in progress.
        (long Queued, string? Outcome, double? Talk, double? Wrap)[] attempts =
        [
            (At(2, 9, 5), "connected", 100, 20), (At(2, 9, 10), "connected", 200, 40), (At(2, 9, 20), "abandoned", null, null),
            (At(2, 9, 30), "no_answer", null, null), (At(2, 10, 5), "busy", null, null), (At(2, 10, 10), "connected", 90, 30),
            (At(3, 14), null, null, null),
        ];
        foreach (var (queued, outcome, talk, wrap) in attempts)
        {
            await factory.QueryAsync(
                """
                INSERT INTO call_attempts (campaign_id, contact_id, phone, agent_id, queued_at, dialed_at, answered_at, agent_connected_at, ended_at, outcome, talk_seconds, wrap_seconds)
                VALUES ($c, $contact, '+8613800000009', $agent, $q, $q, $answered, $connected, $ended, $outcome, $talk, $wrap)
                """,
                ("$c", campaign), ("$contact", contact), ("$agent", talk is null ? DBNull.Value : agent1), ("$q", queued),
                ("$answered", outcome is "connected" or "abandoned" ? queued + 5000 : DBNull.Value),
                ("$connected", talk is null ? DBNull.Value : queued + 6000), ("$ended", outcome is null ? DBNull.Value : queued + 60_000),
                ("$outcome", (object?)outcome ?? DBNull.Value), ("$talk", (object?)talk ?? DBNull.Value), ("$wrap", (object?)wrap ?? DBNull.Value));
        }

        // Agent 1 works the campaign 09:00–11:00 on Nov 2 (on a call 25 min, wrap-up 15: busy 40 of 120 min); agent 2
        // works another campaign only, and once before migration 0035 (no campaigns).
        var inCampaign = $"[{campaign}]";
        (long Agent, string State, long At, string? Campaigns)[] log =
        [
            (agent1, "ready", At(2, 9), inCampaign), (agent1, "on_call", At(2, 9, 5), inCampaign), (agent1, "wrap_up", At(2, 9, 30), $"[99999,{campaign}]"),
            (agent1, "ready", At(2, 9, 45), inCampaign), (agent1, "logged_out", At(2, 11), "[]"),
            (agent2, "ready", At(2, 8), null), (agent2, "ready", At(2, 9), "[99999]"), (agent2, "logged_out", At(2, 10), "[]"),
        ];
        foreach (var (agent, state, at, campaigns) in log)
        {
            await factory.QueryAsync("INSERT INTO agent_state_log (agent_id, state, at, campaigns_json) VALUES ($a, $s, $at, $j)",
                ("$a", agent), ("$s", state), ("$at", at), ("$j", (object?)campaigns ?? DBNull.Value));
        }

        var response = await manager.GetAsync($"/api/reports/campaigns/{campaign}/kpi.csv?from=2026-11-02&to=2026-11-03&lang=zh");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            "日期,呼叫次数,已结束,真人接听,放弃,签入坐席数,应签入坐席数,坐席签入率,坐席利用率,平均通话（秒）,平均话后整理（秒）,接通率,忙时最低接通率,忙时时段,放弃率（当日）,放弃率（30 天滚动）,上限,当日超上限,30 天超上限",
            lines[0]);
        // Sign-in 1 of the 2 agents (neither is assigned to a campaign); answer rate 4/6; busy hours 09 (3/4) and 10 (1/2).
        Assert.Equal("2026-11-02,6,6,4,1,1,2,0.5,0.3333,130,30,0.6667,0.5,10:00,0.25,0.25,0.03,是,是", lines[1]);
        Assert.Equal("2026-11-03,1,0,0,0,0,2,0,,,,,,,,0.25,0.03,否,是", lines[2]);
        Assert.Equal("区间合计,7,6,4,1,1,4,0.25,0.3333,130,30,0.6667,0.5,10:00,0.25,0.25,0.03,是,是", lines[3]);
        Assert.Equal(4, lines.Length);
    }

    [ApiFact]
    public async Task TheStateLogKeepsTheCampaignsTheAgentIsSignedInToAndTodaysReportCountsIt()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaign = await SurveyCampaigns.CreateAsync(manager);
        var (agent, agentId) = await factory.SignedInUserAsync("agent", "kpi.agent3");
        // Assigned to this campaign alone, so that it is no one else's eligible agent.
        (await manager.PutAsJsonAsync($"/api/campaigns/{campaign}/agents", new { agentIds = new[] { agentId } })).EnsureSuccessStatusCode();

        (await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { campaign } })).EnsureSuccessStatusCode();
        (await agent.PostAsJsonAsync("/api/agent/pause", new { reason = "lunch" })).EnsureSuccessStatusCode();
        (await agent.PostAsJsonAsync("/api/agent/logout", new { })).EnsureSuccessStatusCode();

        var log = (await factory.QueryAsync("SELECT state, campaigns_json FROM agent_state_log WHERE agent_id = $a ORDER BY id", ("$a", agentId)))
            .Select(r => ((string)r["state"]!, r["campaigns_json"] as string)).ToList();
        Assert.Equal(("ready", $"[{campaign}]"), log[0]);
        Assert.Equal(("paused", $"[{campaign}]"), log[1]);
        Assert.Equal("logged_out", log[^1].Item1);

        var today = (await manager.GetStringAsync($"/api/reports/campaigns/{campaign}/kpi.csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[^2].Split(',');
        // Today's row: no calls; the agent signed in, of the eligible ones (the other tests' agents, assigned to no
        // campaign, may work this one too).
        var eligible = long.Parse(today[6], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(("0", "1"), (today[1], today[5]));
        Assert.Equal(Math.Round(1.0 / eligible, 4).ToString(System.Globalization.CultureInfo.InvariantCulture), today[7]);
    }

    [ApiFact]
    public async Task TheDefaultIsThirtyDaysAndBadRangesUnknownCampaignsAndOtherRolesAreRefused()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaign = await SurveyCampaigns.CreateAsync(manager);

        var csv = await manager.GetStringAsync($"/api/reports/campaigns/{campaign}/kpi.csv");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("\uFEFFDay,Attempts,Finished,Answered by a person,", lines[0]);
        Assert.Equal(1 + 30 + 1, lines.Length);
        Assert.StartsWith("Range,0,", lines[^1]);

        var badFrom = await manager.GetAsync($"/api/reports/campaigns/{campaign}/kpi.csv?from=2026-13-01");
        Assert.Equal(HttpStatusCode.BadRequest, badFrom.StatusCode);
        Assert.Contains("\"from\"", await badFrom.Content.ReadAsStringAsync());
        var backwards = await manager.GetAsync($"/api/reports/campaigns/{campaign}/kpi.csv?from=2026-11-20&to=2026-11-19");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("\"to\"", await backwards.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync($"/api/reports/campaigns/{campaign}/kpi.csv?from=2025-01-01&to=2026-11-20")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/api/reports/campaigns/999999/kpi.csv")).StatusCode);
        var (billing, _) = await factory.ClientWithRoleAsync("billing", campaign);
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync($"/api/reports/campaigns/{campaign}/kpi.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWith(null).GetAsync($"/api/reports/campaigns/{campaign}/kpi.csv")).StatusCode);
    }
}

public sealed class KpiReportApiTestsOnPostgres(PostgresApiFactory factory) : KpiReportApiTests(factory), IClassFixture<PostgresApiFactory>;
