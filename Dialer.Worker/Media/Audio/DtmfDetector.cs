namespace Dialer.Worker.Media;

/// <summary>
/// In-band DTMF detection (for peers without RFC 4733 telephone-event): Goertzel filters on the eight DTMF
/// frequencies over 20 ms blocks of 8 kHz audio. A block holds a key when one row and one column tone stand
/// well above the other rows and columns, carry most of the block's energy, are loud enough and within the
/// allowed twist. A key is reported once after two such blocks in a row (40 ms) and again only after a pause.
/// </summary>
public sealed class DtmfDetector
{
    private const int Block = 160;
    private const double MinimumRms = 150;
    private const double DominanceRatio = 4;
    private const double MaximumTwist = 6.3;
    private const double MinimumShare = 0.6;
    private static readonly double[] Rows = [697, 770, 852, 941];
    private static readonly double[] Columns = [1209, 1336, 1477, 1633];
    private static readonly char[,] Keys =
    {
        { '1', '2', '3', 'A' },
        { '4', '5', '6', 'B' },
        { '7', '8', '9', 'C' },
        { '*', '0', '#', 'D' },
    };

    private readonly FrameBuffer buffer = new(Block);
    private char? candidate;
    private int candidateBlocks;
    private bool reported;
    private int quietBlocks;

    /// <summary>Feeds samples; <paramref name="onDigit"/> runs for each key detected.</summary>
    public void Process(ReadOnlySpan<short> samples, Action<char> onDigit)
    {
        while (samples.Length > 0)
        {
            if (buffer.Take(ref samples, out var block) && BlockDone(Classify(block)) is { } digit)
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

    /// <summary>The key one 20 ms block holds, or null.</summary>
    public static char? Classify(ReadOnlySpan<short> block)
    {
        var rms = Goertzel.Rms(block);
        if (rms < MinimumRms)
        {
            return null;
        }

        var energy = rms * rms * block.Length;
        Span<double> rows = stackalloc double[4];
        Span<double> columns = stackalloc double[4];
        for (var i = 0; i < 4; i++)
        {
            rows[i] = Goertzel.Power(block, Rows[i]);
            columns[i] = Goertzel.Power(block, Columns[i]);
        }

        var r = IndexOfMax(rows);
        var c = IndexOfMax(columns);
        for (var i = 0; i < 4; i++)
        {
            if ((i != r && rows[i] * DominanceRatio > rows[r]) || (i != c && columns[i] * DominanceRatio > columns[c]))
            {
                return null;
            }
        }

        var twist = rows[r] / columns[c];
        if (twist > MaximumTwist || twist < 1 / MaximumTwist)
        {
            return null;
        }

        var share = 2 * (rows[r] + columns[c]) / (block.Length * energy);
        return share >= MinimumShare ? Keys[r, c] : null;
    }

    private char? BlockDone(char? key)
    {
        if (key is null)
        {
            if (++quietBlocks >= 2)
            {
                candidate = null;
                candidateBlocks = 0;
                reported = false;
            }

            return null;
        }

        quietBlocks = 0;
        if (key != candidate)
        {
            candidate = key;
            candidateBlocks = 1;
            reported = false;
            return null;
        }

        if (++candidateBlocks >= 2 && !reported)
        {
            reported = true;
            return key;
        }

        return null;
    }

    private static int IndexOfMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
