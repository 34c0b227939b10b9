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
    [InlineData("你好，我是张伟，请问你是哪位？")]
    [InlineData("你好，这是刘家，请问找谁？")]
    public void ASlowMandarinSentenceOfAlmostFiveSecondsIsAPerson(string text)
    {
        // espeak-ng at 150 words a minute speaks these for 4.5–5 s: a person's answer the 4.5 s limit took for a greeting.
        var prompt = WavPrompt.Load(Speak(text, "cmn", 0.4, 4, "-s", "150"));

        var result = new MachineDetector().Analyze(prompt.Samples.Span);

        Assert.Equal(MachineVerdict.Human, result.Verdict);
        Assert.NotEqual(MachineVerdict.Human, new MachineDetector(new MachineDetectorSettings { MaxHumanGreeting = TimeSpan.FromMilliseconds(4000) }).Analyze(prompt.Samples.Span).Verdict);
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

    [Theory]
    [InlineData("Hello?", "en", 15)]
    [InlineData("Hello, who is this?", "en", 20)]
    [InlineData("喂，你好，哪位？", "cmn", 15)]
    public void APersonWithTalkInTheBackgroundIsAPerson(string text, string voice, int belowDb)
    {
        // A television or a busy room: two other voices talking from before the callee answers until after, belowDb
        // quieter than the callee. Heard as speech, they would make the greeting go on until it looked like a machine's.
        var callee = Speak(text, voice, 0.6, 4);
        var seconds = WavPrompt.Load(callee).Duration.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        var news = Speak("Good evening. Here is the news. The storm that crossed the coast last night left thousands of homes without power, and engineers expect repairs to take until the weekend.", "en-gb", 0, 0);
        var talk = Speak("各位观众晚上好，下面请看详细内容。今天上午，市政府召开新闻发布会，介绍了今年交通建设的最新进展和明年的计划。", "cmn", 0.3, 0);
        var background = TempPath("background.wav");
        Run("sox", "-m", news, talk, background, "trim", "0", seconds, "norm", "-3", "gain", $"-{belowDb}");
        var normalised = TempPath("callee.wav");
        Run("sox", callee, normalised, "norm", "-3");
        var mixed = TempPath("mixed.wav");
        Run("sox", "-m", "-v", "1", normalised, "-v", "1", background, mixed);

        var result = new MachineDetector().Analyze(WavPrompt.Load(mixed).Samples.Span);
        var unguarded = new MachineDetector(new MachineDetectorSettings { BackgroundBelowSpeech = 60 }).Analyze(WavPrompt.Load(mixed).Samples.Span);

        Assert.Equal((MachineVerdict.Human, "greeting-ended"), (result.Verdict, result.Cause));
        Assert.Equal(MachineVerdict.Machine, unguarded.Verdict);
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

    [Theory]
    [InlineData("synth 0.5 sine 1000")]
    [InlineData("synth 0.15 sine 1400 pad 0 0.15 repeat 1")]
    [InlineData("synth 0.6 square 440 gain -6")]
    [InlineData("synth 0.5 sine 1000 gain -25")]
    public void BeepsOfEveryKindAreHeard(string beep)
    {
        // A beep in the usual tones, two short ones, a square wave, one much quieter than the words, after "Leave a message."
        var words = WavPrompt.Load(Speak("Leave a message.", "en", 0.3, 0.1)).Samples.ToArray();
        var path = TempPath("beep.wav");
        Run("sox", ["-n", "-r", "8000", "-c", "1", "-b", "16", path, .. beep.Split(' '), "gain", "-6", "pad", "0", "2"]);

        var result = new MachineDetector().Analyze([.. words, .. WavPrompt.Load(path).Samples.ToArray()]);

        Assert.Equal((MachineVerdict.Machine, "tone"), (result.Verdict, result.Cause));
    }

    [Theory]
    [InlineData("Hello, who is this?", "en", "0.03")]
    [InlineData("喂，你好，哪位？", "cmn", "-0.05")]
    public void AQuietPersonOnALineWithAnOffsetIsAPerson(string text, string voice, string offset)
    {
        // A constant offset (an analogue gateway's, a sound card's) about as strong as a quiet voice: counted as sound,
        // its level hid the speech, and the call was dead air (a machine).
        var quiet = TempPath("quiet-offset.wav");
        Run("sox", Speak(text, voice, 0.4, 3), quiet, "norm", "-30", "dcshift", offset);

        var result = new MachineDetector().Analyze(WavPrompt.Load(quiet).Samples.Span);

        Assert.Equal((MachineVerdict.Human, "greeting-ended"), (result.Verdict, result.Cause));
    }

    [Theory]
    [InlineData("Hello, who is this?", "en", 50)]
    [InlineData("喂，你好，哪位？", "cmn", 60)]
    public void APersonOverMainsHumIsAPerson(string text, string voice, int hz)
    {
        // Mains hum about 12 dB under the voice: counted as sound it was the line's noise floor, the voice was never
        // 9 dB above it, and the call was dead air (a machine).
        var speech = TempPath("hum-voice.wav");
        Run("sox", Speak(text, voice, 0.4, 3), speech, "norm", "-3");
        var seconds = WavPrompt.Load(speech).Duration.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        var hum = TempPath("hum.wav");
        Run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", hum, "synth", seconds, "sine", $"{hz}", "vol", "0.2");
        var mixed = TempPath("hum-mixed.wav");
        Run("sox", "-m", "-v", "1", speech, "-v", "1", hum, mixed);

        var result = new MachineDetector().Analyze(WavPrompt.Load(mixed).Samples.Span);

        Assert.Equal((MachineVerdict.Human, "greeting-ended"), (result.Verdict, result.Cause));
    }

    [Fact]
    public void AClickAtTheAnswerIsNoGreeting()
    {
        // A click in the first samples (a filter's transient, the line connecting), 1.6 s of silence, then a long greeting:
        // the offset filter must not spread the click into a burst of speech that then ends in silence, a person's.
        var greeting = WavPrompt.Load(Speak("Hi, you have reached the voicemail of John Smith. I am not available to take your call right now. Please leave a message after the tone.", "en", 0, 1)).Samples.ToArray();
        short[] click = [-723, -887, -531, -608, -348, -319, -183, -74];

        var result = new MachineDetector().Analyze([.. click, .. new short[12800], .. greeting]);

        Assert.Equal((MachineVerdict.Machine, "long-greeting"), (result.Verdict, result.Cause));
    }

    [Fact]
    public void ABeepWithAnOffsetEndsTheWaitForIt()
    {
        // The voicemail drop's wait for the beep: the same offset hid the beep's zero crossings.
        var beep = TempPath("beep-offset.wav");
        Run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", beep, "synth", "0.4", "sine", "1000", "gain", "-20", "pad", "0.5", "1", "dcshift", "0.2");
        var detector = new BeepDetector(new MachineDetectorSettings().ToneLength);

        Assert.True(detector.Process(WavPrompt.Load(beep).Samples.Span));
    }

    [Fact]
    public void AHighVoiceThroughTheTelephoneBandIsNoTone()
    {
        // flite's slt saying "Anyone there?", band-passed to 300-3400 Hz as a line does: what is left of her voice at
        // 390 Hz is as pure and steady as a beep for 120 ms, and was taken for one.
        var raw = TempPath("slt.wav");
        Run("flite", "-voice", "slt", "-t", "Anyone there?", "-o", raw);
        var line = TempPath("slt-line.wav");
        Run("sox", raw, "-r", "8000", "-c", "1", "-b", "16", line, "sinc", "300-3400", "pad", "0.3", "3");

        var result = new MachineDetector().Analyze(WavPrompt.Load(line).Samples.Span);

        Assert.Equal((MachineVerdict.Human, "greeting-ended"), (result.Verdict, result.Cause));
    }

    [Fact]
    public void ATwoNoteBeepIsOneTone()
    {
        // "Leave a message." then a beep of two notes, 650 Hz then 810 Hz, 100 ms each: each shorter than a tone must be,
        // together one tone. Heard as two, the beep was speech and the call a person's.
        var words = WavPrompt.Load(Speak("Leave a message.", "en", 0.3, 0.3)).Samples.ToArray();
        var low = TempPath("note-650.wav");
        var high = TempPath("note-810.wav");
        Run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", low, "synth", "0.1", "sine", "650", "gain", "-8");
        Run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", high, "synth", "0.1", "sine", "810", "gain", "-8", "pad", "0", "2");

        var result = new MachineDetector().Analyze([.. words, .. WavPrompt.Load(low).Samples.ToArray(), .. WavPrompt.Load(high).Samples.ToArray()]);

        Assert.Equal((MachineVerdict.Machine, "tone"), (result.Verdict, result.Cause));
    }

    [Theory]
    [InlineData(440, 480, 0.0, "2 4")]
    [InlineData(400, 450, 0.3, "0.4 0.2 0.4 2")]
    [InlineData(450, 0, 0.0, "1 4")]
    public void RingingAfterTheAnswerIsAMachine(int hz, int withHz, double after, string cadence)
    {
        // A forwarded call still ringing after the answer (North American 440+480 Hz, British 400+450 Hz, Chinese 450 Hz),
        // then "Hello?": the greeting of a voicemail that is not a person's. Ringing from the first frame set the noise
        // floor on itself, and two frequencies are no pure tone: the ringing was a short greeting and the call a person's.
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var on = cadence.Split(' ').Select(x => double.Parse(x, invariant)).ToArray();
        var ring = new List<short>(new short[(int)(after * 8000)]);
        for (var i = 0; i < on.Length; i += 2)
        {
            var burst = TempPath($"ring-{hz}-{withHz}-{i}.wav");
            var seconds = on[i].ToString(invariant);
            string[] second = withHz > 0 ? ["synth", seconds, "sine", "mix", $"{withHz}"] : [];
            Run("sox", ["-n", "-r", "8000", "-c", "1", "-b", "16", burst, "synth", seconds, "sine", $"{hz}", .. second, "gain", "-12", "pad", "0", on[i + 1].ToString(invariant)]);
            ring.AddRange(WavPrompt.Load(burst).Samples.ToArray());
        }

        var hello = WavPrompt.Load(Speak("Hello?", "en", 0.2, 3)).Samples.ToArray();
        var detector = new MachineDetector();

        var result = detector.Analyze([.. ring, .. hello]);

        Assert.Equal((MachineVerdict.Machine, "tone"), (result.Verdict, result.Cause));
        Assert.True(result.Elapsed.TotalSeconds < after + on[0], $"decided at {result.Elapsed}");
        Assert.Equal(MachineVerdict.Human, new MachineDetector().Analyze(hello).Verdict);
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
    public void TheAmdCommandsOptionsSetTheDetectorsSettings()
    {
        var settings = Dialer.Worker.Cli.AmdCommand.Settings(["--max-greeting=4500", "--beep-after=2000", "--end-silence=800", "x.wav"]);

        Assert.Equal(TimeSpan.FromMilliseconds(4500), settings.MaxHumanGreeting);
        Assert.Equal(TimeSpan.FromMilliseconds(2000), settings.BeepAfterGreeting);
        Assert.Equal(TimeSpan.FromMilliseconds(800), settings.EndSilence);
        Assert.Equal(TimeSpan.FromMilliseconds(4000), new MachineDetectorSettings().BeepAfterGreeting);
        Assert.Contains("--beep-after is milliseconds", Assert.Throws<ArgumentException>(() => Dialer.Worker.Cli.AmdCommand.Settings(["--beep-after=soon"])).Message);
    }

    [Fact]
    public void TheAmdCommandPrintsAVerdictPerFileInAnyFormat()
    {
        // scripts/amd's program: PCM, µ-law, 16 kHz stereo, one JSON line each; an unreadable file says why; options change the verdict.
        var pcm = Speak("Hello, who is this?", "en", 0.4, 3);
        var ulaw = TempPath("hello-ulaw.wav");
        Run("sox", pcm, "-e", "u-law", ulaw);
        var stereo = TempPath("hello-16k-stereo.wav");
        Run("sox", pcm, "-r", "16000", "-c", "2", stereo);
        var missing = TempPath("missing.wav");
        var worker = Path.Combine(AppContext.BaseDirectory, "Dialer.Worker.dll");

        var lines = Run("dotnet", worker, "amd", pcm, ulaw, stereo, missing).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var strict = System.Text.Json.JsonDocument.Parse(Run("dotnet", worker, "amd", pcm, "--max-greeting=500")).RootElement;

        Assert.Equal(4, lines.Length);
        var verdicts = lines[..3].Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        foreach (var v in verdicts)
        {
            Assert.Equal(("human", "greeting-ended"), (v.GetProperty("verdict").GetString(), v.GetProperty("cause").GetString()));
            Assert.InRange(v.GetProperty("decidedMs").GetInt64() - v.GetProperty("greetingEndMs").GetInt64(), 880, 920);
            Assert.InRange(v.GetProperty("decidedMs").GetInt64(), verdicts[0].GetProperty("decidedMs").GetInt64() - 60, verdicts[0].GetProperty("decidedMs").GetInt64() + 60);
        }

        Assert.Equal(missing, System.Text.Json.JsonDocument.Parse(lines[3]).RootElement.GetProperty("file").GetString());
        Assert.True(System.Text.Json.JsonDocument.Parse(lines[3]).RootElement.TryGetProperty("error", out _));
        Assert.Equal(("machine", "long-greeting"), (strict.GetProperty("verdict").GetString(), strict.GetProperty("cause").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, strict.GetProperty("greetingEndMs").ValueKind);
        Assert.Contains("--background-below is dB", Assert.Throws<InvalidOperationException>(() => Run("dotnet", worker, "amd", pcm, "--background-below=loud")).Message);
    }

    [Fact]
    public void EveryKindOfClipAgainstTheReference()
    {
        // scripts/amd-clips makes two clips of every kind in each language (the tune set); scripts/bench-amd's figures.
        // Its 60 clips take about 12 s alone, several times that beside the rest of the suite on two cores.
        var dir = TempPath("amd-clips");
        Run(TimeSpan.FromMinutes(5), Path.Combine(Engine.WorkerAndBenchTests.RepoRoot(), "scripts", "amd-clips"), dir, "--set", "tune", "--per-kind", "2");

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
