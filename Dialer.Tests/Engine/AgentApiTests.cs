using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Dialer.Db;
using Dialer.Db.Model;
using Dialer.Tests.Api;
using Dialer.Tests.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Engine;

/// <summary>The agent's API through HTTP against a real SQLite file: states, requests to the engine, dispositions.</summary>
public class AgentApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task AgentEndpointsNeedAnAgentSession()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWith(null).GetAsync("/api/agent/state")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin().GetAsync("/api/agent/state")).StatusCode);
        var (manager, _) = await factory.SignedInUserAsync("manager");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync("/api/agent/ready", new { })).StatusCode);
    }

    [ApiFact]
    public async Task AnAgentLogsInPausesWithAReasonGetsReadyAndLogsOutEachChangeLogged()
    {
        var campaign = await CampaignBodies.CreateAsync(factory.Admin());
        var id = campaign.GetProperty("id").GetInt64();
        var (agent, agentId) = await factory.SignedInUserAsync("agent");

        var noCampaign = await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = Array.Empty<long>() });
        Assert.Equal(HttpStatusCode.BadRequest, noCampaign.StatusCode);
        Assert.Contains("campaignIds", await noCampaign.Content.ReadAsStringAsync());

        var login = await Body(await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { id } }));
        Assert.Equal("ready", login.GetProperty("state").GetString());
        Assert.Equal(id, login.GetProperty("campaigns")[0].GetInt64());

        var badPause = await agent.PostAsJsonAsync("/api/agent/pause", new { reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, badPause.StatusCode);
        var paused = await Body(await agent.PostAsJsonAsync("/api/agent/pause", new { reason = "lunch" }));
        Assert.Equal(("paused", "lunch"), (paused.GetProperty("state").GetString(), paused.GetProperty("reason").GetString()));
        Assert.Equal("ready", (await Body(await agent.PostAsJsonAsync("/api/agent/ready", new { }))).GetProperty("state").GetString());
        Assert.Equal("logged_out", (await Body(await agent.PostAsJsonAsync("/api/agent/logout", new { }))).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsJsonAsync("/api/agent/ready", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/agent/call")).StatusCode);

        await using var c = await Db().OpenAsync(CancellationToken.None);
        var log = (await c.QueryAsync<(string State, string? Reason)>("SELECT state, reason FROM agent_state_log WHERE agent_id = @agentId ORDER BY id",
            new { agentId })).ToList();
        Assert.Equal([("ready", null), ("paused", "lunch"), ("ready", null), ("logged_out", null)], log);
        Assert.Equal(4, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'agent_state' AND agent_id = @agentId", new { agentId }));
    }

    [ApiFact]
    public async Task PauseDuringACallIsARequestTheEngineAppliesAfterTheCall()
    {
        var (agent, agentId, _, _) = await AgentInWrapUpAsync("on_call");

        await using var c = await Db().OpenAsync(CancellationToken.None);
        var since = await c.ExecuteScalarAsync<long>("SELECT since FROM agent_states WHERE agent_id = @agentId", new { agentId });
        var pending = await Body(await agent.PostAsJsonAsync("/api/agent/pause", new { reason = "break" }));

        Assert.Equal("on_call", pending.GetProperty("state").GetString());
        Assert.True(pending.GetProperty("requestPending").GetBoolean());
        // The request has columns of its own: the state's reason and time in state are untouched, and nothing is logged.
        var row = await c.QuerySingleAsync<(string? Reason, string? Request, string? RequestReason, long Since)>(
            "SELECT reason, request, request_reason, since FROM agent_states WHERE agent_id = @agentId", new { agentId });
        Assert.Equal(((string?)null, "pause", "break", since), row);
        Assert.DoesNotContain("on_call", await c.QueryAsync<string>("SELECT state FROM agent_state_log WHERE agent_id = @agentId", new { agentId }));
    }

    [ApiFact]
    public async Task CallControlsAreKeptForTheCallInProgressWithoutTouchingTheStateOrAPendingPause()
    {
        var (agent, agentId, attemptId, _) = await AgentInWrapUpAsync("on_call");
        await using var c = await Db().OpenAsync(CancellationToken.None);
        var since = await c.ExecuteScalarAsync<long>("SELECT since FROM agent_states WHERE agent_id = @agentId", new { agentId });
        (await agent.PostAsJsonAsync("/api/agent/pause", new { reason = "break" })).EnsureSuccessStatusCode();

        var held = await Body(await agent.PostAsync("/api/agent/call/hold", null));
        Assert.True(held.GetProperty("held").GetBoolean());
        var muted = await Body(await agent.PostAsync("/api/agent/call/mute", null));
        Assert.Equal((true, true, true), (muted.GetProperty("held").GetBoolean(), muted.GetProperty("muted").GetBoolean(), muted.GetProperty("requestPending").GetBoolean()));
        var resumed = await Body(await agent.PostAsync("/api/agent/call/resume", null));
        Assert.Equal((false, true), (resumed.GetProperty("held").GetBoolean(), resumed.GetProperty("muted").GetBoolean()));
        (await agent.PostAsync("/api/agent/call/hangup", null)).EnsureSuccessStatusCode();

        var row = await c.QuerySingleAsync<(string State, long Since, string? Request, string? Controls)>(
            "SELECT state, since, request, call_controls FROM agent_states WHERE agent_id = @agentId", new { agentId });
        Assert.Equal(("on_call", since, "pause"), (row.State, row.Since, row.Request));
        Assert.Equal(new CallControls(attemptId, Hold: false, Mute: true, Hangup: true), CallControls.FromJson(row.Controls));

        // Once hanging up, nothing more; without a call, nothing at all — with the reason, in the caller's language.
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsync("/api/agent/call/hold", null)).StatusCode);
        await c.ExecuteAsync("UPDATE agent_states SET state = 'wrap_up', version = version + 1 WHERE agent_id = @agentId", new { agentId });
        using var zh = new HttpRequestMessage(HttpMethod.Post, "/api/agent/call/mute");
        zh.Headers.AcceptLanguage.ParseAdd("zh");
        var refused = await agent.SendAsync(zh);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("当前没有进行中的通话。", (await Body(refused)).GetProperty("detail").GetString());
    }

    [ApiFact]
    public async Task APauseAskedInWrapUpIsTakenWhenTheDispositionEndsIt()
    {
        var (agent, agentId, _, _) = await AgentInWrapUpAsync("wrap_up");

        Assert.True((await Body(await agent.PostAsJsonAsync("/api/agent/pause", new { reason = "lunch" }))).GetProperty("requestPending").GetBoolean());
        var after = await Body(await agent.PostAsJsonAsync("/api/agent/disposition", new { code = "paid" }));

        Assert.Equal(("paused", "lunch", false),
            (after.GetProperty("state").GetString(), after.GetProperty("reason").GetString(), after.GetProperty("requestPending").GetBoolean()));
        await using var c = await Db().OpenAsync(CancellationToken.None);
        Assert.Equal(((string?)null, (string?)null), await c.QuerySingleAsync<(string?, string?)>(
            "SELECT request, request_reason FROM agent_states WHERE agent_id = @agentId", new { agentId }));
    }

    [ApiFact]
    public async Task ACallbackOutsideTheContactsCallingWindowIsRejectedWithTheNextAllowedTime()
    {
        var (agent, _, _, _) = await AgentInWrapUpAsync("wrap_up");

        // Shanghai window 09:00–20:00, Monday to Saturday.
        var late = await agent.PostAsJsonAsync("/api/agent/disposition", new { code = "callback", callback = new { at = "2030-01-07T22:00" } });
        var sunday = await agent.PostAsJsonAsync("/api/agent/disposition", new { code = "callback", callback = new { at = "2030-01-06T10:00" } });
        var garbage = await agent.PostAsJsonAsync("/api/agent/disposition", new { code = "callback", callback = new { at = "tomorrow" } });

        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        var problem = await Body(late);
        var message = problem.GetProperty("errors").GetProperty("callback.at")[0].GetString()!;
        Assert.Contains("outside the calling window", message);
        Assert.Contains("2030-01-08T09:00", message);
        Assert.Contains("day_not_allowed", await sunday.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
    }

    [ApiFact]
    public async Task ADispositionWithAnOwnedCallbackEndsWrapUpAndSchedulesTheContact()
    {
        var (agent, agentId, attemptId, contactId) = await AgentInWrapUpAsync("wrap_up");

        var unknown = await agent.PostAsJsonAsync("/api/agent/disposition", new { code = "maybe" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var done = await Body(await agent.PostAsJsonAsync("/api/agent/disposition", new
        {
            code = "callback",
            notes = "客户要求明天上午回电",
            survey = new { satisfied = "yes" },
            callback = new { at = "2030-01-07T10:30", mine = true },
        }));

        Assert.Equal("ready", done.GetProperty("state").GetString());
        await using var c = await Db().OpenAsync(CancellationToken.None);
        var attempt = await c.QuerySingleAsync<(string Disposition, string Notes, string Survey)>(
            "SELECT disposition, notes, survey_json FROM call_attempts WHERE id = @attemptId", new { attemptId });
        Assert.Equal(("callback", "客户要求明天上午回电"), (attempt.Disposition, attempt.Notes));
        Assert.Contains("satisfied", attempt.Survey);
        var contact = await c.QuerySingleAsync<(string State, long CallbackAt, long Owner, long OpenAt)>(
            "SELECT state, callback_at, callback_agent_id, callback_open_at FROM contacts WHERE id = @contactId", new { contactId });
        // 10:30 in Shanghai is 02:30 UTC; open to anyone 30 minutes later.
        var at = new DateTimeOffset(2030, 1, 7, 2, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(("callback", at, agentId, at + (30 * 60_000)), contact);
    }

    [ApiFact]
    public async Task SurveyAnswersAreLimitedToTheCampaignsQuestionsAndBounded()
    {
        var (agent, _, attemptId, _) = await AgentInWrapUpAsync("wrap_up");
        object[] refused =
        [
            new { code = "paid", survey = new { unknown = "x" } },
            new { code = "paid", survey = new { satisfied = new string('x', 100_000) } },
            new { code = "paid", survey = new { satisfied = new { nested = new[] { 1, 2, 3 } } } },
            new { code = "paid", survey = new[] { "satisfied" } },
            new { code = "paid", survey = "yes" },
        ];
        foreach (var body in refused)
        {
            var answer = await agent.PostAsJsonAsync("/api/agent/disposition", body);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            var errors = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty("survey", out _), errors.GetRawText()[..Math.Min(300, errors.GetRawText().Length)]);
        }

        await using var c = await Db().OpenAsync(CancellationToken.None);
        Assert.Null(await c.ExecuteScalarAsync<string?>("SELECT survey_json FROM call_attempts WHERE id = @attemptId", new { attemptId }));
        var ok = await agent.PostAsJsonAsync("/api/agent/disposition", new { code = "paid", survey = new { satisfied = "yes" } });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("satisfied", await c.ExecuteScalarAsync<string>("SELECT survey_json FROM call_attempts WHERE id = @attemptId", new { attemptId }));
    }

    [ApiTheory]
    [InlineData("en", "no code", "code", "A disposition code is required.")]
    [InlineData("zh", "no code", "code", "需要处理结果代码。")]
    [InlineData("en", "unknown code", "code", "Unknown disposition 'maybe'; the campaign's codes are: paid, promised, dispute, wrong_number, callback.")]
    [InlineData("zh", "unknown code", "code", "未知的处理结果 'maybe'；本活动的代码为：paid, promised, dispute, wrong_number, callback。")]
    [InlineData("en", "long notes", "notes", "Notes are at most 4000 characters.")]
    [InlineData("zh", "long notes", "notes", "备注最多 4000 个字符。")]
    [InlineData("en", "garbage callback", "callback.at", "Give the callback as a local date and time, yyyy-MM-ddTHH:mm.")]
    [InlineData("zh", "garbage callback", "callback.at", "请以当地日期和时间给出回拨时间，格式为 yyyy-MM-ddTHH:mm。")]
    [InlineData("en", "late callback", "callback.at",
        "2030-01-07T22:00 (Asia/Shanghai) is outside the calling window 09:00–20:00 (outside_window). The next allowed time is 2030-01-08T09:00 local.")]
    [InlineData("zh", "late callback", "callback.at", "2030-01-07T22:00（Asia/Shanghai）不在呼叫时段 09:00–20:00 内（outside_window）。下一个允许的时间是当地时间 2030-01-08T09:00。")]
    public async Task ABadDispositionNamesTheFieldInTheCallersLanguage(string language, string mistake, string field, string expected)
    {
        var (agent, _, _, _) = await AgentInWrapUpAsync("wrap_up");
        object body = mistake switch
        {
            "no code" => new { code = " " },
            "unknown code" => new { code = "maybe" },
            "long notes" => new { code = "paid", notes = new string('x', 4001) },
            "garbage callback" => new { code = "callback", callback = new { at = "tomorrow" } },
            _ => new { code = "callback", callback = new { at = "2030-01-07T22:00" } },
        };

        var errors = await RequestValidationTests.ErrorsAsync(agent, HttpMethod.Post, "/api/agent/disposition", body, language);

        RequestValidationTests.AssertOnly(errors, field, expected);
        Assert.Equal("wrap_up", (await Body(await agent.GetAsync("/api/agent/state"))).GetProperty("state").GetString());
    }

    [ApiFact]
    public async Task ADispositionWithACallbackGivenDuringTheCallSurvivesTheHangUpAndTheAgentIsReadyWithoutWrapUp()
    {
        var (agent, agentId) = await factory.SignedInUserAsync("agent");
        await using var db = Dialer.Tests.Db.TestDatabase.Existing(factory.Database);
        var definition = EngineHarness.Campaign(d => d with
        {
            Dispositions = ["done", "callback"],
            CallbackOpenAfterMinutes = 30,
            SurveyQuestions = [new SurveyQuestion { Id = "satisfied", Text = "Satisfied?", Kind = "yesno" }],
        });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contactId = await EngineHarness.AddContactAsync(db, campaignId, $"+1555{Random.Shared.Next(1_000_000, 9_999_999)}");
        (await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { campaignId } })).EnsureSuccessStatusCode();
        var start = new DateTimeOffset(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, start, EngineHarness.Everyone("live", 4, 60));
        await h.TrackAgentAsync(agentId);
        h.Run(TimeSpan.FromSeconds(10));
        var onCall = await Body(await agent.GetAsync("/api/agent/state"));
        Assert.Equal("on_call", onCall.GetProperty("state").GetString());
        var attemptId = onCall.GetProperty("attemptId").GetInt64();
        var version = await h.ScalarAsync<long>("SELECT version FROM agent_states WHERE agent_id = @agentId", new { agentId });
        var call = await Body(await agent.GetAsync("/api/agent/call"));
        Assert.Equal((attemptId, campaignId, contactId), (call.GetProperty("attemptId").GetInt64(), call.GetProperty("campaignId").GetInt64(),
            call.GetProperty("contact").GetProperty("id").GetInt64()));
        Assert.Equal(call.GetProperty("phone").GetString(), call.GetProperty("contact").GetProperty("phone").GetString());
        Assert.Equal(JsonValueKind.Null, call.GetProperty("endedAt").ValueKind);
        Assert.Equal(["done", "callback"], call.GetProperty("dispositions").EnumerateArray().Select(d => d.GetString()!).ToArray());

        var given = await Body(await agent.PostAsJsonAsync("/api/agent/disposition", new
        {
            code = "callback",
            notes = "call back Monday morning",
            survey = new { satisfied = "yes" },
            callback = new { at = "2030-01-07T10:30", mine = true },
        }));

        // Still on the call; the row the engine owns is not written (its version is unchanged).
        Assert.Equal("on_call", given.GetProperty("state").GetString());
        Assert.Equal(version, await h.ScalarAsync<long>("SELECT version FROM agent_states WHERE agent_id = @agentId", new { agentId }));
        Assert.Equal("dialing", await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @contactId", new { contactId }));

        await h.SyncAgentsAsync();
        h.Run(TimeSpan.FromSeconds(60));
        await h.SyncAgentsAsync();

        Assert.Equal("ready", (await Body(await agent.GetAsync("/api/agent/state"))).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/agent/call")).StatusCode);
        await using var c = await Db().OpenAsync(CancellationToken.None);
        var attempt = await c.QuerySingleAsync<(string Outcome, string Disposition, string Notes, string Survey, double Wrap)>(
            "SELECT outcome, disposition, notes, survey_json, wrap_seconds FROM call_attempts WHERE id = @attemptId", new { attemptId });
        Assert.Equal(("connected", "callback", "call back Monday morning", 0.0), (attempt.Outcome, attempt.Disposition, attempt.Notes, attempt.Wrap));
        Assert.Contains("satisfied", attempt.Survey);
        var contact = await c.QuerySingleAsync<(string State, long Next, long CallbackAt, long Owner, long OpenAt)>(
            "SELECT state, next_eligible_at, callback_at, callback_agent_id, callback_open_at FROM contacts WHERE id = @contactId", new { contactId });
        var at = new DateTimeOffset(2030, 1, 7, 10, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(("callback", at, at, agentId, at + (30 * 60_000)), contact);
        var log = (await c.QueryAsync<string>("SELECT state FROM agent_state_log WHERE agent_id = @agentId ORDER BY id", new { agentId })).ToList();
        Assert.Equal(["ready", "reserved", "on_call", "ready"], log);
    }

    private DbConnectionFactory Db() => factory.Services.GetRequiredService<DbConnectionFactory>();

    private static async Task<JsonElement> Body(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>An agent with a call in the given state, as the engine would have written it.</summary>
    private async Task<(HttpClient Agent, long AgentId, long AttemptId, long ContactId)> AgentInWrapUpAsync(string state)
    {
        var campaign = await CampaignBodies.CreateAsync(factory.Admin(),
            CampaignBodies.With("surveyQuestions=[{\"id\":\"satisfied\",\"text\":\"满意吗？\",\"kind\":\"yesno\"}]"));
        var campaignId = campaign.GetProperty("id").GetInt64();
        var (agent, agentId) = await factory.SignedInUserAsync("agent");
        (await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { campaignId } })).EnsureSuccessStatusCode();
        await using var c = await Db().OpenAsync(CancellationToken.None);
        var phone = $"+86138{Random.Shared.Next(10_000_000, 99_999_999)}";
        var contactId = await c.ExecuteScalarAsync<long>("""
            INSERT INTO contacts (campaign_id, phone, time_zone, state, created_at, updated_at) VALUES (@campaignId, @phone, 'Asia/Shanghai', 'done', 0, 0) RETURNING id
            """, new { campaignId, phone });
        var attemptId = await c.ExecuteScalarAsync<long>("""
            INSERT INTO call_attempts (campaign_id, contact_id, phone, agent_id, queued_at, outcome) VALUES (@campaignId, @contactId, @phone, @agentId, 0, 'connected') RETURNING id
            """, new { campaignId, contactId, phone, agentId });
        await c.ExecuteAsync("UPDATE agent_states SET state = @state, attempt_id = @attemptId, contact_id = @contactId, version = version + 1 WHERE agent_id = @agentId",
            new { state, attemptId, contactId, agentId });
        return (agent, agentId, attemptId, contactId);
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class AgentApiTestsOnPostgres(PostgresApiFactory factory) : AgentApiTests(factory), IClassFixture<PostgresApiFactory>;
