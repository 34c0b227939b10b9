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
}
