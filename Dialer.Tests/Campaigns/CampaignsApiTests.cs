using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Dialer.Db;
using Dialer.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using static Dialer.Tests.Campaigns.CampaignBodies;

namespace Dialer.Tests.Campaigns;

public class CampaignsApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task ExampleCampaignIsCreatedWith201AndLocation()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");

        var response = await manager.PostAsync("/api/campaigns", Json(Example));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadAsync(response);
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal($"/api/campaigns/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("draft", body.GetProperty("status").GetString());
        Assert.Equal("Hangzhou arrears November", body.GetProperty("name").GetString());
        Assert.Equal("您好 {name}，您的账户 {account} 欠费 {amount_due} 元。", body.GetProperty("script").GetString());
        Assert.Equal("20:00", body.GetProperty("callingWindow").GetProperty("end").GetString());
        Assert.Equal(4320, body.GetProperty("retryMinutes").GetProperty("abandoned").GetInt32());
        Assert.Equal(5, body.GetProperty("dispositions").GetArrayLength());

        var read = await manager.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        var again = await ReadAsync(read);
        Assert.Equal(body.GetProperty("script").GetString(), again.GetProperty("script").GetString());
        Assert.Equal(0, again.GetProperty("contacts").GetProperty("total").GetInt64());
    }

    [ApiTheory]
    [InlineData("callingWindow.end=\"08:30\"", "callingWindow.end")]
    [InlineData("callingWindow.end=\"09:00\"", "callingWindow.end")]
    [InlineData("callingWindow.start=\"9am\"", "callingWindow.start")]
    [InlineData("callingWindow.start=\"07:00\"", "callingWindow.start")]
    [InlineData("callingWindow.end=\"22:00\"", "callingWindow.end")]
    [InlineData("callingWindow.days=[\"Mon\",\"Mon\"]", "callingWindow.days")]
    [InlineData("callingWindow.days=[\"Mon\",\"Funday\"]", "callingWindow.days[1]")]
    [InlineData("callingWindow.holidays=[\"2026-13-01\"]", "callingWindow.holidays[0]")]
    [InlineData("abandonCapPercent=3.5", "abandonCapPercent")]
    [InlineData("abandonCapPercent=0", "abandonCapPercent")]
    [InlineData("mode=\"agentless\"", "message")]
    [InlineData("timeZone=\"Mars/Olympus_Mons\"", "timeZone")]
    [InlineData("timeZone=\"China Standard Time\"", "timeZone")]
    [InlineData("ringTimeoutSeconds=10", "ringTimeoutSeconds")]
    [InlineData("name=\"\"", "name")]
    [InlineData("name=", "name")]
    [InlineData("type=\"sales\"", "type")]
    [InlineData("mode=\"robot\"", "mode")]
    [InlineData("defaultCountry=\"XX\"", "defaultCountry")]
    [InlineData("defaultCountry=\"cn\"", "defaultCountry")]
    [InlineData("complianceProfile=\"FR\"", "complianceProfile")]
    [InlineData("maxAttempts=0", "maxAttempts")]
    [InlineData("maxAttempts=21", "maxAttempts")]
    [InlineData("minGapMinutes=-1", "minGapMinutes")]
    [InlineData("retryMinutes.busy=-5", "retryMinutes.busy")]
    [InlineData("complianceProfile=\"UK\";retryMinutes.abandoned=60", "retryMinutes.abandoned")]
    [InlineData("callerId=\"057110000\"", "callerId")]
    [InlineData("wrapUpSeconds=3601", "wrapUpSeconds")]
    [InlineData("dispositions=[\"paid\",\"PAID\"]", "dispositions")]
    [InlineData("dispositions=[\"paid\",\" \"]", "dispositions[1]")]
    [InlineData("dispositionLabels={\"unpaid\":{\"en\":\"Unpaid\",\"zh\":\"未缴费\"}}", "dispositionLabels")]
    [InlineData("dispositionLabels={\"paid\":{\"en\":\" \"}}", "dispositionLabels")]
    [InlineData("dispositionLabels={\"paid\":{\"zh\":\"已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费已缴费\"}}", "dispositionLabels")]
    [InlineData("script=\"您好 {name，欠费\"", "script")]
    [InlineData("script=\"您好 {1st}\"", "script")]
    [InlineData("surveyQuestions=[{\"id\":\"q1\",\"text\":\"满意吗？\",\"kind\":\"yesno\"},{\"id\":\"q1\",\"text\":\"再来吗？\",\"kind\":\"yesno\"}]", "surveyQuestions")]
    [InlineData("surveyQuestions=[{\"id\":\"q1\",\"text\":\"哪个套餐？\",\"kind\":\"choice\"}]", "surveyQuestions[0].options")]
    [InlineData("previewSeconds=4", "previewSeconds")]
    [InlineData("ivrAnswerSeconds=2", "ivrAnswerSeconds")]
    [InlineData("ivrAnswerSeconds=31", "ivrAnswerSeconds")]
    [InlineData("ivrDigitSeconds=0", "ivrDigitSeconds")]
    [InlineData("ivrDigitSeconds=11", "ivrDigitSeconds")]
    [InlineData("ivrThankYouWav=\"prompts/thanks.mp3\"", "ivrThankYouWav")]
    [InlineData("ivrInvalidKeyWav=\" \"", "ivrInvalidKeyWav")]
    [InlineData("ivrNoAgentWav=\"prompts/no-agent\"", "ivrNoAgentWav")]
    [InlineData("messageWav=\"/etc/shadow.wav\"", "messageWav")]
    [InlineData("messageWav=\"../../root/secret.wav\"", "messageWav")]
    [InlineData("messageWav=\"prompts/../../../secret.wav\"", "messageWav")]
    [InlineData("messageWav=\"/proc/self/environ#.wav\"", "messageWav")]
    [InlineData("messageWav=\"prompts/a\\u0000.wav\"", "messageWav")]
    [InlineData("ivrThankYouWav=\"C:\\\\Windows\\\\x.wav\"", "ivrThankYouWav")]
    [InlineData("ivrInvalidKeyWav=\"..\\\\..\\\\x.wav\"", "ivrInvalidKeyWav")]
    [InlineData("ivrNoAgentWav=\"./prompts/x.wav\"", "ivrNoAgentWav")]
    [InlineData("surveyQuestions=[{\"id\":\"q1\",\"text\":\"满意吗？\",\"kind\":\"yesno\",\"wav\":\"/etc/passwd.wav\"}]", "surveyQuestions[0].wav")]
    [InlineData("surveyQuestions=[{\"id\":\"q1\",\"text\":\"满意吗？\",\"kind\":\"yesno\",\"wav\":\"prompts/q1.mp3\"}]", "surveyQuestions[0].wav")]
    [InlineData("maxDialRatio=5.5", "maxDialRatio")]
    [InlineData("machineDetection={\"endSilenceMs\":100}", "machineDetection.endSilenceMs")]
    [InlineData("machineDetection={\"maxGreetingMs\":60000}", "machineDetection.maxGreetingMs")]
    [InlineData("machineDetection={\"initialSilenceMs\":0}", "machineDetection.initialSilenceMs")]
    [InlineData("machineDetection={\"unknownAs\":\"maybe\"}", "machineDetection.unknownAs")]
    [InlineData("colour=\"red\"", "colour")]
    [InlineData("callingWindow.colour=\"red\"", "callingWindow.colour")]
    [InlineData("maxAttempts=\"three\"", "maxAttempts")]
    [InlineData("maxAttempts=\"3\"", "maxAttempts")]
    [InlineData("name=null", "name")]
    public async Task EveryRuleNamesItsField(string changes, string field)
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");

        var response = await manager.PostAsync("/api/campaigns", Json(With(changes)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await ReadAsync(response)).GetProperty("errors");
        var names = errors.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal([field], names);
        Assert.False(string.IsNullOrWhiteSpace(errors.GetProperty(field)[0].GetString()));
    }

    [ApiFact]
    public async Task ValidVariantsAreAccepted()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        string[] variants =
        [
            With("mode=\"agentless\";message=\"您好，您本月账单 {amount_due} 元，请按时缴费。\";transferDigit=\"0\""),
            With("mode=\"agentless\";messageWav=\"prompts/arrears.wav\""),
            With("mode=\"agentless\";messageWav=\"prompts/arrears.wav\";ivrAnswerSeconds=30;ivrDigitSeconds=1;ivrThankYouWav=\"prompts/thanks.wav\";ivrInvalidKeyWav=\"prompts/invalid.WAV\";ivrNoAgentWav=\"prompts/no-agent.wav\""),
            With("mode=\"agentless\";type=\"survey\";message=\"您好\";ivrAnswerSeconds=3;ivrDigitSeconds=10;surveyQuestions=[{\"id\":\"q1\",\"text\":\"您满意吗？\",\"kind\":\"yesno\",\"wav\":\"prompts/q1.wav\"}]"),
            With("complianceProfile=\"UK\";defaultCountry=\"GB\";timeZone=\"Europe/London\";callerId=\"+442071234567\""),
            With("type=\"survey\";surveyQuestions=[{\"id\":\"q1\",\"text\":\"您满意吗？\",\"kind\":\"choice\",\"options\":[\"满意\",\"不满意\"],\"keys\":[\"1\",\"2\"]}]"),
            With("callingWindow="),
            With("machineDetection={\"unknownAs\":\"machine\",\"endSilenceMs\":800,\"maxGreetingMs\":3500,\"initialSilenceMs\":3000}"),
            With("script=\"{{literal}} {姓名} {amount_due}\""),
            With("dispositionLabels={\"paid\":{\"en\":\"Paid\",\"zh\":\"已缴费\"},\"callback\":{\"zh\":\"约定回拨\"}}"),
        ];
        foreach (var body in variants)
        {
            var response = await manager.PostAsync("/api/campaigns", Json(body));
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
    }

    [ApiFact]
    public async Task OnlyManagersAndAdminsManageCampaigns()
    {
        var (billing, _) = await factory.ClientWithRoleAsync("billing");
        var (agent, _) = await factory.SignedInUserAsync("agent");

        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWith(null).PostAsync("/api/campaigns", Json(Example))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWith(null).GetAsync("/api/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.PostAsync("/api/campaigns", Json(Example))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync("/api/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/campaigns", Json(Example))).StatusCode);
        var created = await CreateAsync(factory.Admin());
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.PostAsync($"/api/campaigns/{created.GetProperty("id")}/start", null)).StatusCode);
    }

    [ApiFact]
    public async Task StatusMovesOnlyByAllowedTransitions()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = (await CreateAsync(manager)).GetProperty("id").GetInt64();

        async Task<(HttpStatusCode Code, JsonElement Body)> Act(string action)
        {
            var r = await manager.PostAsync($"/api/campaigns/{id}/{action}", null);
            return (r.StatusCode, await ReadAsync(r));
        }

        var pauseDraft = await Act("pause");
        Assert.Equal(HttpStatusCode.Conflict, pauseDraft.Code);
        Assert.Contains("draft", pauseDraft.Body.GetProperty("detail").GetString());

        var start = await Act("start");
        Assert.Equal(HttpStatusCode.OK, start.Code);
        Assert.Equal("running", start.Body.GetProperty("status").GetString());
        var startAgain = await Act("start");
        Assert.Equal(HttpStatusCode.Conflict, startAgain.Code);
        Assert.Contains("already running", startAgain.Body.GetProperty("detail").GetString());

        Assert.Equal("paused", (await Act("pause")).Body.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await Act("pause")).Code);
        Assert.Equal("running", (await Act("start")).Body.GetProperty("status").GetString());
        Assert.Equal("stopped", (await Act("stop")).Body.GetProperty("status").GetString());

        foreach (var action in new[] { "start", "pause", "stop" })
        {
            var after = await Act(action);
            Assert.Equal(HttpStatusCode.Conflict, after.Code);
            Assert.Contains("final", after.Body.GetProperty("detail").GetString());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync("/api/campaigns/999999/start", null)).StatusCode);
        var draft = (await CreateAsync(manager)).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/campaigns/{draft}/stop", null)).StatusCode);
    }

    [ApiFact]
    public async Task ConcurrentStartsSucceedExactlyOnce()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = (await CreateAsync(manager)).GetProperty("id").GetInt64();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => manager.PostAsync($"/api/campaigns/{id}/start", null)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
    }

    [ApiFact]
    public async Task CampaignWhoseStopTimeHasPassedCannotStart()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = (await CreateAsync(manager, With("stopAt=\"2020-01-01T00:00:00+08:00\""))).GetProperty("id").GetInt64();

        var response = await manager.PostAsync($"/api/campaigns/{id}/start", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("stopAt", (await ReadAsync(response)).GetProperty("detail").GetString());
    }

    [ApiFact]
    public async Task PutRoundTripKeepsChineseExactly()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = (await CreateAsync(manager)).GetProperty("id").GetInt64();
        var read = await manager.GetAsync($"/api/campaigns/{id}");
        var view = JsonNode.Parse(await read.Content.ReadAsStringAsync())!.AsObject();
        const string script = "您好 {name}，这里是杭州电信 10000 号。您的账户 {account} 截至 {due_date} 欠费 {amount_due} 元，请尽快缴纳。𠮷野家";
        view["name"] = "杭州欠费提醒（十一月）";
        view["script"] = script;
        view["dispositions"] = new JsonArray("已缴费", "承诺缴费", "有异议");

        // The whole view goes back, read-only members included; If-Match carries the ETag.
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/campaigns/{id}") { Content = Json(view.ToJsonString()) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        var response = await manager.SendAsync(put);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        var again = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
        Assert.Equal(script, again.GetProperty("script").GetString());
        Assert.Equal("杭州欠费提醒（十一月）", again.GetProperty("name").GetString());
        Assert.Equal("承诺缴费", again.GetProperty("dispositions")[1].GetString());
        Assert.Equal(2, again.GetProperty("version").GetInt32());

        // Stored as text, not \u escapes, in both the column and the JSON.
        var db = factory.Services.GetRequiredService<DbConnectionFactory>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        var row = await c.QuerySingleAsync<(string Name, string ConfigJson)>("SELECT name, config_json FROM campaigns WHERE id = @id", new { id });
        Assert.Equal("杭州欠费提醒（十一月）", row.Name);
        Assert.Contains("您好 {name}，这里是杭州电信 10000 号。", row.ConfigJson);
        Assert.Equal(script, JsonNode.Parse(row.ConfigJson)!["script"]!.GetValue<string>());
    }

    [ApiFact]
    public async Task PutIsOptimistic()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = (await CreateAsync(manager)).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await manager.PutAsync($"/api/campaigns/{id}", Json(With("name=\"first edit\"")))).StatusCode);

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/campaigns/{id}") { Content = Json(With("name=\"late edit\"")) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var staleHeader = await manager.SendAsync(stale);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleHeader.StatusCode);

        var staleBody = await manager.PutAsync($"/api/campaigns/{id}", Json(With("name=\"late edit\";version=1")));
        Assert.Equal(HttpStatusCode.Conflict, staleBody.StatusCode);
        Assert.Contains("version 2", (await ReadAsync(staleBody)).GetProperty("detail").GetString());

        var current = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
        Assert.Equal("first edit", current.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PutAsync("/api/campaigns/999999", Json(Example))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PutAsync($"/api/campaigns/{id}", Json(With("id=12345")))).StatusCode);
    }

    [ApiFact]
    public async Task ModeCannotChangeWhileRunningAndStoppedIsFinal()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = (await CreateAsync(manager)).GetProperty("id").GetInt64();
        await manager.PostAsync($"/api/campaigns/{id}/start", null);

        var modeChange = await manager.PutAsync($"/api/campaigns/{id}", Json(With("mode=\"progressive\"")));
        Assert.Equal(HttpStatusCode.Conflict, modeChange.StatusCode);
        Assert.Contains("pause it first", (await ReadAsync(modeChange)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await manager.PutAsync($"/api/campaigns/{id}", Json(With("maxAttempts=5")))).StatusCode);

        var typeChange = await manager.PutAsync($"/api/campaigns/{id}", Json(With("type=\"care\"")));
        Assert.Equal(HttpStatusCode.Conflict, typeChange.StatusCode);

        await manager.PostAsync($"/api/campaigns/{id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, (await manager.PutAsync($"/api/campaigns/{id}", Json(With("mode=\"progressive\";maxAttempts=5")))).StatusCode);

        await manager.PostAsync($"/api/campaigns/{id}/stop", null);
        var afterStop = await manager.PutAsync($"/api/campaigns/{id}", Json(With("mode=\"progressive\"")));
        Assert.Equal(HttpStatusCode.Conflict, afterStop.StatusCode);
        Assert.Contains("final", (await ReadAsync(afterStop)).GetProperty("detail").GetString());
        var final = await manager.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
        Assert.Equal(5, final.GetProperty("maxAttempts").GetInt32());
        Assert.Equal("progressive", final.GetProperty("mode").GetString());
        Assert.Equal("stopped", final.GetProperty("status").GetString());
    }

    [ApiFact]
    public async Task ListShowsStatusAndContactCounts()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var id = (await CreateAsync(manager, With("name=\"计数测试\""))).GetProperty("id").GetInt64();
        var (billing, _) = await factory.ClientWithRoleAsync("billing", id);
        await manager.PostAsync($"/api/campaigns/{id}/start", null);
        var batch = new
        {
            campaignId = id,
            reminders = new[]
            {
                new { accountId = "C1", phone = "13800000001", amountDue = 10m, currency = "CNY", dueDate = "2026-12-01", kind = "bill" },
                new { accountId = "C2", phone = "13800000002", amountDue = 20m, currency = "CNY", dueDate = "2026-12-01", kind = "bill" },
                new { accountId = "C3", phone = "12345", amountDue = 30m, currency = "CNY", dueDate = "2026-12-01", kind = "bill" },
            },
        };
        var post = new HttpRequestMessage(HttpMethod.Post, "/api/reminders") { Content = JsonContent.Create(batch) };
        post.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, (await billing.SendAsync(post)).StatusCode);

        // The engine finishes one contact.
        var db = factory.Services.GetRequiredService<DbConnectionFactory>();
        await using (var c = await db.OpenAsync(CancellationToken.None))
        {
            await c.ExecuteAsync("UPDATE contacts SET state = 'done' WHERE campaign_id = @id AND phone = '+8613800000001'", new { id });
        }

        var list = await manager.GetFromJsonAsync<JsonElement>("/api/campaigns");
        var mine = list.EnumerateArray().Single(e => e.GetProperty("id").GetInt64() == id);
        Assert.Equal("计数测试", mine.GetProperty("name").GetString());
        Assert.Equal("running", mine.GetProperty("status").GetString());
        Assert.Equal(2, mine.GetProperty("contacts").GetProperty("total").GetInt64());
        Assert.Equal(1, mine.GetProperty("contacts").GetProperty("dialable").GetInt64());
        Assert.Equal(1, mine.GetProperty("contacts").GetProperty("done").GetInt64());

        var running = await manager.GetFromJsonAsync<JsonElement>("/api/campaigns?status=running");
        Assert.All(running.EnumerateArray(), e => Assert.Equal("running", e.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync("/api/campaigns?status=sleeping")).StatusCode);
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class CampaignsApiTestsOnPostgres(PostgresApiFactory factory) : CampaignsApiTests(factory), IClassFixture<PostgresApiFactory>;
