namespace Dialer.Worker.Media;

/// <summary>
/// Settings of <see cref="AsteriskMachineDetector"/>, the defaults of Asterisk's app_amd, which it follows:
/// a person answers with a short "hello?" and waits; a machine talks for seconds or stays silent.
/// </summary>
public sealed record AsteriskDetectorSettings
{
    /// <summary>Silence before any speech that means a machine (or a dead line).</summary>
    public TimeSpan InitialSilence { get; init; } = TimeSpan.FromMilliseconds(2500);

    /// <summary>Voiced time beyond which the greeting is a machine's.</summary>
    public TimeSpan Greeting { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Silence after a short greeting that means a person waiting for an answer.</summary>
    public TimeSpan AfterGreetingSilence { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan TotalAnalysisTime { get; init; } = TimeSpan.FromMilliseconds(5000);

    public TimeSpan MinimumWordLength { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan BetweenWordsSilence { get; init; } = TimeSpan.FromMilliseconds(50);

    public int MaximumNumberOfWords { get; init; } = 3;

    public TimeSpan MaximumWordLength { get; init; } = TimeSpan.FromMilliseconds(5000);

    /// <summary>Mean absolute amplitude below which a 20 ms frame is silence.</summary>
    public int SilenceThreshold { get; init; } = 256;
}

/// <summary>
/// The reference for <see cref="MachineDetector"/> (the detector the dialer used before, kept for scripts/bench-amd):
/// counts initial silence, words and greeting length the way Asterisk's AMD does and decides human, machine or unknown,
/// so that anyone answering with three words or more is a machine.
/// </summary>
public sealed class AsteriskMachineDetector(AsteriskDetectorSettings? settings = null) : IMachineDetector
{
    private const int FrameSamples = 160;
    private const int FrameMs = 20;
    private readonly AsteriskDetectorSettings settings = settings ?? new AsteriskDetectorSettings();
    private readonly FrameBuffer buffer = new(FrameSamples);
    private long frames;
    private int silenceMs;
    private int consecutiveVoiceMs;
    private int voiceMs;
    private int words;
    private bool inInitialSilence = true;
    private bool inGreeting;
    private bool inWord;

    public MachineDetection? Result { get; private set; }

    /// <summary>Audio analysed so far.</summary>
    public TimeSpan Analysed => TimeSpan.FromMilliseconds(frames * FrameMs);

    /// <summary>Feeds samples of any length; returns the result once decided.</summary>
    public MachineDetection? Process(ReadOnlySpan<short> samples)
    {
        while (samples.Length > 0 && Result is null)
        {
            if (buffer.Take(ref samples, out var frame))
            {
                Frame(frame);
            }
        }

        return Result;
    }

    private void Frame(ReadOnlySpan<short> frame)
    {
        frames++;
        long sum = 0;
        foreach (var s in frame)
        {
            sum += Math.Abs((int)s);
        }

        var silent = sum / FrameSamples < settings.SilenceThreshold;
        if (silent)
        {
            silenceMs += FrameMs;
            if (silenceMs >= settings.BetweenWordsSilence.TotalMilliseconds)
            {
                inWord = false;
                consecutiveVoiceMs = 0;
            }

            if (inInitialSilence && silenceMs >= settings.InitialSilence.TotalMilliseconds)
            {
                Decide(MachineVerdict.Machine, "initial-silence");
            }
            else if (inGreeting && silenceMs >= settings.AfterGreetingSilence.TotalMilliseconds)
            {
                Decide(MachineVerdict.Human, "human");
            }
        }
        else
        {
            consecutiveVoiceMs += FrameMs;
            voiceMs += FrameMs;
            if (consecutiveVoiceMs >= settings.MinimumWordLength.TotalMilliseconds)
            {
                if (!inWord)
                {
                    inWord = true;
                    words++;
                }

                silenceMs = 0;
                inInitialSilence = false;
                inGreeting = true;
            }

            if (consecutiveVoiceMs >= settings.MaximumWordLength.TotalMilliseconds)
            {
                Decide(MachineVerdict.Machine, "max-word-length");
            }
            else if (words >= settings.MaximumNumberOfWords)
            {
                Decide(MachineVerdict.Machine, "max-words");
            }
            else if (inGreeting && voiceMs >= settings.Greeting.TotalMilliseconds)
            {
                Decide(MachineVerdict.Machine, "long-greeting");
            }
        }

        if (Result is null && frames * FrameMs >= settings.TotalAnalysisTime.TotalMilliseconds)
        {
            Decide(MachineVerdict.Unknown, "too-long");
        }
    }

    private void Decide(MachineVerdict verdict, string cause) =>
        Result = new MachineDetection(verdict, cause, TimeSpan.FromMilliseconds(voiceMs), words, Analysed, null);
}
