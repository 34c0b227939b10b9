namespace Dialer.Worker.Media;

/// <summary>
/// A steady pure tone in 20 ms frames at 8 kHz: an answering machine's beep, or a carrier's tone before its greeting.
/// A frame is tonal when almost all its energy is at one frequency (found from its zero crossings, then measured by
/// Goertzel around it) and that frequency holds from frame to frame; a run of them <see cref="Length"/> long is a tone.
/// Used inside <see cref="MachineDetector"/>, and alone after a machine verdict to wait for the beep (voicemail drop).
/// </summary>
public sealed class BeepDetector(TimeSpan length)
{
    private const int FrameSamples = 160;
    private const int FrameMs = 20;
    private const int SampleRate = 8000;
    private const double ToneShare = 0.72;
    private const double MinLevel = 30;
    private readonly FrameBuffer buffer = new(FrameSamples);
    private int run;
    private double hz;

    public TimeSpan Length => length;

    /// <summary>A tone at least <see cref="Length"/> long has been heard.</summary>
    public bool Heard { get; private set; }

    /// <summary>The tone heard has stopped.</summary>
    public bool Ended { get; private set; }

    /// <summary>Feeds samples of any length (the standalone use); true once the tone has been heard and has stopped.</summary>
    public bool Process(ReadOnlySpan<short> samples)
    {
        while (samples.Length > 0 && !Ended)
        {
            if (buffer.Take(ref samples, out var frame))
            {
                double energy = 0;
                foreach (var s in frame)
                {
                    energy += (double)s * s;
                }

                Frame(frame, energy, Crossings(frame), 10 * Math.Log10((energy / FrameSamples) + 1) >= MinLevel);
            }
        }

        return Ended;
    }

    /// <summary>One frame, its energy (sum of squares) and zero crossings measured by the caller; true when a tone has been heard.</summary>
    public bool Frame(ReadOnlySpan<short> frame, double energy, int crossings, bool loud)
    {
        if (loud && IsTonal(frame, energy, crossings))
        {
            run++;
            Heard |= run * FrameMs >= length.TotalMilliseconds;
        }
        else
        {
            run = 0;
            Ended |= Heard;
        }

        return Heard;
    }

    public static int Crossings(ReadOnlySpan<short> frame)
    {
        var crossings = 0;
        for (var i = 1; i < frame.Length; i++)
        {
            if ((frame[i] >= 0) != (frame[i - 1] >= 0))
            {
                crossings++;
            }
        }

        return crossings;
    }

    private bool IsTonal(ReadOnlySpan<short> frame, double energy, int crossings)
    {
        var estimate = crossings * SampleRate / (2.0 * frame.Length);
        if (estimate is < 300 or > 3400)
        {
            return false;
        }

        var best = 0.0;
        var bestHz = estimate;
        for (var f = estimate - 25; f <= estimate + 25; f += 12.5)
        {
            var share = Goertzel.Power(frame, f, SampleRate) * 2 / (frame.Length * energy);
            if (share > best)
            {
                best = share;
                bestHz = f;
            }
        }

        var steady = run == 0 || Math.Abs(bestHz - hz) <= 40;
        hz = bestHz;
        return best >= ToneShare && steady;
    }
}
