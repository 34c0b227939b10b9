namespace Dialer.Worker.Media;

public enum MachineVerdict
{
    Human,
    Machine,
    Unknown,
}

/// <summary>The outcome of answering-machine detection.</summary>
/// <param name="Verdict">Human, machine or unknown (analysis time ran out).</param>
/// <param name="Cause">Why (initial-silence, long-greeting, tone, greeting-ended, too-long, …).</param>
/// <param name="Greeting">Speech heard.</param>
/// <param name="Words">Utterances (words, for the Asterisk-style reference) counted.</param>
/// <param name="Elapsed">Audio analysed until the decision.</param>
/// <param name="GreetingEnd">Where the greeting's last speech ended, when it had ended at the decision.</param>
public sealed record MachineDetection(MachineVerdict Verdict, string Cause, TimeSpan Greeting, int Words, TimeSpan Elapsed, TimeSpan? GreetingEnd)
{
    public bool IsMachine => Verdict == MachineVerdict.Machine;
}

/// <summary>Answering-machine detection fed with received audio (8 kHz samples), frame by frame.</summary>
public interface IMachineDetector
{
    /// <summary>Set once decided.</summary>
    MachineDetection? Result { get; }

    /// <summary>Audio analysed so far.</summary>
    TimeSpan Analysed { get; }

    /// <summary>Feeds samples of any length; returns the result once decided.</summary>
    MachineDetection? Process(ReadOnlySpan<short> samples);

    /// <summary>A later verdict that replaces <see cref="Result"/>: a beep soon after what was taken for a person's greeting.</summary>
    MachineDetection? Revision => null;

    /// <summary>Still wants audio: undecided, or listening after a person's verdict for a beep that would revise it.</summary>
    bool Listening => Result is null;
}

public static class MachineDetectors
{
    /// <summary>Runs a detector over a whole recording (8 kHz mono), then silence until it is done, and returns its final verdict.</summary>
    public static MachineDetection Analyze(this IMachineDetector detector, ReadOnlySpan<short> audio)
    {
        detector.Process(audio);
        Span<short> silence = stackalloc short[160];
        while (detector.Listening)
        {
            detector.Process(silence);
        }

        return detector.Revision ?? detector.Result!;
    }
}

/// <summary>Settings of <see cref="MachineDetector"/>; a campaign tunes some of them (machineDetection in its definition).</summary>
public sealed record MachineDetectorSettings
{
    private readonly TimeSpan? totalAnalysisTime;

    /// <summary>Silence before any speech that means a machine (or a dead line).</summary>
    public TimeSpan InitialSilence { get; init; } = TimeSpan.FromMilliseconds(3500);

    /// <summary>Greeting (first speech to now, pauses shorter than <see cref="EndSilence"/> included) beyond which it is a machine's.</summary>
    public TimeSpan MaxHumanGreeting { get; init; } = TimeSpan.FromMilliseconds(5000);

    /// <summary>Silence after the greeting that means a person waiting for an answer (a recorded greeting goes on sooner).</summary>
    public TimeSpan EndSilence { get; init; } = TimeSpan.FromMilliseconds(900);

    /// <summary>A steady tone this long (a beep, a carrier's tone) means a machine.</summary>
    public TimeSpan ToneLength { get; init; } = TimeSpan.FromMilliseconds(120);

    /// <summary>
    /// After a person's verdict, how long a beep still makes it a machine's (a short recorded greeting, "leave a message",
    /// then the beep): the verdict is revised, and the engine treats the call as a machine's from then on.
    /// </summary>
    public TimeSpan BeepAfterGreeting { get; init; } = TimeSpan.FromMilliseconds(4000);

    /// <summary>
    /// After this much audio with no decision the verdict is unknown: by default the initial silence and the longest
    /// greeting together and half a second more, 8 s at least.
    /// </summary>
    public TimeSpan TotalAnalysisTime
    {
        get => totalAnalysisTime ?? TimeSpan.FromMilliseconds(Math.Max(8000, (InitialSilence + MaxHumanGreeting).TotalMilliseconds + 500));
        init => totalAnalysisTime = value;
    }

    /// <summary>How far above the line's noise floor a frame must be to be speech (dB).</summary>
    public double SpeechAboveNoise { get; init; } = 9;

    /// <summary>Frames quieter than this are never speech (dB of mean square over 16-bit samples; 30 ≈ −60 dBFS).</summary>
    public double MinSpeechLevel { get; init; } = 30;

    /// <summary>
    /// Sound this far (dB) below the callee's loudest speech so far is someone in the background (a television, a busy
    /// room), not the callee: it neither starts nor continues the greeting.
    /// </summary>
    public double BackgroundBelowSpeech { get; init; } = 13;
}

/// <summary>
/// Answering-machine detection from the first seconds of the callee's audio, frame by frame (20 ms at 8 kHz). A person
/// says a word or a sentence and stops to wait for an answer; a recorded greeting goes on for seconds with only short
/// pauses, is often preceded by music or a tone and ends with a beep. So: speech is found against the line's own noise
/// floor (so that noise, level and G.711 do not matter), and sound far below the loudest speech heard is talk in the
/// background, not the callee's; a greeting still going after <see cref="MachineDetectorSettings.MaxHumanGreeting"/>
/// is a machine's, decided before it ends; a greeting followed by <see cref="MachineDetectorSettings.EndSilence"/> of
/// silence is a person's, decided that long after it ended; a steady pure tone anywhere is a machine; nothing said for
/// <see cref="MachineDetectorSettings.InitialSilence"/> is a machine (or a dead line); a beep soon after a person's
/// verdict revises it (<see cref="Revision"/>). Words are not counted: a person answering "喂，你好，哪位？" is a person.
/// </summary>
public sealed class MachineDetector(MachineDetectorSettings? settings = null) : IMachineDetector
{
    /// <summary>The cause of a person's verdict revised to a machine by a beep heard after it.</summary>
    public const string BeepAfterGreeting = "beep-after-greeting";

    private const int FrameSamples = 160;
    private const int FrameMs = 20;
    private const double FloorRisePerFrame = 0.01;
    private const int MaxFrames = 1000;
    private const int OnsetFrames = 3;
    private const int FadeFrames = 4;
    private readonly MachineDetectorSettings settings = settings ?? new MachineDetectorSettings();
    private readonly BeepDetector tone = new((settings ?? new MachineDetectorSettings()).ToneLength, callProgress: true);
    private readonly FrameBuffer buffer = new(FrameSamples);
    private readonly HighPass highPass = new();
    private readonly short[] filtered = new short[FrameSamples];
    private readonly double[] recent = new double[4];
    private readonly List<double> levels = [];
    private readonly List<double> floors = [];
    private long frames;
    private long watchUntil;
    private double floor = double.NaN;
    private double loudest = double.NegativeInfinity;
    private double heardAt = double.NegativeInfinity;
    private int fading;
    private int voicedRun;
    private long speechStartFrame = -1;
    private long lastSpeechFrame = -1;
    private int speechFrames;
    private int utterances;

    public MachineDetection? Result { get; private set; }

    public MachineDetection? Revision { get; private set; }

    public bool Listening => Result is null || (Result.Verdict == MachineVerdict.Human && Revision is null && frames < watchUntil);

    public TimeSpan Analysed => TimeSpan.FromMilliseconds(frames * FrameMs);

    /// <summary>The detector's settings from a campaign's (the rest at their defaults).</summary>
    public static MachineDetectorSettings Settings(Dialer.Db.Model.MachineDetectionSettings campaign) => new()
    {
        InitialSilence = TimeSpan.FromMilliseconds(campaign.InitialSilenceMs),
        MaxHumanGreeting = TimeSpan.FromMilliseconds(campaign.MaxGreetingMs),
        EndSilence = TimeSpan.FromMilliseconds(campaign.EndSilenceMs),
    };

    public MachineDetection? Process(ReadOnlySpan<short> samples)
    {
        while (samples.Length > 0 && Listening)
        {
            if (buffer.Take(ref samples, out var frame))
            {
                highPass.Filter(frame, filtered);
                Frame(filtered);
            }
        }

        return Result;
    }

    private void Frame(ReadOnlySpan<short> frame)
    {
        frames++;
        double energy = 0;
        foreach (var x in frame)
        {
            energy += (double)x * x;
        }

        var crossings = BeepDetector.Crossings(frame);

        var level = 10 * Math.Log10((energy / frame.Length) + 1);
        if (Result is not null)
        {
            // A person's verdict given: only a beep now revises it.
            if (tone.Frame(frame, energy, crossings, AboveNoise(level, floor)))
            {
                Revision = Result with { Verdict = MachineVerdict.Machine, Cause = BeepAfterGreeting, Elapsed = Analysed };
            }

            return;
        }

        // The line's noise floor: the lowest level over four frames (a single quiet frame in noise is not the floor),
        // rising slowly.
        recent[(int)(frames % recent.Length)] = energy / frame.Length;
        var smoothed = 10 * Math.Log10((recent.Sum() / Math.Min(frames, recent.Length)) + 1);
        var before = floor;
        floor = double.IsNaN(floor) ? smoothed : Math.Min(smoothed, floor + FloorRisePerFrame);
        var history = levels.Count == frames - 1 && levels.Count < MaxFrames;
        if (history)
        {
            levels.Add(level);
            floors.Add(floor);
        }

        // A beep or a tone counts however loud it is next to the greeting, and however loud next to the noise floor: a call
        // that starts with a tone (a carrier's, ringback) has its floor there until the tone pauses.
        if (tone.Frame(frame, energy, crossings, level >= settings.MinSpeechLevel))
        {
            Decide(MachineVerdict.Machine, "tone");
            return;
        }

        // The frames so far are heard again when what they were judged against changes: a floor that drops before
        // speech was found (the call started with speech, and this is its first pause), or louder speech than any
        // before (what was taken for the greeting may have been talk in the background).
        var rehear = false;
        if (speechStartFrame < 0 && floor < before - 3)
        {
            for (var i = 0; i < floors.Count; i++)
            {
                floors[i] = Math.Min(floors[i], floor);
            }

            rehear = true;
        }

        if (Loudness() is { } loud && loud > loudest)
        {
            loudest = loud;
            rehear |= loudest >= heardAt + 1;
        }

        if (rehear && history)
        {
            heardAt = loudest;
            voicedRun = 0;
            speechStartFrame = lastSpeechFrame = -1;
            speechFrames = utterances = 0;
            fading = 0;
            for (var i = 0; i < levels.Count - 1 && Result is null; i++)
            {
                Speech(i + 1, Voiced(levels[i], floors[i]));
            }
        }

        if (Result is not null || Speech(frames, Voiced(level, floor)))
        {
            return;
        }

        if (speechStartFrame < 0 && frames * FrameMs >= settings.InitialSilence.TotalMilliseconds)
        {
            Decide(MachineVerdict.Machine, "initial-silence");
        }
        else if (frames * FrameMs >= settings.TotalAnalysisTime.TotalMilliseconds)
        {
            Decide(MachineVerdict.Unknown, "too-long");
        }
    }

    /// <summary>Above the line's noise and not far below the loudest speech heard: the callee's voice.</summary>
    /// <remarks>
    /// Speech fades out: up to <see cref="FadeFrames"/> frames after speech are voiced while above the noise, so
    /// that only a new start is held against the loudest speech (a syllable dying away does not lengthen the pause after
    /// it, nor a recorded greeting's pause between sentences), and talk in the background lengthens a greeting by no more.
    /// </remarks>
    private bool Voiced(double level, double noise)
    {
        var loud = level >= loudest - settings.BackgroundBelowSpeech;
        fading = loud ? 0 : fading + 1;
        return AboveNoise(level, noise) && (loud || (voicedRun >= OnsetFrames && fading <= FadeFrames));
    }

    private bool AboveNoise(double level, double noise) => level >= settings.MinSpeechLevel && level >= noise + settings.SpeechAboveNoise;

    /// <summary>The level of the last <see cref="OnsetFrames"/> frames (their quietest) when all are above the noise: how loud speech is.</summary>
    private double? Loudness()
    {
        if (levels.Count < OnsetFrames || levels.Count != frames)
        {
            return null;
        }

        var quietest = double.MaxValue;
        for (var i = levels.Count - OnsetFrames; i < levels.Count; i++)
        {
            if (!AboveNoise(levels[i], floors[i]))
            {
                return null;
            }

            quietest = Math.Min(quietest, levels[i]);
        }

        return quietest;
    }

    /// <summary>Frame <paramref name="frame"/> (1-based) voiced or not: the greeting's state; true once decided.</summary>
    private bool Speech(long frame, bool voiced)
    {
        voicedRun = voiced ? voicedRun + 1 : 0;
        if (voicedRun >= OnsetFrames)
        {
            // Speech: three voiced frames in a row (a click, or a burst at the start of a stream, is not).
            if (speechStartFrame < 0)
            {
                speechStartFrame = frame - OnsetFrames + 1;
            }

            if (lastSpeechFrame < frame - OnsetFrames)
            {
                utterances++;
            }

            speechFrames += lastSpeechFrame == frame - 1 ? 1 : OnsetFrames;
            lastSpeechFrame = frame;
            if ((frame - speechStartFrame) * FrameMs > settings.MaxHumanGreeting.TotalMilliseconds)
            {
                Decide(MachineVerdict.Machine, "long-greeting");
                return true;
            }
        }
        else if (frame == frames && speechStartFrame >= 0 && (frame - lastSpeechFrame) * FrameMs >= settings.EndSilence.TotalMilliseconds)
        {
            Decide(MachineVerdict.Human, "greeting-ended");
            return true;
        }

        return false;
    }

    private void Decide(MachineVerdict verdict, string cause)
    {
        var ended = speechStartFrame >= 0 && lastSpeechFrame < frames ? TimeSpan.FromMilliseconds(lastSpeechFrame * FrameMs) : (TimeSpan?)null;
        Result = new MachineDetection(verdict, cause, TimeSpan.FromMilliseconds(speechFrames * FrameMs), utterances, Analysed, ended);
        watchUntil = frames + (long)(settings.BeepAfterGreeting.TotalMilliseconds / FrameMs);

        // After a person's verdict only a beep revises it: a call-progress tone then is not the greeting's.
        tone.CallProgress = false;
    }
}
