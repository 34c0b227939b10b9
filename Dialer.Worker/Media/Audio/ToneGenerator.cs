namespace Dialer.Worker.Media;

/// <summary>Sine tones and dual tones (DTMF) written into sample buffers.</summary>
public static class ToneGenerator
{
    /// <summary>Row and column frequencies of the DTMF keys.</summary>
    public static (double Low, double High)? DtmfFrequencies(char digit) => char.ToUpperInvariant(digit) switch
    {
        '1' => (697, 1209),
        '2' => (697, 1336),
        '3' => (697, 1477),
        'A' => (697, 1633),
        '4' => (770, 1209),
        '5' => (770, 1336),
        '6' => (770, 1477),
        'B' => (770, 1633),
        '7' => (852, 1209),
        '8' => (852, 1336),
        '9' => (852, 1477),
        'C' => (852, 1633),
        '*' => (941, 1209),
        '0' => (941, 1336),
        '#' => (941, 1477),
        'D' => (941, 1633),
        _ => null,
    };

    /// <summary>Writes a sine of the given peak amplitude starting at sample index <paramref name="start"/> (for phase continuity).</summary>
    public static void Fill(Span<short> destination, double frequency, double amplitude, long start, int sampleRate = 8000)
    {
        var step = 2 * Math.PI * frequency / sampleRate;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (short)Math.Clamp(amplitude * Math.Sin(step * (start + i)), short.MinValue, short.MaxValue);
        }
    }

    /// <summary>Writes the sum of two sines, each at the given amplitude.</summary>
    public static void FillDual(Span<short> destination, double low, double high, double amplitude, long start, int sampleRate = 8000)
    {
        var a = 2 * Math.PI * low / sampleRate;
        var b = 2 * Math.PI * high / sampleRate;
        for (var i = 0; i < destination.Length; i++)
        {
            var t = start + i;
            destination[i] = (short)Math.Clamp(amplitude * (Math.Sin(a * t) + Math.Sin(b * t)), short.MinValue, short.MaxValue);
        }
    }
}
