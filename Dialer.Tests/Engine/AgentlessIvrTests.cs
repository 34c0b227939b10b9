using System.Text.Json;
using Dialer.Db.Model;
using Dialer.Worker.Clock;
using Dialer.Worker.Engine;
using Dialer.Worker.Pacing;
using Dialer.Worker.Simulation;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Engine;

/// <summary>
/// The agentless IVR through the real engine on a virtual clock: keys are pressed on the call as the carrier
/// reports them (ICallObserver.OnDtmf). Simulated prompts last 6 s; customers answer after 3 s, so the
/// message plays from 3 s to 9 s and the first question is asked from 9 s to 15 s.
/// </summary>
public sealed class AgentlessIvrTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);

    private static CampaignDefinition Survey(Func<CampaignDefinition, CampaignDefinition>? change = null)
    {
        var d = EngineHarness.Campaign(d => d with
        {
            Type = "survey",
            Mode = "agentless",
            Message = "您好，这里是客服中心的满意度回访。",
            TransferDigit = "0",
            SurveyQuestions =
            [
                new SurveyQuestion { Id = "q1", Text = "您对我们的服务满意吗？", Kind = "choice", Options = ["满意", "不满意"] },
                new SurveyQuestion { Id = "q2", Text = "请为我们打分，零到十分。", Kind = "number" },
            ],
        });
        return change is null ? d : change(d);
    }

    /// <summary>Everyone answers a live person after 3 s and presses nothing by themselves.</summary>
    private static SimulationProfile Silent(double talkSeconds = 60) => EngineHarness.Everyone("live", 3, talkSeconds) with { KeypressRate = 0 };

    private static async Task<(EngineHarness H, long Contact)> StartAsync(Tests.Db.TestDatabase db, CampaignDefinition definition, SimulationProfile profile,
        List<(double At, Prompt Prompt)>? played = null)
    {
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000001");
        VirtualTimeProvider? clock = null;
        var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, profile, new AgentlessPacer(),
            around: played is null ? null : inner => new PromptLog(inner, p => played.Add(((clock!.GetUtcNow() - Start).TotalSeconds, p))));
        clock = h.Clock;
        return (h, contact);
    }

    /// <summary>Runs the clock to <paramref name="seconds"/> after the start.</summary>
    private static void RunTo(EngineHarness h, double seconds) => h.Run(Start.AddSeconds(seconds) - h.Clock.GetUtcNow());

    /// <summary>The customer presses keys now and then every 200 ms; the clock stands 200 ms after the last.</summary>
    private static void Press(EngineHarness h, string keys)
    {
        var call = Assert.Single(h.Engine.Calls);
        foreach (var key in keys)
        {
            call.OnDtmf(call.Leg!, key);
            h.Run(TimeSpan.FromMilliseconds(200));
        }
    }

    private static async Task<Attempt> AttemptAsync(EngineHarness h) => Assert.Single(await h.QueryAsync<Attempt>(
        "SELECT outcome, survey_json AS SurveyJson, dtmf, notes, agent_id AS AgentId, agent_connected_at AS AgentConnectedAt, answered_at AS AnsweredAt, ended_at AS EndedAt, disposition FROM call_attempts"));

    private static Dictionary<string, string>? Answers(Attempt a) =>
        a.SurveyJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(a.SurveyJson);

    [Fact]
    public async Task SurveyAnswersAreRecordedForTheKeysPressed()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, contact) = await StartAsync(db, Survey(), Silent());

        RunTo(h, 11);
        Press(h, "2");
        RunTo(h, 13);
        Press(h, "42#");
        RunTo(h, 40);

        var a = await AttemptAsync(h);
        Assert.Equal("connected", a.Outcome);
        Assert.Equal(new Dictionary<string, string> { ["q1"] = "不满意", ["q2"] = "42" }, Answers(a));
        Assert.Equal("242#", a.Dtmf);
        Assert.Contains("不满意", a.SurveyJson);
        // Thanks (6 s) after the last answer at 13.4 s, then hung up.
        Assert.Equal(13_400 + 6_000 - 3_000, a.EndedAt - a.AnsweredAt);
        Assert.Equal(ContactState.Done, await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @contact", new { contact }));
    }

    [Fact]
    public async Task AQuestionWithNoAnswerIsAskedOnceMoreThenSkipped()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = Survey(d => d with { SurveyQuestions = [d.SurveyQuestions[0]] });
        var (h, _) = await StartAsync(db, definition, Silent());

        RunTo(h, 120);

        var a = await AttemptAsync(h);
        Assert.Equal("connected", a.Outcome);
        Assert.Null(a.SurveyJson);
        // Message 3-9 s, asked 9-15 s, 8 s wait, asked again 23-29 s, 8 s wait, thanks 37-43 s.
        Assert.Equal(40_000, a.EndedAt - a.AnsweredAt);
    }

    [Fact]
    public async Task AKeyPressedWhenTheQuestionIsAskedAgainAfterATimeoutCounts()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = Survey(d => d with { SurveyQuestions = [d.SurveyQuestions[0]] });
        var (h, _) = await StartAsync(db, definition, Silent());

        RunTo(h, 25);
        Press(h, "1");
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal(new Dictionary<string, string> { ["q1"] = "满意" }, Answers(a));
        Assert.Equal(25_000 + 6_000 - 3_000, a.EndedAt - a.AnsweredAt);
    }

    [Fact]
    public async Task AnInvalidKeyRepeatsTheQuestionOnceThenTheQuestionIsSkipped()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, _) = await StartAsync(db, Survey(), Silent());

        RunTo(h, 10);
        Press(h, "9"); // not an option: "输入有误" and the question again
        Press(h, "1");
        RunTo(h, 12);
        Press(h, "#"); // # before any digit: asked again
        Press(h, "#"); // again: skipped
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal(new Dictionary<string, string> { ["q1"] = "满意" }, Answers(a));
        Assert.Equal("91##", a.Dtmf);
        Assert.Equal(12_200 + 6_000 - 3_000, a.EndedAt - a.AnsweredAt);
    }

    [Fact]
    public async Task ANumberEndsWithHashOrAPauseAfterItsLastDigit()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = Survey(d => d with
        {
            SurveyQuestions = [d.SurveyQuestions[1], new SurveyQuestion { Id = "age", Text = "您的年龄？", Kind = "number" }],
        });
        var (h, _) = await StartAsync(db, definition, Silent());

        RunTo(h, 16);
        Press(h, "10#");
        RunTo(h, 18);
        Press(h, "35");
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal(new Dictionary<string, string> { ["q2"] = "10", ["age"] = "35" }, Answers(a));
        // "35" ends 3 s after the 5 (pressed at 18.2 s), then thanks.
        Assert.Equal(18_200 + 3_000 + 6_000 - 3_000, a.EndedAt - a.AnsweredAt);
    }

    [Fact]
    public async Task TheTransferDigitConnectsTheCallerToAReadyAgentAndKeepsTheAnswersGiven()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, contact) = await StartAsync(db, Survey(), Silent(talkSeconds: 30));
        var agent = await h.AddReadyAgentAsync("olga");

        RunTo(h, 10);
        Press(h, "1");
        RunTo(h, 11);
        Press(h, "0"); // first key of the number question: the transfer digit
        Assert.Equal(AgentState.OnCall, h.Engine.FindAgent(agent)!.State);
        RunTo(h, 11.2 + 30 + 1);
        Assert.Equal("wrap_up", await h.ScalarAsync<string>("SELECT state FROM agent_states WHERE agent_id = @agent", new { agent }));
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal("connected", a.Outcome);
        Assert.Equal(agent, a.AgentId);
        Assert.Equal(Start.AddSeconds(11).ToUnixTimeMilliseconds(), a.AgentConnectedAt);
        Assert.Equal("ivr_transfer", a.Notes);
        Assert.Equal("done", a.Disposition);
        // The agent's disposition had no survey: the caller's answer stays.
        Assert.Equal(new Dictionary<string, string> { ["q1"] = "满意" }, Answers(a));
        Assert.Equal("ready", await h.ScalarAsync<string>("SELECT state FROM agent_states WHERE agent_id = @agent", new { agent }));
        Assert.Equal(ContactState.Done, await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @contact", new { contact }));
    }

    [Fact]
    public async Task AnAgentWhoBecomesReadyWithinTwoSecondsTakesTheTransfer()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, _) = await StartAsync(db, Survey(), Silent(talkSeconds: 30));
        var agent = await h.AddReadyAgentAsync("pavel");
        h.Engine.Pause(agent, "break");

        RunTo(h, 5);
        Press(h, "0"); // during the message
        RunTo(h, 6.5);
        h.Engine.Ready(agent);
        RunTo(h, 90);

        var a = await AttemptAsync(h);
        Assert.Equal(agent, a.AgentId);
        Assert.Equal(Start.AddSeconds(6.5).ToUnixTimeMilliseconds(), a.AgentConnectedAt);
        Assert.Equal("ivr_transfer", a.Notes);
    }

    [Fact]
    public async Task WithNoAgentReadyTheTransferSaysSoHangsUpAndSchedulesACallbackOpenToAnyone()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, contact) = await StartAsync(db, Survey(), Silent());

        RunTo(h, 10);
        Press(h, "1");
        Press(h, "0"); // during the second question, before any digit
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal("connected", a.Outcome);
        Assert.Null(a.AgentId);
        Assert.Equal("ivr_transfer_no_agent", a.Notes);
        Assert.Equal(new Dictionary<string, string> { ["q1"] = "满意" }, Answers(a));
        // 2 s for an agent, then the 6 s message, then hung up.
        Assert.Equal(10_200 + 2_000 + 6_000 - 3_000, a.EndedAt - a.AnsweredAt);
        var c = Assert.Single(await h.QueryAsync<(string State, long Next, long? CallbackAt, long? CallbackAgent)>(
            "SELECT state, next_eligible_at, callback_at, callback_agent_id FROM contacts WHERE id = @contact", new { contact }));
        Assert.Equal(ContactState.Callback, c.State);
        Assert.Equal(a.EndedAt + (10 * 60_000), c.Next);
        Assert.Equal(c.Next, c.CallbackAt);
        Assert.Null(c.CallbackAgent);
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT COALESCE(SUM(abandoned), 0) FROM campaign_daily_stats"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithoutASurveyTheTransferDigitCountsUntilThreeSecondsAfterTheMessage(bool press)
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, _) = await StartAsync(db, Survey(d => d with { SurveyQuestions = [] }), Silent(talkSeconds: 20));
        var agent = await h.AddReadyAgentAsync("rosa");

        RunTo(h, 11);
        if (press)
        {
            Press(h, "0");
        }

        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal("connected", a.Outcome);
        if (press)
        {
            Assert.Equal(agent, a.AgentId);
            Assert.Equal(Start.AddSeconds(11).ToUnixTimeMilliseconds(), a.AgentConnectedAt);
        }
        else
        {
            // Message 3-9 s, then 3 s for the transfer digit.
            Assert.Null(a.AgentConnectedAt);
            Assert.Equal(9_000, a.EndedAt - a.AnsweredAt);
        }
    }

    [Fact]
    public async Task ACallbackTheCustomerAskedForGoesStraightToAReadyAgent()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = Survey();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000002", state: "callback", callbackAt: 0);
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, Silent(talkSeconds: 30), new AgentlessPacer());
        var agent = await h.AddReadyAgentAsync("quinn");

        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal(agent, a.AgentId);
        Assert.Equal(a.AnsweredAt, a.AgentConnectedAt);
        Assert.Equal("ivr_callback", a.Notes);
        Assert.Null(a.SurveyJson);
    }

    [Fact]
    public async Task HangingUpMidSurveyKeepsTheAnswersGivenSoFar()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, contact) = await StartAsync(db, Survey(), Silent());

        RunTo(h, 10);
        Press(h, "1");
        RunTo(h, 12);
        var call = Assert.Single(h.Engine.Calls);
        call.OnEnded(call.Leg!, new CallEnd(CallOutcome.Connected, 200, "BYE", HangupBy.Them));
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal("connected", a.Outcome);
        Assert.Equal(new Dictionary<string, string> { ["q1"] = "满意" }, Answers(a));
        Assert.Equal(9_000, a.EndedAt - a.AnsweredAt);
        Assert.Equal(ContactState.Done, await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @contact", new { contact }));
    }

    [Fact]
    public async Task AMachineGetsTheMessageOnly()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, _) = await StartAsync(db, Survey(), EngineHarness.Everyone("machine", 3));

        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal("machine", a.Outcome);
        Assert.Null(a.SurveyJson);
        Assert.Null(a.Dtmf);
        Assert.Equal(6_000, a.EndedAt - a.AnsweredAt);
    }

    [Fact]
    public async Task AMachineDetectedDuringTheMessageHearsItToTheEndAndNoSurvey()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, _) = await StartAsync(db, Survey(), Silent());

        RunTo(h, 5);
        var call = Assert.Single(h.Engine.Calls);
        call.OnMachineDetected(call.Leg!, true);
        Press(h, "1");
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal("machine", a.Outcome);
        Assert.Null(a.SurveyJson);
        Assert.Equal(6_000, a.EndedAt - a.AnsweredAt);
    }

    [Fact]
    public async Task AMachineVerdictAfterAKeypressIsIgnored()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, _) = await StartAsync(db, Survey(), Silent());

        RunTo(h, 10);
        Press(h, "1");
        var call = Assert.Single(h.Engine.Calls);
        call.OnMachineDetected(call.Leg!, true);
        RunTo(h, 12);
        Press(h, "7#");
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal("connected", a.Outcome);
        Assert.Equal(new Dictionary<string, string> { ["q1"] = "满意", ["q2"] = "7" }, Answers(a));
    }

    [Fact]
    public async Task SimulatedCustomersAnswerTheSurveyTheSameWayForTheSameSeed()
    {
        async Task<IReadOnlyList<string?>> RunAsync()
        {
            await using var db = await EngineHarness.DatabaseAsync();
            var definition = Survey();
            var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
            for (var i = 10; i < 40; i++)
            {
                await EngineHarness.AddContactAsync(db, campaignId, $"+155500000{i}");
            }

            await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 3), new AgentlessPacer(), seed: 7);
            h.Run(TimeSpan.FromMinutes(5));
            Assert.Equal(0, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE notes IS NOT NULL"));
            return await h.QueryAsync<string?>("SELECT survey_json FROM call_attempts ORDER BY contact_id");
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(30, first.Count);
        Assert.Equal(first, second);
        var answers = first.Where(j => j is not null).Select(j => JsonSerializer.Deserialize<Dictionary<string, string>>(j!)!).ToList();
        Assert.True(answers.Count >= 20, $"only {answers.Count} of 30 answered");
        Assert.All(answers.Where(a => a.ContainsKey("q1")), a => Assert.Contains(a["q1"], new[] { "满意", "不满意" }));
        Assert.All(answers.Where(a => a.ContainsKey("q2")), a => Assert.Matches("^[1-9][0-9]?$", a["q2"]));
        Assert.Contains(answers, a => a.ContainsKey("q2"));
    }

    [Fact]
    public void QuestionsAreSpokenWithTheirOptionsAndKeys()
    {
        var definition = Survey(d => d with
        {
            SurveyQuestions =
            [
                new SurveyQuestion { Id = "q1", Text = "您对服务满意吗？", Kind = "choice", Options = ["满意", "不满意"] },
                new SurveyQuestion { Id = "q2", Text = "是否续约？", Kind = "yesno" },
                new SurveyQuestion { Id = "q3", Text = "请打分。", Kind = "rating" },
                new SurveyQuestion { Id = "q4", Text = "备注", Kind = "text" },
                new SurveyQuestion { Id = "q5", Text = "推荐吗？", Kind = "choice", Options = ["会", "不会"], Keys = ["9", "8"] },
            ],
        });

        var questions = IvrScript.Questions(definition);

        Assert.Equal(["q1", "q2", "q3", "q5"], questions.Select(q => q.Id).ToArray());
        Assert.Equal("您对服务满意吗？ 按1 满意，按2 不满意。", questions[0].Text);
        Assert.Equal("是否续约？ 按1 是，按2 否。", questions[1].Text);
        Assert.Equal("请打分。 请按1到5打分。", questions[2].Text);
        Assert.Equal("5", questions[2].Choices['5']);
        Assert.Equal("推荐吗？ 按9 会，按8 不会。", questions[3].Text);
        Assert.Equal("98", questions[3].AnswerKeys);

        var english = IvrScript.Questions(definition with
        {
            Message = "Hello",
            SurveyQuestions = [new SurveyQuestion { Id = "q", Text = "Happy?", Kind = "yesno" }],
        });
        Assert.Equal("Happy? Press 1 for yes, press 2 for no.", english[0].Text);
    }

    [Fact]
    public async Task AQuestionWithARecordingPlaysItInsteadOfItsTextAndTheFixedPhrasesPlayTheirs()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var played = new List<(double At, Prompt Prompt)>();
        var definition = Survey(d => d with
        {
            IvrThankYouWav = "prompts/thanks.wav",
            IvrInvalidKeyWav = "prompts/invalid.wav",
            SurveyQuestions = [d.SurveyQuestions[0] with { Wav = "prompts/q1.wav" }],
        });
        var (h, _) = await StartAsync(db, definition, Silent(), played);

        RunTo(h, 10);
        Press(h, "9"); // not an option: the invalid-key recording, then the question's recording
        RunTo(h, 17);
        Press(h, "2");
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal(new Dictionary<string, string> { ["q1"] = "不满意" }, Answers(a));
        Assert.Equal(
            [(3.0, (string?)null), (9, "prompts/q1.wav"), (10, "prompts/invalid.wav"), (16, "prompts/q1.wav"), (17, "prompts/thanks.wav")],
            played.Select(p => (Math.Round(p.At, 1), p.Prompt.WavPath)).ToArray());
        // The text stays with the recording: spoken if the file cannot be played, and the export's heading.
        Assert.StartsWith("您对我们的服务满意吗？ 按1 满意", played[1].Prompt.Text);
        Assert.Equal("12", played[1].Prompt.AnswerKeys);
        Assert.Null(played[2].Prompt.AnswerKeys);
        Assert.Equal("12", played[3].Prompt.AnswerKeys);
        Assert.Equal(17_000 + 6_000 - 3_000, a.EndedAt - a.AnsweredAt);
    }

    [Fact]
    public async Task WithoutRecordingsTheQuestionsAndPhrasesAreText()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var played = new List<(double At, Prompt Prompt)>();
        var (h, _) = await StartAsync(db, Survey(d => d with { SurveyQuestions = [d.SurveyQuestions[0]] }), Silent(), played);

        RunTo(h, 10);
        Press(h, "9");
        Press(h, "1");
        RunTo(h, 60);

        Assert.All(played, p => Assert.Null(p.Prompt.WavPath));
        Assert.Equal(["您好，这里是客服中心的满意度回访。", "您对我们的服务满意吗？ 按1 满意，按2 不满意。", "输入有误。 您对我们的服务满意吗？ 按1 满意，按2 不满意。", "感谢您的参与，再见。"],
            played.Select(p => p.Prompt.Text ?? "").ToArray());
    }

    [Fact]
    public async Task WithNoAgentReadyTheNoAgentRecordingIsPlayed()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var played = new List<(double At, Prompt Prompt)>();
        var (h, _) = await StartAsync(db, Survey(d => d with { IvrNoAgentWav = "prompts/no-agent.wav" }), Silent(), played);

        RunTo(h, 5);
        Press(h, "0");
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal("ivr_transfer_no_agent", a.Notes);
        Assert.Equal((7.0, "prompts/no-agent.wav"), (Math.Round(played[^1].At, 1), played[^1].Prompt.WavPath));
        Assert.Contains("没有空闲的客服", played[^1].Prompt.Text);
    }

    [Fact]
    public async Task StarRepeatsTheQuestionWithoutUsingUpItsOneRepeat()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var played = new List<(double At, Prompt Prompt)>();
        var (h, _) = await StartAsync(db, Survey(d => d with { SurveyQuestions = [d.SurveyQuestions[0]] }), Silent(), played);

        RunTo(h, 10);
        Press(h, "*"); // asked again at once, not "输入有误"
        RunTo(h, 120);

        var a = await AttemptAsync(h);
        Assert.Null(a.SurveyJson);
        Assert.Equal("*", a.Dtmf);
        Assert.DoesNotContain(played, p => p.Prompt.Text!.Contains("输入有误", StringComparison.Ordinal));
        // Asked 9 s, again on * at 10-16 s, 8 s wait, the one repeat 24-30 s, 8 s wait, thanks 38-44 s.
        Assert.Equal([3.0, 9, 10, 24, 38], played.Select(p => Math.Round(p.At, 1)).ToArray());
        Assert.Equal(41_000, a.EndedAt - a.AnsweredAt);
    }

    [Fact]
    public async Task StarRepeatsANumberQuestionAndForgetsTheDigitsEntered()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, _) = await StartAsync(db, Survey(d => d with { SurveyQuestions = [d.SurveyQuestions[1]] }), Silent());

        RunTo(h, 10);
        Press(h, "4*"); // 4, then the question again
        Press(h, "*"); // and again: still no invalid key, no repeat used up
        Press(h, "7#");
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal(new Dictionary<string, string> { ["q2"] = "7" }, Answers(a));
        Assert.Equal("4**7#", a.Dtmf);
    }

    [Fact]
    public async Task StarAnswersAQuestionWhoseOptionKeysIncludeIt()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = Survey(d => d with
        {
            SurveyQuestions = [new SurveyQuestion { Id = "q1", Text = "您满意吗？", Kind = "choice", Options = ["满意", "不满意"], Keys = ["*", "#"] }],
        });
        var (h, _) = await StartAsync(db, definition, Silent());

        RunTo(h, 10);
        Press(h, "*");
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal(new Dictionary<string, string> { ["q1"] = "满意" }, Answers(a));
    }

    [Fact]
    public async Task StarAsTheTransferDigitTransfersInsteadOfRepeating()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, _) = await StartAsync(db, Survey(d => d with { TransferDigit = "*" }), Silent(talkSeconds: 30));
        var agent = await h.AddReadyAgentAsync("sven");

        RunTo(h, 10);
        Press(h, "*");
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal(agent, a.AgentId);
        Assert.Equal("ivr_transfer", a.Notes);
    }

    [Fact]
    public async Task TheAnswerTimeoutIsTheCampaignsIvrAnswerSeconds()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = Survey(d => d with { IvrAnswerSeconds = 5, SurveyQuestions = [d.SurveyQuestions[0]] });
        var (h, _) = await StartAsync(db, definition, Silent());

        RunTo(h, 120);

        var a = await AttemptAsync(h);
        Assert.Null(a.SurveyJson);
        // Message 3-9 s, asked 9-15 s, 5 s wait, asked again 20-26 s, 5 s wait, thanks 31-37 s.
        Assert.Equal(34_000, a.EndedAt - a.AnsweredAt);
    }

    [Fact]
    public async Task ANumberEndsAfterTheCampaignsIvrDigitSeconds()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = Survey(d => d with { IvrDigitSeconds = 1, SurveyQuestions = [d.SurveyQuestions[1]] });
        var (h, _) = await StartAsync(db, definition, Silent());

        RunTo(h, 16);
        Press(h, "35");
        RunTo(h, 60);

        var a = await AttemptAsync(h);
        Assert.Equal(new Dictionary<string, string> { ["q2"] = "35" }, Answers(a));
        // The 5 at 16.2 s, 1 s later the number is complete, then thanks.
        Assert.Equal(16_200 + 1_000 + 6_000 - 3_000, a.EndedAt - a.AnsweredAt);
    }

    /// <summary>A carrier whose legs report every prompt played to <paramref name="played"/>.</summary>
    internal sealed class PromptLog(ITelephony inner, Action<Prompt> played) : ITelephony
    {
        public string Name => inner.Name;

        public ICallLeg Dial(DialRequest request, ICallObserver observer) => new Leg(inner.Dial(request, observer), played);

        public ICallLeg OpenAgentLeg(AgentLegRequest request, ICallObserver observer) => inner.OpenAgentLeg(request, observer);

        private sealed class Leg(ICallLeg inner, Action<Prompt> played) : ICallLeg
        {
            public string Id => inner.Id;

            public void Hangup() => inner.Hangup();

            public void Bridge(ICallLeg other) => inner.Bridge(other);

            public void Unbridge() => inner.Unbridge();

            public void Hold(bool on) => inner.Hold(on);

            public void Mute(bool on) => inner.Mute(on);

            public void Play(Prompt prompt, Action? then = null)
            {
                played(prompt);
                inner.Play(prompt, then);
            }

            public void StopPlayback() => inner.StopPlayback();

            public void SendDtmf(string digits) => inner.SendDtmf(digits);

            public void AwaitBeep(TimeSpan giveUp, Action<bool> then) => inner.AwaitBeep(giveUp, then);
        }
    }

    private sealed record Attempt(string Outcome, string? SurveyJson, string? Dtmf, string? Notes, long? AgentId, long? AgentConnectedAt,
        long AnsweredAt, long EndedAt, string? Disposition);
}
