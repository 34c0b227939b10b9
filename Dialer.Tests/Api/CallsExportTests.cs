using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dialer.Tests.Imports;

namespace Dialer.Tests.Api;

/// <summary>The call-by-call export: every attempt of a campaign in a window of days, with its survey answers.</summary>
public class CallsExportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task EveryAttemptIsARowWithItsContactAgentAndSurveyAnswersInChinese()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaign = await SurveyCampaigns.CreateAsync(manager);
        var (_, agentId) = await factory.SignedInUserAsync("agent", "wang.fang");
        var contact = (long)(await factory.QueryAsync(
            "INSERT INTO contacts (campaign_id, phone, name, account_id, time_zone, state, created_at, updated_at) VALUES ($c, '+8613800000001', '王芳', 'A100', 'Asia/Shanghai', 'done', 0, 0) RETURNING id",
            ("$c", campaign)))[0]["id"]!;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // More rows than one page of the export (2,000): 2,503 attempts, the first one answered by a person with a survey.
        await factory.QueryAsync(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2503)
            INSERT INTO call_attempts (campaign_id, contact_id, phone, agent_id, queued_at, dialed_at, ringing_at, answered_at, ended_at,
                outcome, sip_code, sip_reason, machine, talk_seconds, wrap_seconds, disposition, notes, dtmf, survey_json)
            SELECT $c, $contact, '+8613800000001', CASE WHEN i = 1 THEN $agent END, $now - 60000 + i, $now - 60000 + i, $now - 59000 + i,
                CASE WHEN i = 1 THEN $now - 55000 END, $now - 30000 + i,
                CASE WHEN i = 1 THEN 'connected' ELSE 'no_answer' END, CASE WHEN i = 1 THEN 200 ELSE 480 END,
                CASE WHEN i = 1 THEN 'OK' ELSE 'Temporarily Unavailable' END, CASE WHEN i = 1 THEN 0 END,
                CASE WHEN i = 1 THEN 25.04 END, CASE WHEN i = 1 THEN 7 END, CASE WHEN i = 1 THEN 'done' END,
                CASE WHEN i = 1 THEN '客户说,"很好"' END, CASE WHEN i = 1 THEN '19' END,
                CASE WHEN i = 1 THEN '{"q1":"满意","q2":9}' END
            FROM n
            """,
            ("$c", campaign), ("$contact", contact), ("$agent", agentId), ("$now", now));

        var response = await manager.GetAsync($"/api/reports/campaigns/{campaign}/calls.csv?lang=zh");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 2503, lines.Length);
        Assert.StartsWith("呼叫编号,时间,电话,姓名,账号,坐席,呼叫结果,SIP 状态码,SIP 原因,答录机,已留言,振铃秒数,通话秒数,整理秒数,处理结果,备注,按键,您对这次服务满意吗？,推荐的可能性（0-10）,调查答案（JSON）,录音,联系人当前状态", lines[0]);
        var first = lines[1].Split(',');
        // The phone's '+' would start a formula in a spreadsheet: it is written with a quote mark (OWASP).
        Assert.Equal(("'+8613800000001", "王芳", "A100", "wang.fang", "接通坐席", "200", "否"), (first[2], first[3], first[4], first[5], first[6], first[7], first[9]));
        Assert.Equal(("否", "4", "25", "7", "done"), (first[10], first[11], first[12], first[13], first[14]));
        Assert.Contains("\"客户说,\"\"很好\"\"\",19,满意,9,\"{\"\"q1\"\":\"\"满意\"\",\"\"q2\"\":9}\",,done", lines[1]);
        Assert.All(lines.Skip(2), l => Assert.Contains(",无人接听,480,", l));
        var ids = lines.Skip(1).Select(l => long.Parse(l.Split(',')[0])).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(2503, ids.Distinct().Count());
    }

    [ApiFact]
    public async Task BadDaysAnUnknownCampaignAndOtherRolesAreRefused()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaign = await SurveyCampaigns.CreateAsync(manager);

        var badFrom = await manager.GetAsync($"/api/reports/campaigns/{campaign}/calls.csv?from=2026-13-01");
        Assert.Equal(HttpStatusCode.BadRequest, badFrom.StatusCode);
        Assert.Contains("\"from\"", await badFrom.Content.ReadAsStringAsync());
        var backwards = await manager.GetAsync($"/api/reports/campaigns/{campaign}/calls.csv?from=2026-11-20&to=2026-11-19");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("\"to\"", await backwards.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync($"/api/reports/campaigns/{campaign}/calls.csv?from=2025-01-01&to=2026-11-20")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/api/reports/campaigns/999999/calls.csv")).StatusCode);
        var (billing, _) = await factory.ClientWithRoleAsync("billing");
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync($"/api/reports/campaigns/{campaign}/calls.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWith(null).GetAsync($"/api/reports/campaigns/{campaign}/calls.csv")).StatusCode);

        // A day with no calls is the heading alone, in English by default.
        var empty = await manager.GetStringAsync($"/api/reports/campaigns/{campaign}/calls.csv?from=2026-01-05&to=2026-01-06");
        Assert.StartsWith("\uFEFFAttempt,Time,Phone,Name,Account,Agent,Outcome,", empty);
        Assert.Single(empty.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class CallsExportTestsOnPostgres(PostgresApiFactory factory) : CallsExportTests(factory), IClassFixture<PostgresApiFactory>;
