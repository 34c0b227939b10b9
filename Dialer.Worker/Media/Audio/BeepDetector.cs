namespace Dialer.Worker.Media;

/// <summary>
/// A steady pure tone in 20 ms frames at 8 kHz: an answering machine's beep, or a carrier's tone before its greeting.
/// A frame is tonal when almost all its energy is at one frequency (found from its zero crossings, then measured by
/// Goertzel around it) and that frequency holds from frame to frame; a run of them <see cref="Length"/> long is a tone.
/// A tone that steps to another frequency without stopping (a two-note beep) is one tone when each note lasts 60 ms or
/// more, across one frame of the step between them. With <see cref="CallProgress"/>, the two-frequency tones of the
/// usual tone plans (ringback 440+480 or 400+450 Hz, dial 350+440, busy 480+620) are tones too: a carrier or a
/// forwarded call ringing after the answer, before a greeting.
/// Used inside <see cref="MachineDetector"/>, and alone after a machine verdict to wait for the beep (voicemail drop).
/// </summary>
public sealed class BeepDetector(TimeSpan length, bool callProgress = false)
{
    private const int FrameSamples = 160;
    private const int FrameMs = 20;
    private const int SampleRate = 8000;
    private const double ToneShare = 0.72;
    private const double MinLevel = 30;
    private const double PairShare = 0.9;
    private const int MinNote = 3;
    private const double Drift = 20;
    private const double NoteStep = 0.1;
    private const double VoiceHz = 420;
    private static readonly TimeSpan LowToneLength = TimeSpan.FromMilliseconds(300);
    private static readonly PairFit[] Pairs = [new(440, 480), new(400, 450), new(350, 440), new(480, 620)];
    private readonly FrameBuffer buffer = new(FrameSamples);
    private readonly HighPass highPass = new();
    private readonly short[] filtered = new short[FrameSamples];
    private int run;
    private int note;
    private int step;
    private double hz;

    public TimeSpan Length => length;

    /// <summary>Two-frequency call-progress tones count as tones (before a greeting; not for a beep after it).</summary>
    public bool CallProgress { get; set; } = callProgress;

    /// <summary>A tone at least <see cref="Length"/> long has been heard.</summary>
    public bool Heard { get; private set; }

    /// <summary>The tone heard has stopped.</summary>
    public bool Ended { get; private set; }

    /// <summary>Feeds samples of any length (the standalone use); true once the tone has been heard and has stopped.</summary>
    public bool Process(ReadOnlySpan<short> samples)
    {
        while (samples.Length > 0 && !Ended)
        {
            if (buffer.Take(ref samples, out var taken))
            {
                highPass.Filter(taken, filtered);
                ReadOnlySpan<short> frame = filtered;
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
        var key = loud ? Tonal(frame, energy, crossings) : double.NaN;
        if (!double.IsNaN(key))
        {
            if (run > 0 && Math.Abs(key - hz) <= Drift)
            {
                note++;
            }
            else if (run > 0 && note >= MinNote && Math.Abs(key - hz) >= hz * NoteStep)
            {
                // Another note of the same tone (a two-note beep): the tone goes on.
                note = 1;
                hz = key;
            }
            else
            {
                // A voice's pitch glides: a tone holds its frequency from its first frame.
                run = step = 0;
                note = 1;
                hz = key;
            }

            run += 1 + step;
            step = 0;
            Heard |= note >= MinNote && run * FrameMs >= Required(hz);
        }
        else if (!Heard && run > 0 && note >= MinNote && step == 0)
        {
            // Perhaps the step between two notes: one frame of neither.
            step = 1;
        }
        else
        {
            run = note = step = 0;
            Ended |= Heard;
        }

        return Heard;
    }

    /// <summary>
    /// How long a tone at <paramref name="key"/> must last: below <see cref="VoiceHz"/> a voice's pitch, once the line's
    /// band-pass has taken away what lies under 300 Hz, can be as pure and as steady as a beep for 200 ms ("Anyone there?"
    /// in a high voice), so a tone there counts from 300 ms on (carriers' tones there last longer; beeps are higher).
    /// </summary>
    private double Required(double key) =>
        key < VoiceHz ? Math.Max(length.TotalMilliseconds, LowToneLength.TotalMilliseconds) : length.TotalMilliseconds;

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

    /// <summary>The frame's tone: its frequency (Hz) when almost all its energy is at one, a key above 10000 for a call-progress pair, NaN for none.</summary>
    private double Tonal(ReadOnlySpan<short> frame, double energy, int crossings)
    {
        var estimate = crossings * SampleRate / (2.0 * frame.Length);
        if (estimate is < 300 or > 3400)
        {
            return double.NaN;
        }

        if (CallProgress && run > 0 && hz >= 10000 && Pairs[((int)hz / 10000) - 1].Share(frame, energy) >= PairShare)
        {
            // The call-progress tone of the frame before goes on (its frames may pass for one frequency in between).
            return hz;
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

        if (best >= ToneShare)
        {
            return bestHz;
        }

        if (CallProgress && estimate <= 700)
        {
            for (var p = 0; p < Pairs.Length; p++)
            {
                if (Pairs[p].Share(frame, energy) >= PairShare)
                {
                    return 10000 * (p + 1);
                }
            }
        }

        return double.NaN;
    }

    /// <summary>
    /// The share of a frame's energy in two frequencies, by a least-squares fit of their sines and cosines (1 for a pure
    /// two-frequency tone; the two are too close in 20 ms for two separate Goertzel measures not to count each other).
    /// </summary>
    private sealed class PairFit
    {
        private readonly double[][] basis = new double[4][];
        private readonly double[,] inverse = new double[4, 4];

        public PairFit(double low, double high)
        {
            double[] hz = [low, low, high, high];
            for (var k = 0; k < 4; k++)
            {
                basis[k] = new double[FrameSamples];
                for (var n = 0; n < FrameSamples; n++)
                {
                    var phase = 2 * Math.PI * hz[k] * n / SampleRate;
                    basis[k][n] = k % 2 == 0 ? Math.Cos(phase) : Math.Sin(phase);
                }
            }

            // Gram matrix of the basis, inverted once (Gauss-Jordan).
            var a = new double[4, 8];
            for (var i = 0; i < 4; i++)
            {
                for (var j = 0; j < 4; j++)
                {
                    double sum = 0;
                    for (var n = 0; n < FrameSamples; n++)
                    {
                        sum += basis[i][n] * basis[j][n];
                    }

                    a[i, j] = sum;
                }

                a[i, 4 + i] = 1;
            }

            for (var c = 0; c < 4; c++)
            {
                var pivot = a[c, c];
                for (var j = 0; j < 8; j++)
                {
                    a[c, j] /= pivot;
                }

                for (var i = 0; i < 4; i++)
                {
                    if (i != c)
                    {
                        var f = a[i, c];
                        for (var j = 0; j < 8; j++)
                        {
                            a[i, j] -= f * a[c, j];
                        }
                    }
                }
            }

            for (var i = 0; i < 4; i++)
            {
                for (var j = 0; j < 4; j++)
                {
                    inverse[i, j] = a[i, 4 + j];
                }
            }
        }

        public double Share(ReadOnlySpan<short> frame, double energy)
        {
            if (frame.Length != FrameSamples || energy <= 0)
            {
                return 0;
            }

            Span<double> b = stackalloc double[4];
            for (var k = 0; k < 4; k++)
            {
                var row = basis[k];
                double sum = 0;
                for (var n = 0; n < FrameSamples; n++)
                {
                    sum += frame[n] * row[n];
                }

                b[k] = sum;
            }

            double explained = 0;
            for (var i = 0; i < 4; i++)
            {
                for (var j = 0; j < 4; j++)
                {
                    explained += b[i] * inverse[i, j] * b[j];
                }
            }

            return explained / energy;
        }
    }
}
