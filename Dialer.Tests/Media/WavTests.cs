using Dialer.Worker.Media;
using static Dialer.Tests.Media.ExternalTool;

namespace Dialer.Tests.Media;

public class WavTests
{
    private static string Synth(string name, params string[] soxArguments)
    {
        var path = MediaTestKit.TempPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Run("sox", ["-n", .. soxArguments[..^1], path, "synth", .. soxArguments[^1].Split(' ')]);
        return path;
    }

    [Fact]
    public void Loads16KilohertzPromptAsEightKilohertzKeepingTheTone()
    {
        var path = Synth("t16.wav", "-r", "16000", "-b", "16", "-c", "1", "1 sine 1000 vol 0.5");

        var prompt = WavPrompt.Load(path);

        Assert.Equal(8000, prompt.Samples.Length);
        Assert.Equal(TimeSpan.FromSeconds(1), prompt.Duration);
        var middle = prompt.Samples.Span[1000..7000];
        Assert.InRange(Goertzel.Rms(middle), 0.5 * 32767 / Math.Sqrt(2) * 0.95, 0.5 * 32767 / Math.Sqrt(2) * 1.05);
        Assert.True(Goertzel.RelativePower(middle, 1000) > 0.99);
        Assert.Equal(TimeSpan.FromMilliseconds(37 * 20), Goertzel.ToneDuration(middle, 1000, threshold: 0.95));
    }

    [Fact]
    public void StereoCdAudioIsMixedDownAndFilteredWithoutAliasing()
    {
        // 6 kHz is above the 4 kHz Nyquist limit of 8 kHz: a naive decimator folds it onto 2 kHz.
        var high = WavPrompt.Load(Synth("high.wav", "-r", "44100", "-b", "16", "-c", "2", "1 sine 6000 vol 0.5"));
        var low = WavPrompt.Load(Synth("low.wav", "-r", "44100", "-b", "16", "-c", "2", "1 sine 440 vol 0.5"));

        Assert.InRange(high.Samples.Length, 7999, 8001);
        Assert.True(Goertzel.Rms(high.Samples.Span[500..7500]) < 100, $"6 kHz leaked as {Goertzel.Rms(high.Samples.Span[500..7500])} RMS");
        Assert.True(Goertzel.RelativePower(low.Samples.Span[1000..7000], 440) > 0.95);
    }

    [Fact]
    public void LoadsMuLawAndEightBitFiles()
    {
        var mu = WavPrompt.Load(Synth("mu.wav", "-r", "8000", "-e", "mu-law", "-c", "1", "0.5 sine 1000 vol 0.5"));
        var u8 = WavPrompt.Load(Synth("u8.wav", "-r", "22050", "-b", "8", "-e", "unsigned-integer", "-c", "1", "0.5 sine 1000 vol 0.5"));

        Assert.Equal(4000, mu.Samples.Length);
        Assert.True(Goertzel.RelativePower(mu.Samples.Span[500..3500], 1000) > 0.95);
        Assert.True(Goertzel.RelativePower(u8.Samples.Span[500..3500], 1000) > 0.9);
    }

    [Fact]
    public void RejectsFilesThatAreNotWav()
    {
        var path = MediaTestKit.TempPath("bad.wav");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "hello, not audio");

        var error = Assert.Throws<InvalidDataException>(() => WavPrompt.Load(path));

        Assert.Contains("RIFF", error.Message);
    }

    [Fact]
    public void WriterProducesAWavThatSoxReads()
    {
        var path = MediaTestKit.TempPath("written.wav");
        var tone = WavPrompt.Tone(1000, TimeSpan.FromSeconds(1));

        using (var writer = new WavWriter(path))
        {
            writer.Write(tone.Samples.Span[..4000]);
            writer.Write(tone.Samples.Span[4000..]);
            Assert.Equal(TimeSpan.FromSeconds(1), writer.Duration);
        }

        Assert.Equal("8000", Run("soxi", "-r", path).Trim());
        Assert.Equal("1", Run("soxi", "-c", path).Trim());
        Assert.Equal("16", Run("soxi", "-b", path).Trim());
        Assert.Equal("8000", Run("soxi", "-s", path).Trim());
        Assert.Equal(tone.Samples.ToArray(), WavFile.Read(path).Samples);
    }
}

public class SpeechPromptTests
{
    [Theory]
    [InlineData("Please hold, an agent will be with you shortly.", "en")]
    [InlineData("请稍候，客服人员马上为您服务。", "cmn")]
    public void SpeaksTextIntoAnEightKilohertzPrompt(string text, string voice)
    {
        Assert.Equal(voice, SpeechPrompt.VoiceFor(text));

        var prompt = SpeechPrompt.Speak(text);

        Assert.InRange(prompt.Duration.TotalSeconds, 1, 10);
        Assert.True(Goertzel.Rms(prompt.Samples.Span) > 300, "speech, not silence");
        Assert.Same(prompt, SpeechPrompt.Speak(text));
    }
}
