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

    /// <summary>
    /// Loads and converts a WAV file; throws <see cref="InvalidDataException"/> for files it cannot read. Recent
    /// prompts are cached by path, size and modification time, so playing the same file into many calls
    /// reads and resamples it once.
    /// </summary>
    public static WavPrompt Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"prompt file {path} does not exist", path);
        }

        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        lock (Cache)
        {
            if (Cache.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        var audio = WavFile.Read(path);
        var prompt = FromSamples(audio.Samples, audio.SampleRate, audio.Channels, info.Name);
        lock (Cache)
        {
            if (Cache.Count >= CacheSize)
            {
                Cache.Clear();
            }

            Cache[key] = prompt;
        }

        return prompt;
    }

    /// <summary>
    /// The prompt for a file path, or, without one, the text spoken by espeak-ng (see <see cref="SpeechPrompt"/>).
    /// Throws <see cref="ArgumentException"/> when both are empty.
    /// </summary>
    public static WavPrompt LoadOrSpeak(string? wavPath, string? text)
    {
        if (!string.IsNullOrWhiteSpace(wavPath))
        {
            return Load(wavPath);
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            return SpeechPrompt.Speak(text);
        }

        throw new ArgumentException("a prompt needs a WAV path or a text");
    }

    private const int CacheSize = 64;

    private static readonly Dictionary<(string Path, long Length, DateTime Modified), WavPrompt> Cache = [];

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
