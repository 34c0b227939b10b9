namespace Dialer.Worker.Media;

/// <summary>
/// The Goertzel algorithm: the energy of one frequency in a block of samples, cheaper than an FFT when
/// only a few frequencies matter (tone detection, DTMF, finding a test tone in a recording).
/// </summary>
public static class Goertzel
{
    /// <summary>Squared magnitude of the DFT term at <paramref name="frequency"/> over the block.</summary>
    public static double Power(ReadOnlySpan<short> samples, double frequency, int sampleRate = 8000)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            var s0 = x + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
    }

    /// <summary>
    /// The share of the block's energy at <paramref name="frequency"/>: about 1 for a pure tone at that
    /// frequency, about 0 for silence, noise or other tones.
    /// </summary>
    public static double RelativePower(ReadOnlySpan<short> samples, double frequency, int sampleRate = 8000)
    {
        double energy = 0;
        foreach (var x in samples)
        {
            energy += (double)x * x;
        }

        if (energy < samples.Length * 4.0)
        {
            return 0;
        }

        return 2 * Power(samples, frequency, sampleRate) / (samples.Length * energy);
    }

    /// <summary>
    /// How long a tone is present in a recording: the total duration of 20 ms blocks whose energy is mostly
    /// (by <paramref name="threshold"/>) at the frequency and that are louder than <paramref name="minimumRms"/>.
    /// </summary>
    public static TimeSpan ToneDuration(ReadOnlySpan<short> samples, double frequency, int sampleRate = 8000, double threshold = 0.5, double minimumRms = 100)
    {
        var block = sampleRate / 50;
        var found = 0;
        for (var offset = 0; offset + block <= samples.Length; offset += block)
        {
            var span = samples.Slice(offset, block);
            if (Rms(span) >= minimumRms && RelativePower(span, frequency, sampleRate) >= threshold)
            {
                found++;
            }
        }

        return TimeSpan.FromMilliseconds(found * 20);
    }

    /// <summary>Root mean square level of a block.</summary>
    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.Length == 0)
        {
            return 0;
        }

        double energy = 0;
        foreach (var x in samples)
        {
            energy += (double)x * x;
        }

        return Math.Sqrt(energy / samples.Length);
    }
}
