namespace Dialer.Worker.Media;

/// <summary>
/// A prompt ready to play into a call: 8 kHz mono 16-bit samples. Loaded from any WAV that
/// <see cref="WavFile"/> reads, mixed down to mono and resampled to 8 kHz. Immutable and shareable
/// between calls: load once, play many times.
/// </summary>
public sealed class WavPrompt
{
    public const int SampleRate = 8000;

    private readonly short[] samples;

    private WavPrompt(short[] samples, string? name)
    {
        this.samples = samples;
        Name = name;
    }

    /// <summary>The file name or a description, for logs.</summary>
    public string? Name { get; }

    public ReadOnlyMemory<short> Samples => samples;

    public TimeSpan Duration => TimeSpan.FromSeconds((double)samples.Length / SampleRate);

    /// <summary>Loads and converts a WAV file; throws <see cref="InvalidDataException"/> for files it cannot read.</summary>
    public static WavPrompt Load(string path)
    {
        var audio = WavFile.Read(path);
        return FromSamples(audio.Samples, audio.SampleRate, audio.Channels, System.IO.Path.GetFileName(path));
    }

    /// <summary>Converts interleaved samples at any rate to an 8 kHz mono prompt.</summary>
    public static WavPrompt FromSamples(ReadOnlySpan<short> interleaved, int sampleRate, int channels = 1, string? name = null)
    {
        var mono = Resampler.ToMono(interleaved, channels);
        return new WavPrompt(Resampler.Resample(mono, sampleRate, SampleRate), name);
    }

    /// <summary>A sine tone, for tests and signalling tones.</summary>
    public static WavPrompt Tone(double frequency, TimeSpan duration, double amplitude = 0.3)
    {
        var n = (int)(duration.TotalSeconds * SampleRate);
        var samples = new short[n];
        ToneGenerator.Fill(samples, frequency, amplitude * short.MaxValue, 0);
        return new WavPrompt(samples, $"{frequency} Hz tone");
    }

    public static WavPrompt Silence(TimeSpan duration) =>
        new(new short[(int)(duration.TotalSeconds * SampleRate)], "silence");
}
