namespace Dialer.Worker.Media;

/// <summary>
/// Band-limited resampling by windowed sinc (Kaiser window, beta 8.6, 32 zero crossings): the cut-off sits
/// at 0.45 of the lower rate, so going down to 8 kHz keeps the telephone band and removes what would alias.
/// Meant for prompts loaded once, not for the real-time path.
/// </summary>
public static class Resampler
{
    private const int ZeroCrossings = 32;
    private const double Beta = 8.6;
    private const double CutoffFraction = 0.9;

    public static short[] Resample(ReadOnlySpan<short> input, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        if (fromRate == toRate || input.Length == 0)
        {
            return input.ToArray();
        }

        var ratio = (double)toRate / fromRate;
        var outputLength = (int)Math.Floor(input.Length * ratio);
        var output = new short[outputLength];

        // Cut-off relative to the input rate (cycles per input sample): half the lower rate, times a margin.
        var cutoff = 0.5 * Math.Min(1.0, ratio) * CutoffFraction;
        var halfWidth = ZeroCrossings / (2.0 * cutoff) / 2.0;
        // The windowed-sinc kernel tabulated over [0, halfWidth] and read with linear interpolation.
        const int stepsPerSample = 64;
        var table = new double[(int)Math.Ceiling(halfWidth * stepsPerSample) + 2];
        var i0Beta = BesselI0(Beta);
        for (var t = 0; t < table.Length; t++)
        {
            var x = (double)t / stepsPerSample;
            var sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            var w = Math.Min(1, x / halfWidth);
            table[t] = sinc * BesselI0(Beta * Math.Sqrt(1 - (w * w))) / i0Beta;
        }

        for (var n = 0; n < outputLength; n++)
        {
            var center = n / ratio;
            var first = Math.Max(0, (int)Math.Ceiling(center - halfWidth));
            var last = Math.Min(input.Length - 1, (int)Math.Floor(center + halfWidth));
            double sum = 0;
            for (var k = first; k <= last; k++)
            {
                var position = Math.Abs(k - center) * stepsPerSample;
                var index = (int)position;
                var fraction = position - index;
                var weight = index + 1 < table.Length ? table[index] + ((table[index + 1] - table[index]) * fraction) : 0;
                sum += input[k] * weight;
            }

            output[n] = (short)Math.Clamp(Math.Round(sum), short.MinValue, short.MaxValue);
        }

        return output;
    }

    /// <summary>Averages interleaved channels into one.</summary>
    public static short[] ToMono(ReadOnlySpan<short> interleaved, int channels)
    {
        if (channels == 1)
        {
            return interleaved.ToArray();
        }

        var frames = interleaved.Length / channels;
        var mono = new short[frames];
        for (var f = 0; f < frames; f++)
        {
            var sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += interleaved[(f * channels) + c];
            }

            mono[f] = (short)(sum / channels);
        }

        return mono;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (var k = 1; k < 50; k++)
        {
            term *= half / k;
            var t2 = term * term;
            sum += t2;
            if (t2 < sum * 1e-12)
            {
                break;
            }
        }

        return sum;
    }
}
