using System.Numerics;

namespace Dialer.Worker.Media;

/// <summary>
/// In-band DTMF detection (for peers without RFC 4733 telephone-event), after ITU-T Q.24. The audio is cut into
/// blocks of 102 samples (12.75 ms at 8 kHz), each in two halves; the DFT terms of the eight DTMF frequencies
/// pick the strongest row and column, and a least-squares fit of those two tones (which takes out each tone's
/// leakage into the other's term) gives their amplitude and phase per half. The phase turn between the halves
/// gives each tone's offset from its nominal frequency. A block holds a key when its row and column stand 6 dB
/// above the other rows and columns, each tone is louder than about −42 dBm0, the twist is within −5.5…+9.5 dB,
/// the two tones account for 88 % of each half's energy (speech and music spread theirs) and both halves are
/// equally loud (a tone that fills only part of a block does not count). A key is reported once when two blocks
/// in a row hold it at a steady level and both tones, measured by their phase turn from one block to the next,
/// are within 1.8 % of nominal: every tone of 40 ms is heard, none under 23 ms. It is reported again only after
/// three blocks without it, so a 40 ms pause separates two presses of the same key and a break of 10 ms does not.
/// The cost is about two multiplications per sample and frequency.
/// </summary>
public sealed class DtmfDetector
{
    private const int SampleRate = 8000;
    private const int Block = 102;
    private const int Half = Block / 2;

    /// <summary>Each tone's peak amplitude at least this (about −42 dBm0 in 16-bit G.711 scale).</summary>
    private const double MinimumAmplitude = 180;

    /// <summary>The strongest row (column) at least 6 dB above every other row (column), in power.</summary>
    private const double RelativePeak = 4;

    /// <summary>Low group louder than the high group by at most 9.5 dB (Q.24 asks for 8).</summary>
    private const double MaximumTwist = 8.9;

    /// <summary>High group louder than the low group by at most 5.5 dB (Q.24 asks for 4).</summary>
    private const double MaximumReverseTwist = 3.55;

    /// <summary>The two tones account for at least this share of each half block's energy (speech and music spread theirs).</summary>
    private const double MinimumShare = 0.88;

    /// <summary>The weaker of two blocks holds at least this share of the stronger's tone power, so a tone that fills only part of a block does not count.</summary>
    private const double MinimumSteadiness = 0.75;

    /// <summary>Each tone within this fraction of its nominal frequency (Q.24: accept ±1.5 %, reject ±3.5 %).</summary>
    private const double FrequencyTolerance = 0.018;

    /// <summary>
    /// Blocks without the key after which it counts as released: a 40 ms pause always leaves three (two blocks wholly
    /// inside it and at least one that it cuts), a break of 10 ms at most two.
    /// </summary>
    private const int MissingToRelease = 3;

    private static readonly double[] Frequencies = [697, 770, 852, 941, 1209, 1336, 1477, 1633];
    private static readonly char[,] Keys =
    {
        { '1', '2', '3', 'A' },
        { '4', '5', '6', 'B' },
        { '7', '8', '9', 'C' },
        { '*', '0', '#', 'D' },
    };

    private static readonly double[] Cosines = Table(Math.Cos);
    private static readonly double[] Sines = Table(Math.Sin);
    private static readonly double[][] Inverses = GramInverses();
    private static readonly Complex[] LeakOfCosine = Leaks(Math.Cos);
    private static readonly Complex[] LeakOfSine = Leaks(Math.Sin);

    private readonly FrameBuffer buffer = new(Block);
    private Tones? previous;
    private char? held;
    private int missing;

    /// <summary>Feeds samples; <paramref name="onDigit"/> runs for each key detected.</summary>
    public void Process(ReadOnlySpan<short> samples, Action<char> onDigit)
    {
        while (samples.Length > 0)
        {
            if (buffer.Take(ref samples, out var block) && BlockDone(Analyze(block)) is { } digit)
            {
                onDigit(digit);
            }
        }
    }

    /// <summary>All keys found in a recording, in order.</summary>
    public static string DetectAll(ReadOnlySpan<short> samples)
    {
        var found = new System.Text.StringBuilder();
        new DtmfDetector().Process(samples, c => found.Append(c));
        return found.ToString();
    }

    private char? BlockDone(Tones? tones)
    {
        var present = tones is { } t && previous is { } p && t.Key == p.Key && Agree(p, t) ? t.Key : (char?)null;
        previous = tones;
        if (present is { } key && key != held)
        {
            held = key;
            missing = 0;
            return key;
        }

        if (held is not null && tones?.Key == held)
        {
            missing = 0;
        }
        else if (++missing >= MissingToRelease)
        {
            held = null;
            missing = MissingToRelease;
        }

        return null;
    }

    /// <summary>One key's tones in two consecutive blocks: the same level, and in tune over both blocks.</summary>
    private static bool Agree(Tones first, Tones second) =>
        Math.Min(first.Power, second.Power) >= MinimumSteadiness * Math.Max(first.Power, second.Power)
        && InTune(first.Low, second.Low, first.LowOffset + second.LowOffset, first.Row)
        && InTune(first.High, second.High, first.HighOffset + second.HighOffset, 4 + first.Column);

    /// <summary>
    /// The tone's frequency from its phase turn from one block to the next (precise, but only to within
    /// ±SampleRate / (2 × Block)), the ambiguity settled by the two blocks' half-block estimates.
    /// </summary>
    private static bool InTune(Complex first, Complex second, double offsetSum, int index)
    {
        var nominal = Frequencies[index];
        var turn = second * Complex.Conjugate(first) * Complex.FromPolarCoordinates(1, -2 * Math.PI * nominal * Block / SampleRate);
        var fine = turn.Phase * SampleRate / (2 * Math.PI * Block);
        var step = (double)SampleRate / Block;
        var offset = fine + (step * Math.Round(((offsetSum / 2) - fine) / step));
        return Math.Abs(offset) <= FrequencyTolerance * nominal;
    }

    /// <summary>The key one block holds with its tones, or null.</summary>
    private static Tones? Analyze(ReadOnlySpan<short> block)
    {
        Span<Complex> first = stackalloc Complex[8];
        Span<Complex> second = stackalloc Complex[8];
        double energy1 = 0, energy2 = 0;
        for (var n = 0; n < Half; n++)
        {
            energy1 += (double)block[n] * block[n];
            energy2 += (double)block[Half + n] * block[Half + n];
        }

        if (energy1 == 0 || energy2 == 0)
        {
            return null;
        }

        for (var f = 0; f < 8; f++)
        {
            first[f] = Term(block, f, 0, Half);
            second[f] = Term(block, f, Half, Block);
        }

        Span<Complex> full = stackalloc Complex[8];
        for (var f = 0; f < 8; f++)
        {
            full[f] = first[f] + second[f];
        }

        var r = Strongest(full, 0);
        var c = Strongest(full, 4);

        // Each tone's amplitude and phase with the other tone's leakage taken out, per half and over the block.
        var key = (r * 4) + c - 4;
        var (low1, high1) = Fit(key, 0, first[r], first[c]);
        var (low2, high2) = Fit(key, 1, second[r], second[c]);
        var (low, high) = Fit(key, 2, full[r], full[c]);
        if (!StandsOut(full, r, 0, r, low, c, high) || !StandsOut(full, c, 4, r, low, c, high))
        {
            return null;
        }

        var lowOffset = Offset(low1, low2);
        var highOffset = Offset(high1, high2);
        if (Math.Abs(lowOffset) > 1.5 * FrequencyTolerance * Frequencies[r] || Math.Abs(highOffset) > 1.5 * FrequencyTolerance * Frequencies[c])
        {
            return null;
        }

        // A tone that fills only part of the block is weaker in one half.
        var power1 = low1.Magnitude * low1.Magnitude + high1.Magnitude * high1.Magnitude;
        var power2 = low2.Magnitude * low2.Magnitude + high2.Magnitude * high2.Magnitude;
        if (Math.Min(power1, power2) < MinimumSteadiness * Math.Max(power1, power2))
        {
            return null;
        }

        var lowAmplitude = low.Magnitude / Response(lowOffset);
        var highAmplitude = high.Magnitude / Response(highOffset);
        if (lowAmplitude < MinimumAmplitude || highAmplitude < MinimumAmplitude)
        {
            return null;
        }

        var lowEnergy = lowAmplitude * lowAmplitude * Block / 2;
        var highEnergy = highAmplitude * highAmplitude * Block / 2;
        var twist = lowEnergy / highEnergy;
        if (twist > MaximumTwist || twist * MaximumReverseTwist < 1
            || Explained(first[r], first[c], low1, high1) < MinimumShare * energy1
            || Explained(second[r], second[c], low2, high2) < MinimumShare * energy2)
        {
            return null;
        }

        return new Tones(Keys[r, c - 4], r, c - 4, low, high, lowOffset, highOffset, lowEnergy + highEnergy);
    }

    /// <summary>Index of the group's strongest tone (by its DFT term over the block).</summary>
    private static int Strongest(ReadOnlySpan<Complex> full, int start)
    {
        var best = start;
        for (var i = start + 1; i < start + 4; i++)
        {
            if (full[i].Magnitude > full[best].Magnitude)
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// True when every other tone of the group stays <see cref="RelativePeak"/> below the key's tone, once the
    /// leakage of the key's two fitted tones into its term is taken out (the other group's tone leaks into these
    /// 102-sample terms as much as a weak tone of this group would).
    /// </summary>
    private static bool StandsOut(ReadOnlySpan<Complex> full, int tone, int start, int r, Complex low, int c, Complex high)
    {
        var peak = full[tone].Magnitude;
        for (var i = start; i < start + 4; i++)
        {
            if (i == tone)
            {
                continue;
            }

            var rest = full[i] - Leak(r, i, low) - Leak(c, i, high);
            if (rest.Magnitude * rest.Magnitude * RelativePeak > peak * peak)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The DFT term at frequency <paramref name="to"/> of the tone amplitude·cos(ω_from·n + phase) over the block.</summary>
    private static Complex Leak(int from, int to, Complex tone) =>
        (tone.Real * LeakOfCosine[(from * 8) + to]) - (tone.Imaginary * LeakOfSine[(from * 8) + to]);

    /// <summary>The energy of a half block that its two fitted tones account for (the projection onto them).</summary>
    private static double Explained(Complex lowTerm, Complex highTerm, Complex low, Complex high) =>
        (lowTerm.Real * low.Real) + (lowTerm.Imaginary * low.Imaginary) + (highTerm.Real * high.Real) + (highTerm.Imaginary * high.Imaginary);

    /// <summary>A tone's offset from its nominal frequency in Hz, from the phase turn between the block's halves.</summary>
    private static double Offset(Complex first, Complex second) =>
        (second * Complex.Conjugate(first)).Phase * SampleRate / (2 * Math.PI * Half);

    /// <summary>How much of a tone <paramref name="offset"/> Hz off the block's fit sees: |sin(Nδ/2) / (N sin(δ/2))|.</summary>
    private static double Response(double offset)
    {
        var delta = 2 * Math.PI * offset / SampleRate;
        return Math.Abs(delta) < 1e-9 ? 1 : Math.Abs(Math.Sin(Block * delta / 2) / (Block * Math.Sin(delta / 2)));
    }

    /// <summary>
    /// Least-squares amplitudes (as amplitude·e^{i·phase}) of the key's two tones over one part of the block, from
    /// the DFT terms there: the two cosines and sines are not orthogonal over 51 or 102 samples, and solving with
    /// their Gram matrix removes the leakage of each tone into the other's term.
    /// </summary>
    private static (Complex Low, Complex High) Fit(int key, int part, Complex lowTerm, Complex highTerm)
    {
        var inverse = Inverses[(key * 3) + part];
        Span<double> p = [lowTerm.Real, -lowTerm.Imaginary, highTerm.Real, -highTerm.Imaginary];
        Span<double> a = stackalloc double[4];
        for (var i = 0; i < 4; i++)
        {
            a[i] = (inverse[i * 4] * p[0]) + (inverse[(i * 4) + 1] * p[1]) + (inverse[(i * 4) + 2] * p[2]) + (inverse[(i * 4) + 3] * p[3]);
        }

        return (new Complex(a[0], -a[1]), new Complex(a[2], -a[3]));
    }

    /// <summary>For each key and part (first half, second half, whole block), the inverse Gram matrix of cos/sin of its two tones.</summary>
    private static double[][] GramInverses()
    {
        var inverses = new double[16 * 3][];
        for (var key = 0; key < 16; key++)
        {
            double[] omegas = [2 * Math.PI * Frequencies[key / 4] / SampleRate, 2 * Math.PI * Frequencies[4 + (key % 4)] / SampleRate];
            for (var part = 0; part < 3; part++)
            {
                var (from, to) = part switch { 0 => (0, Half), 1 => (Half, Block), _ => (0, Block) };
                var gram = new double[16];
                for (var n = from; n < to; n++)
                {
                    double[] basis = [Math.Cos(omegas[0] * n), Math.Sin(omegas[0] * n), Math.Cos(omegas[1] * n), Math.Sin(omegas[1] * n)];
                    for (var i = 0; i < 4; i++)
                    {
                        for (var j = 0; j < 4; j++)
                        {
                            gram[(i * 4) + j] += basis[i] * basis[j];
                        }
                    }
                }

                inverses[(key * 3) + part] = Invert(gram);
            }
        }

        return inverses;
    }

    /// <summary>Gauss–Jordan inverse of a 4×4 matrix (row-major); the Gram matrices here are well conditioned.</summary>
    private static double[] Invert(double[] matrix)
    {
        var m = (double[])matrix.Clone();
        var inverse = new double[16];
        for (var i = 0; i < 4; i++)
        {
            inverse[(i * 4) + i] = 1;
        }

        for (var col = 0; col < 4; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < 4; row++)
            {
                if (Math.Abs(m[(row * 4) + col]) > Math.Abs(m[(pivot * 4) + col]))
                {
                    pivot = row;
                }
            }

            for (var k = 0; k < 4; k++)
            {
                (m[(col * 4) + k], m[(pivot * 4) + k]) = (m[(pivot * 4) + k], m[(col * 4) + k]);
                (inverse[(col * 4) + k], inverse[(pivot * 4) + k]) = (inverse[(pivot * 4) + k], inverse[(col * 4) + k]);
            }

            var scale = m[(col * 4) + col];
            for (var k = 0; k < 4; k++)
            {
                m[(col * 4) + k] /= scale;
                inverse[(col * 4) + k] /= scale;
            }

            for (var row = 0; row < 4; row++)
            {
                var factor = m[(row * 4) + col];
                if (row == col || factor == 0)
                {
                    continue;
                }

                for (var k = 0; k < 4; k++)
                {
                    m[(row * 4) + k] -= factor * m[(col * 4) + k];
                    inverse[(row * 4) + k] -= factor * inverse[(col * 4) + k];
                }
            }
        }

        return inverse;
    }

    private static Complex Term(ReadOnlySpan<short> block, int frequency, int from, int to)
    {
        double re = 0, im = 0;
        var row = frequency * Block;
        for (var n = from; n < to; n++)
        {
            re += block[n] * Cosines[row + n];
            im -= block[n] * Sines[row + n];
        }

        return new Complex(re, im);
    }

    /// <summary>For each pair of frequencies (from, to), the DFT term at "to" over the block of cos (or sin) at "from".</summary>
    private static Complex[] Leaks(Func<double, double> wave)
    {
        var leaks = new Complex[64];
        for (var from = 0; from < 8; from++)
        {
            for (var to = 0; to < 8; to++)
            {
                var sum = Complex.Zero;
                for (var n = 0; n < Block; n++)
                {
                    sum += wave(2 * Math.PI * Frequencies[from] * n / SampleRate) * Complex.FromPolarCoordinates(1, -2 * Math.PI * Frequencies[to] * n / SampleRate);
                }

                leaks[(from * 8) + to] = sum;
            }
        }

        return leaks;
    }

    private static double[] Table(Func<double, double> wave)
    {
        var table = new double[Frequencies.Length * Block];
        for (var f = 0; f < Frequencies.Length; f++)
        {
            for (var n = 0; n < Block; n++)
            {
                table[(f * Block) + n] = wave(2 * Math.PI * Frequencies[f] * n / SampleRate);
            }
        }

        return table;
    }

    private readonly record struct Tones(char Key, int Row, int Column, Complex Low, Complex High, double LowOffset, double HighOffset, double Power);
}
