using System.Collections.Concurrent;
using System.Diagnostics;
using Dialer.Db.Model;
using Dialer.Tests.Engine;
using Dialer.Tests.Media;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Media;
using Dialer.Worker.Pacing;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Sip;

/// <summary>
/// The agentless IVR over real SIP: sipp plays the trunk and answers the survey with RFC 4733 DTMF 0.8 s after
/// the answer, while the question is being asked (barge-in). sipp echoes our audio, so the key has to come
/// before machine detection would take the spoken question for a machine's long greeting (1.5 s).
/// </summary>
public class SippIvrTests
{
    /// <param name="recordings">
    /// none: the question and the thanks are text; recorded: both are WAV files; missing: both name WAV files
    /// that do not exist, so their text is spoken instead.
    /// </param>
    [Theory]
    [InlineData("none")]
    [InlineData("recorded")]
    [InlineData("missing")]
    public async Task ASurveyAnsweredWithRfc4733DtmfIsStoredAndTheCallEndsWithOurBye(string recordings)
    {
        await using var sipp = await SippPeer.StartAsync("uas_answer_pause_dtmf.xml",
            fill: new Dictionary<string, string> { ["PCAP"] = "/usr/share/sip-tester/dtmf_2833_1.pcap", ["PAUSE"] = "800" });
        // The prompts live in the media folder and the campaign names them relative to it.
        var folder = Directory.CreateTempSubdirectory("ivr-").FullName;
        await using var ours = new SipTestStack(sipp.Port, mediaFolder: folder);
        var message = Path.Combine(folder, "message.wav");
        foreach (var file in recordings == "recorded" ? [message, Path.Combine(folder, "q1.wav"), Path.Combine(folder, "thanks.wav")] : new[] { message })
        {
            using var wav = new WavWriter(file);
            wav.Write(WavPrompt.Silence(TimeSpan.FromMilliseconds(300)).Samples.Span);
        }

        string? Recording(string name) => recordings == "none" ? null : name;

        // A short recorded message (silence, echoed back harmlessly); the question and the thanks are text (spoken by
        // espeak-ng when installed) or recordings of silence too.
        await SurveyIsAnsweredWithKeyOneAsync(ours, sipp, Recording("thanks.wav"), Recording("q1.wav"));
    }

    /// <summary>
    /// A trunk that offers no telephone-event: the customer's key reaches us only as a tone in the µ-law audio sipp
    /// streams (made by sox: a short 50 ms press 2.5 s after the answer, while the question is asked), and the in-band detector hears it.
    /// </summary>
    [Fact]
    public async Task ASurveyAnsweredWithAnInBandToneIsStored()
    {
        var folder = Directory.CreateTempSubdirectory("ivr-inband-").FullName;
        var sippFolder = Directory.CreateTempSubdirectory("ivr-inband-sipp-").FullName;
        var both = Path.Combine(sippFolder, "key-two-channels.wav");
        var keys = Path.Combine(sippFolder, "keys.wav");
        ExternalTool.Run("sox", "-n", "-r", "8000", "-c", "2", "-b", "16", both, "synth", "0.05", "sine", "697", "sine", "1209");
        ExternalTool.Run("sox", both, "-c", "1", "-e", "mu-law", keys, "gain", "-12", "pad", "2.5", "3");
        await using var sipp = await SippPeer.StartAsync("uas_answer_inband_dtmf.xml", fill: new Dictionary<string, string> { ["WAV"] = keys }, echo: false);
        await using var ours = new SipTestStack(sipp.Port, mediaFolder: folder);
        using (var wav = new WavWriter(Path.Combine(folder, "message.wav")))
        {
            wav.Write(WavPrompt.Silence(TimeSpan.FromMilliseconds(300)).Samples.Span);
        }

        await SurveyIsAnsweredWithKeyOneAsync(ours, sipp);
    }

    /// <summary>
    /// Runs an agentless campaign of one question (满意 / 不满意) after message.wav, through <paramref name="ours"/> to
    /// <paramref name="sipp"/>, which presses 1: the call is connected, the key and the answer are stored, sipp is content.
    /// </summary>
    private static async Task SurveyIsAnsweredWithKeyOneAsync(SipTestStack ours, SippPeer sipp, string? thanksWav = null, string? questionWav = null)
    {
        var events = new ConcurrentQueue<Action>();
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with
        {
            Type = "survey",
            Mode = "agentless",
            MessageWav = "message.wav",
            IvrThankYouWav = thanksWav,
            SurveyQuestions = [new SurveyQuestion { Id = "q1", Text = "您对我们的服务满意吗？", Kind = "choice", Options = ["满意", "不满意"], Wav = questionWav }],
        });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+8613800000001");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, DateTimeOffset.UtcNow, EngineHarness.Everyone("live"),
            new AgentlessPacer(), telephony: new OnTestThread(ours.Telephony, events));

        await OnTestThread.RunUntilAsync(
            h, events, async () => await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE ended_at IS NOT NULL") > 0, TimeSpan.FromSeconds(20));

        var (outcome, survey, dtmf) = Assert.Single(await h.QueryAsync<(string, string?, string?)>("SELECT outcome, survey_json, dtmf FROM call_attempts"));
        Assert.Equal("connected", outcome);
        Assert.Equal("1", dtmf);
        Assert.Equal("""{"q1":"满意"}""", survey);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    /// <summary>A carrier whose reports (call events, prompt ends) are queued for the thread that runs the engine's virtual clock.</summary>
    internal sealed class OnTestThread(ITelephony inner, ConcurrentQueue<Action> events) : ITelephony
    {
        public string Name => inner.Name;

        /// <summary>
        /// Runs the engine's virtual clock along the wall clock, handing it on the test's thread what the stack reported on
        /// its own threads (the clock is not shared), until <paramref name="done"/> or <paramref name="within"/> is up.
        /// </summary>
        public static async Task RunUntilAsync(EngineHarness h, ConcurrentQueue<Action> events, Func<Task<bool>> done, TimeSpan within)
        {
            var watch = Stopwatch.StartNew();
            var ended = false;
            while (!ended && watch.Elapsed < within)
            {
                await Task.Delay(20);
                while (events.TryDequeue(out var report))
                {
                    report();
                }

                h.Run(TimeSpan.FromMilliseconds(20));
                ended = await done();
            }
        }

        public ICallLeg Dial(DialRequest request, ICallObserver observer) => new Leg(inner.Dial(request, new Observer(observer, events)), events);

        public ICallLeg OpenAgentLeg(AgentLegRequest request, ICallObserver observer) =>
            new Leg(inner.OpenAgentLeg(request, new Observer(observer, events)), events);

        private sealed class Observer(ICallObserver inner, ConcurrentQueue<Action> events) : ICallObserver
        {
            public void OnRinging(ICallLeg leg) => events.Enqueue(() => inner.OnRinging(leg));

            public void OnAnswered(ICallLeg leg, CallAnswer answer) => events.Enqueue(() => inner.OnAnswered(leg, answer));

            public void OnMachineDetected(ICallLeg leg, bool isMachine) => events.Enqueue(() => inner.OnMachineDetected(leg, isMachine));

            public void OnDtmf(ICallLeg leg, char digit) => events.Enqueue(() => inner.OnDtmf(leg, digit));

            public void OnEnded(ICallLeg leg, CallEnd end) => events.Enqueue(() => inner.OnEnded(leg, end));
        }

        private sealed class Leg(ICallLeg inner, ConcurrentQueue<Action> events) : ICallLeg
        {
            public ICallLeg Inner => inner;

            public string Id => inner.Id;

            public void Hangup() => inner.Hangup();

            public void Bridge(ICallLeg other) => inner.Bridge(other is Leg leg ? leg.Inner : other);

            public void Unbridge() => inner.Unbridge();

            public void Hold(bool on) => inner.Hold(on);

            public void Mute(bool on) => inner.Mute(on);

            public void Play(Prompt prompt, Action? then = null) => inner.Play(prompt, then is null ? null : () => events.Enqueue(then));

            public void StopPlayback() => inner.StopPlayback();

            public void SendDtmf(string digits) => inner.SendDtmf(digits);

            public void AwaitBeep(TimeSpan giveUp, Action<bool> then) => inner.AwaitBeep(giveUp, heard => events.Enqueue(() => then(heard)));
        }
    }
}
