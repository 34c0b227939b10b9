using Dialer.Worker.Cli;
using Dialer.Worker.Media;
using static Dialer.Tests.Media.ExternalTool;
using static Dialer.Tests.Media.MediaTestKit;

namespace Dialer.Tests.Media;

public class MachineDetectorTests
{
    [Theory]
    [InlineData("Hello?", "en")]
    [InlineData("Yes?", "en")]
    [InlineData("喂？", "cmn")]
    [InlineData("Hello, who is this?", "en")]
    [InlineData("喂，你好，哪位？", "cmn")]
    [InlineData("喂，你好，边位呀？", "yue")]
    public void AGreetingThenSilenceIsAPerson(string text, string voice)
    {
        var prompt = WavPrompt.Load(Speak(text, voice, 0.4, 3));

        var result = new MachineDetector().Analyze(prompt.Samples.Span);

        Assert.Equal(MachineVerdict.Human, result.Verdict);
        Assert.Equal("greeting-ended", result.Cause);
        Assert.NotNull(result.GreetingEnd);
        Assert.Equal(new MachineDetectorSettings().EndSilence.TotalMilliseconds, (result.Elapsed - result.GreetingEnd!.Value).TotalMilliseconds, 20.0);
    }

    [Theory]
    [InlineData("Yes, hello, who's calling?", "en")]
    [InlineData("喂，你好，请问你找谁？", "cmn")]
    public void TheReferenceCallsAPersonWhoAnswersWithASentenceAMachine(string text, string voice)
    {
        // Issue 10: the Asterisk-style detector counted anyone saying three words or more as a machine.
        var prompt = WavPrompt.Load(Speak(text, voice, 0.4, 3));

        Assert.Equal(MachineVerdict.Machine, new AsteriskMachineDetector().Analyze(prompt.Samples.Span).Verdict);
        Assert.Equal(MachineVerdict.Human, new MachineDetector().Analyze(prompt.Samples.Span).Verdict);
    }

    [Theory]
    [InlineData("Hi, you have reached the voicemail of John Smith. I am not available to take your call right now. Please leave a message after the tone.", "en")]
    [InlineData("您好，您拨打的用户暂时无法接通，请在提示音后留言，留言结束请挂机。", "cmn")]
    public void ALongGreetingIsAMachineBeforeItEnds(string text, string voice)
    {
        var prompt = WavPrompt.Load(Speak(text, voice, 0.3, 1));

        var result = new MachineDetector().Analyze(prompt.Samples.Span);

        Assert.Equal(MachineVerdict.Machine, result.Verdict);
        Assert.Equal("long-greeting", result.Cause);
        Assert.True(result.Elapsed < prompt.Duration - TimeSpan.FromSeconds(1), $"decided at {result.Elapsed} of {prompt.Duration}");
    }

    [Fact]
    public void ABeepIsAMachine()
    {
        var path = TempPath("beep.wav");
        Run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", path, "synth", "0.5", "sine", "1000", "gain", "-10", "pad", "0.3", "2");

        var result = new MachineDetector().Analyze(WavPrompt.Load(path).Samples.Span);

        Assert.Equal(MachineVerdict.Machine, result.Verdict);
        Assert.Equal("tone", result.Cause);
    }

    [Fact]
    public void ABeepSoonAfterAShortGreetingRevisesThePersonsVerdict()
    {
        // "Leave a message." then, a second later, the beep: first taken for a person, then a machine.
        var words = WavPrompt.Load(Speak("Leave a message.", "en", 0.3, 1.0)).Samples.ToArray();
        var beep = TempPath("beep.wav");
        Run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", beep, "synth", "0.5", "sine", "1000", "gain", "-10", "pad", "0", "2");
        var detector = new MachineDetector();

        var result = detector.Analyze([.. words, .. WavPrompt.Load(beep).Samples.ToArray()]);

        Assert.Equal(MachineVerdict.Human, detector.Result!.Verdict);
        Assert.Equal((MachineVerdict.Machine, "beep-after-greeting"), (result.Verdict, result.Cause));
        Assert.True(result.Elapsed > detector.Result.Elapsed);
    }

    [Fact]
    public void DeadAirIsAMachineByInitialSilence()
    {
        var result = new MachineDetector().Analyze(new short[8000 * 5]);

        Assert.Equal(MachineVerdict.Machine, result.Verdict);
        Assert.Equal("initial-silence", result.Cause);
        Assert.Equal(new MachineDetectorSettings().InitialSilence, result.Elapsed);
    }

    [Fact]
    public void ACampaignsSettingsChangeTheVerdict()
    {
        // "Hello? … hello?" with 1.5 s between: a person with the default end silence, not with 2 s.
        var hello = WavPrompt.Load(Speak("Hello?", "en", 0.3, 1.5)).Samples.ToArray();
        var twice = hello.Concat(hello).Concat(new short[8000 * 3]).ToArray();
        var settings = new Dialer.Db.Model.MachineDetectionSettings();

        Assert.Equal(MachineVerdict.Human, new MachineDetector(MachineDetector.Settings(settings)).Analyze(twice).Verdict);
        Assert.NotEqual(MachineVerdict.Human, new MachineDetector(MachineDetector.Settings(settings with { EndSilenceMs = 2500, MaxGreetingMs = 2000 })).Analyze(twice).Verdict);
    }

    [Fact]
    public void EveryKindOfClipAgainstTheReference()
    {
        // scripts/amd-clips makes two clips of every kind in each language (the tune set); scripts/bench-amd's figures.
        var dir = TempPath("amd-clips");
        Run(Path.Combine(Engine.WorkerAndBenchTests.RepoRoot(), "scripts", "amd-clips"), dir, "--set", "tune", "--per-kind", "2");

        var report = AmdBench.Run(dir, new MachineDetectorSettings());

        Assert.Equal(60, report.Ours.Clips);
        Assert.True(report.Ours.Accuracy >= 0.9, string.Join("\n", report.Ours.Wrong));
        Assert.True(report.Ours.ByKind["human-sentence"] >= 0.8, string.Join("\n", report.Ours.Wrong));
        Assert.True(report.Reference.ByKind["human-sentence"] < 0.75, "the reference was expected to call people answering with a sentence machines");
        Assert.True(report.Ours.Accuracy > report.Reference.Accuracy);
        Assert.True(report.Ours.WorstHumanDelayMs <= 1000, $"a person decided {report.Ours.WorstHumanDelayMs} ms after the greeting");
        Assert.Contains("asterisk-style", report.Table());
    }

    [Fact]
    public async Task DetectsAHumanOnALiveSession()
    {
        var hello = WavPrompt.Load(Speak("Hello?", "en", 0.2, 0));
        await using var customer = Open();
        await using var dialer = Open();
        Connect(customer, dialer, MediaFormat.Pcmu);
        var verdict = new TaskCompletionSource<MachineDetection>();

        dialer.StartMachineDetection(verdict.SetResult);
        customer.Play(hello);
        var result = await verdict.Task.WaitAsync(Bound);

        Assert.Equal(MachineVerdict.Human, result.Verdict);
    }
}
