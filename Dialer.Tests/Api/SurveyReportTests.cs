using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dialer.Tests.Imports;

namespace Dialer.Tests.Api;

/// <summary>Survey answers tallied per question, over the API and on the campaign's report page.</summary>
public class SurveyReportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task AnswersAreCountedPerOptionWithNumbersAveragedAndOddAnswersKept()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaign = await SurveyCampaigns.CreateAsync(manager, "agentless");
        var contact = (long)(await factory.QueryAsync(
            "INSERT INTO contacts (campaign_id, phone, time_zone, state, created_at, updated_at) VALUES ($c, '+8613800000002', 'Asia/Shanghai', 'done', 0, 0) RETURNING id",
            ("$c", campaign)))[0]["id"]!;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string?[] answers =
        [
            """{"q1":"满意","q2":9}""", """{"q1":"满意","q2":"7"}""", """{"q1":"不满意"}""", """{"q1":"说不清"}""",
            """{"q2":10}""", null, "not json", """{"other":"x"}""",
        ];
        foreach (var (json, i) in answers.Select((a, i) => (a, i)))
        {
            await factory.QueryAsync(
                "INSERT INTO call_attempts (campaign_id, contact_id, phone, queued_at, outcome, survey_json) VALUES ($c, $contact, '+8613800000002', $t, 'connected', $s)",
                ("$c", campaign), ("$contact", contact), ("$t", now - 1000 + i), ("$s", (object?)json ?? DBNull.Value));
        }

        var report = await manager.GetFromJsonAsync<JsonElement>($"/api/reports/campaigns/{campaign}/survey");

        Assert.Equal(6, report.GetProperty("responses").GetInt32());
        var q1 = report.GetProperty("questions")[0];
        Assert.Equal(4, q1.GetProperty("answered").GetInt32());
        Assert.Equal(
            [("满意", 2), ("不满意", 1), ("说不清", 1)],
            q1.GetProperty("counts").EnumerateArray().Select(c => (c.GetProperty("answer").GetString()!, c.GetProperty("count").GetInt32())).ToList());
        var q2 = report.GetProperty("questions")[1];
        Assert.Equal(3, q2.GetProperty("answered").GetInt32());
        Assert.Equal((8.67, 7.0, 10.0), (q2.GetProperty("average").GetDouble(), q2.GetProperty("min").GetDouble(), q2.GetProperty("max").GetDouble()));

        // The report page shows the same tallies to the manager.
        var (page, _) = await factory.SignedInUserAsync("manager");
        var html = await page.GetStringAsync($"/campaigns/{campaign}/reports");
        Assert.Contains("data-question=\"q1\"", html);
        Assert.Contains("data-answer=\"说不清\"", html);
        Assert.Contains("8.67", html);
    }

    [ApiFact]
    public async Task BadDaysUnknownCampaignsAndOtherRolesAreRefused()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaign = await SurveyCampaigns.CreateAsync(manager, "agentless");

        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync($"/api/reports/campaigns/{campaign}/survey?from=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync($"/api/reports/campaigns/{campaign}/survey?from=2026-11-20&to=2026-11-01")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/api/reports/campaigns/999999/survey")).StatusCode);
        var (billing, _) = await factory.ClientWithRoleAsync("billing");
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync($"/api/reports/campaigns/{campaign}/survey")).StatusCode);
        var empty = await manager.GetFromJsonAsync<JsonElement>($"/api/reports/campaigns/{campaign}/survey?from=2026-01-01&to=2026-01-31");
        Assert.Equal(0, empty.GetProperty("responses").GetInt32());
        Assert.All(empty.GetProperty("questions")[0].GetProperty("counts").EnumerateArray(), c => Assert.Equal(0, c.GetProperty("count").GetInt32()));
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class SurveyReportTestsOnPostgres(PostgresApiFactory factory) : SurveyReportTests(factory), IClassFixture<PostgresApiFactory>;
