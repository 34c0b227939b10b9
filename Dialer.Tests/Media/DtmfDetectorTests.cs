using Dialer.Worker.Media;

namespace Dialer.Tests.Media;

public class DtmfDetectorTests
{
    private static short[] Keys(string keys, int toneMs = 80, int gapMs = 60, double amplitude = 6000, int seed = 1)
    {
        var random = new Random(seed);
        var samples = new List<short>();
        foreach (var key in keys)
        {
            var (low, high) = ToneGenerator.DtmfFrequencies(key)!.Value;
            var tone = new short[toneMs * 8];
            ToneGenerator.FillDual(tone, low, high, amplitude, random.Next(0, 1000));
            samples.AddRange(tone);
            samples.AddRange(new short[gapMs * 8]);
        }

        // Some noise over everything.
        return samples.Select(s => (short)Math.Clamp(s + random.Next(-100, 101), short.MinValue, short.MaxValue)).ToArray();
    }

    [Fact]
    public void FindsEverySixteenKeys() =>
        Assert.Equal("123A456B789C*0#D", DtmfDetector.DetectAll(Keys("123A456B789C*0#D")));

    [Fact]
    public void RepeatedKeysNeedAPauseBetweenThem() =>
        Assert.Equal("11", DtmfDetector.DetectAll(Keys("11")));

    [Fact]
    public void QuietOrShortTonesAreIgnored()
    {
        Assert.Equal("", DtmfDetector.DetectAll(Keys("5", amplitude: 60)));
        Assert.Equal("", DtmfDetector.DetectAll(Keys("5", toneMs: 20)));
    }

    [Theory]
    [InlineData("Hello, this is a test of the dialer. Please say one two three four five six seven eight nine.", "en")]
    [InlineData("您好，这里是客服中心，请问您现在方便说话吗？一二三四五六七八九零。", "cmn")]
    public void SpeechDoesNotTalkOff(string text, string voice)
    {
        var speech = WavPrompt.Load(ExternalTool.Speak(text, voice, 0.1, 0.1));

        Assert.Equal("", DtmfDetector.DetectAll(speech.Samples.Span));
    }

    [Fact]
    public void SingleToneIsNotAKey()
    {
        var tone = WavPrompt.Tone(1209, TimeSpan.FromMilliseconds(300));

        Assert.Equal("", DtmfDetector.DetectAll(tone.Samples.Span));
    }

    // The cases below make their tones here, independently of the product's ToneGenerator: two sines at a level in
    // dBm0 (0 dBm0 is a sine 3.17 dB under G.711's full scale), random phases, optional frequency offsets, white
    // noise and a G.711 round trip, after a lead of silence that moves the tones across the detector's blocks.
    private const string Sequence = "1234567890*#";

    private sealed record Press(
        int ToneMs = 80, int GapMs = 80, double LowDbm0 = -10, double HighDbm0 = -10, double LowOffset = 0, double HighOffset = 0,
        double SnrDb = double.PositiveInfinity, G711Law? Law = null);

    private static short[] Presses(string keys, Press press, int leadSamples, int seed = 7)
    {
        var random = new Random(seed);
        var x = new List<double>(new double[leadSamples]);
        foreach (var key in keys)
        {
            var row = "123A456B789C*0#D".IndexOf(key, StringComparison.Ordinal) / 4;
            var column = "123A456B789C*0#D".IndexOf(key, StringComparison.Ordinal) % 4;
            var low = new[] { 697.0, 770, 852, 941 }[row] * (1 + press.LowOffset);
            var high = new[] { 1209.0, 1336, 1477, 1633 }[column] * (1 + press.HighOffset);
            double lowPhase = random.NextDouble() * 2 * Math.PI, highPhase = random.NextDouble() * 2 * Math.PI;
            for (var n = 0; n < press.ToneMs * 8; n++)
            {
                x.Add((Peak(press.LowDbm0) * Math.Sin((2 * Math.PI * low * n / 8000) + lowPhase))
                    + (Peak(press.HighDbm0) * Math.Sin((2 * Math.PI * high * n / 8000) + highPhase)));
            }

            x.AddRange(new double[press.GapMs * 8]);
        }

        x.AddRange(new double[400]);
        var sigma = Math.Sqrt(((Peak(press.LowDbm0) * Peak(press.LowDbm0)) + (Peak(press.HighDbm0) * Peak(press.HighDbm0))) / 2) / Math.Pow(10, press.SnrDb / 20);
        var samples = x.Select(v => (short)Math.Clamp(Math.Round(v + (sigma * Gaussian(random))), short.MinValue, short.MaxValue)).ToArray();
        if (press.Law is { } law)
        {
            var codes = new byte[samples.Length];
            G711.Encode(law, samples, codes);
            G711.Decode(law, codes, samples);
        }

        return samples;
    }

    private static double Peak(double dbm0) => 32767 / Math.Pow(10, 3.17 / 20) * Math.Pow(10, dbm0 / 20);

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Leads of 0 to 101 samples: every position of the tones against the detector's 102-sample blocks that matters.</summary>
    public static TheoryData<int> Leads() => [0, 13, 29, 41, 51, 64, 77, 90, 101];

    [Theory]
    [MemberData(nameof(Leads))]
    public void FortyMsTonesWithFortyMsPausesAreAllHeard(int lead) =>
        Assert.Equal(Sequence, DtmfDetector.DetectAll(Presses(Sequence, new(ToneMs: 40, GapMs: 40), lead)));

    [Theory]
    [MemberData(nameof(Leads))]
    public void TonesUnder23MsAreNotKeys(int lead)
    {
        Assert.Equal("", DtmfDetector.DetectAll(Presses(Sequence, new(ToneMs: 20, GapMs: 60), lead)));
        Assert.Equal("", DtmfDetector.DetectAll(Presses(Sequence, new(ToneMs: 22, GapMs: 60), lead)));
    }

    [Theory]
    [MemberData(nameof(Leads))]
    public void SameKeyWithFortyMsPausesCountsEachPress(int lead) =>
        Assert.Equal("5555", DtmfDetector.DetectAll(Presses("5555", new(ToneMs: 40, GapMs: 40), lead)));

    [Theory]
    [MemberData(nameof(Leads))]
    public void HeldKeyBrokenForTenMsCountsOnce(int lead)
    {
        Assert.Equal("5", DtmfDetector.DetectAll(Presses("55", new(ToneMs: 200, GapMs: 10), lead)));
        Assert.Equal("5", DtmfDetector.DetectAll(Presses("55", new(ToneMs: 200, GapMs: 5), lead)));
    }

    [Fact]
    public void HeldKeyCountsOnce() =>
        Assert.Equal("8", DtmfDetector.DetectAll(Presses("8", new(ToneMs: 2000, LowDbm0: -25, HighDbm0: -25, SnrDb: 15, Law: G711Law.MuLaw), 37)));

    [Theory]
    [InlineData(-10, -18)] // low group 8 dB louder (Q.24 "standard twist")
    [InlineData(-3, -11)]
    [InlineData(-22, -30)]
    [InlineData(-14, -10)] // high group 4 dB louder ("reverse twist")
    [InlineData(-30, -26)]
    public void TwistWithinQ24IsHeard(double lowDbm0, double highDbm0)
    {
        foreach (var lead in new[] { 0, 51 })
        {
            Assert.Equal(Sequence, DtmfDetector.DetectAll(Presses(Sequence, new(LowDbm0: lowDbm0, HighDbm0: highDbm0), lead)));
        }
    }

    [Theory]
    [InlineData(0.015, 0.015)]
    [InlineData(-0.015, -0.015)]
    [InlineData(0.015, -0.015)]
    [InlineData(-0.015, 0.015)]
    public void FrequenciesOffByOneAndAHalfPercentAreHeard(double lowOffset, double highOffset)
    {
        foreach (var lead in new[] { 0, 29, 77 })
        {
            Assert.Equal(Sequence, DtmfDetector.DetectAll(Presses(Sequence, new(ToneMs: 40, GapMs: 40, LowDbm0: -25, HighDbm0: -25, LowOffset: lowOffset, HighOffset: highOffset), lead)));
        }
    }

    [Theory]
    [InlineData(0.035, 0)]
    [InlineData(-0.035, 0)]
    [InlineData(0, 0.035)]
    [InlineData(0, -0.035)]
    [InlineData(0.035, 0.035)]
    [InlineData(-0.035, -0.035)]
    public void FrequenciesOffByThreeAndAHalfPercentAreNotKeys(double lowOffset, double highOffset) =>
        Assert.Equal("", DtmfDetector.DetectAll(Presses(Sequence, new(ToneMs: 100, LowOffset: lowOffset, HighOffset: highOffset), 17)));

    [Theory]
    [InlineData(G711Law.MuLaw)]
    [InlineData(G711Law.ALaw)]
    public void QuietNoisyTonesThroughG711AreHeard(G711Law law)
    {
        foreach (var lead in new[] { 0, 41, 90 })
        {
            Assert.Equal(Sequence, DtmfDetector.DetectAll(Presses(Sequence, new(ToneMs: 40, GapMs: 40, LowDbm0: -30, HighDbm0: -30, Law: law), lead)));
            Assert.Equal(Sequence, DtmfDetector.DetectAll(Presses(Sequence, new(ToneMs: 50, GapMs: 50, LowDbm0: -20, HighDbm0: -28, SnrDb: 15, Law: law), lead, seed: lead)));
        }
    }

    [Fact]
    public void TheFourthColumnIsHeard() =>
        Assert.Equal("ABCD", DtmfDetector.DetectAll(Presses("ABCD", new(ToneMs: 40, GapMs: 40), 64)));

    /// <summary>
    /// A high female Mandarin voice: its 4th and 5th harmonics sit near 941 and 1209 Hz and the detector used to
    /// hear "*" in these sentences.
    /// </summary>
    [Theory]
    [InlineData("还没有已启用的坐席：请管理员在“人员”页面创建")]
    [InlineData("活动持有者纪元到期时间已过期 后 只有持有租约时才运行活动的拨号引擎；每次接管纪元加一，旧纪元的写入一律无效")]
    public void HighVoiceDoesNotTalkOff(string text)
    {
        var speech = WavPrompt.Load(ExternalTool.Speak(text, "cmn+f2", 0, 0, "-p", "75", "-s", "170"));

        Assert.Equal("", DtmfDetector.DetectAll(speech.Samples.Span));
    }
}
