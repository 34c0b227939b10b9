using System.Diagnostics;
using Dialer.Db.Model;
using Dialer.Tests.Engine;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Pacing;

namespace Dialer.Tests.Sip;

/// <summary>The agentless IVR over real SIP: sipp plays the trunk and answers the survey with RFC 4733 DTMF.</summary>
public class SippIvrTests
{
    [Fact]
    public async Task ASurveyAnsweredWithRfc4733DtmfIsStoredAndTheCallEndsWithOurBye()
    {
        await using var sipp = await SippPeer.StartAsync("uas_answer_pause_dtmf.xml",
            fill: new Dictionary<string, string> { ["PCAP"] = "/usr/share/sip-tester/dtmf_2833_1.pcap", ["PAUSE"] = "1500" });
        await using var ours = new SipTestStack(sipp.Port);
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with
        {
            Type = "survey",
            Mode = "agentless",
            Message = "您好，这里是客服中心的满意度回访。",
            SurveyQuestions = [new SurveyQuestion { Id = "q1", Text = "您对我们的服务满意吗？", Kind = "choice", Options = ["满意", "不满意"] }],
        });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+8613800000001");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, DateTimeOffset.UtcNow, EngineHarness.Everyone("live"),
            new AgentlessPacer(), telephony: ours.Telephony);

        // The engine's virtual clock follows the wall clock while the SIP stack runs on its own.
        var watch = Stopwatch.StartNew();
        var ended = false;
        while (!ended && watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
            h.Run(TimeSpan.FromMilliseconds(20));
            ended = await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE ended_at IS NOT NULL") > 0;
        }

        var (outcome, survey, dtmf) = Assert.Single(await h.QueryAsync<(string, string?, string?)>("SELECT outcome, survey_json, dtmf FROM call_attempts"));
        Assert.Equal("connected", outcome);
        Assert.Equal("1", dtmf);
        Assert.Equal("""{"q1":"满意"}""", survey);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }
}
