namespace Dialer.Worker.Media;

/// <summary>
/// Takes what lies below the voice out of received audio before it is measured: a constant offset (DC) and mains hum
/// (50/60 Hz) or a car's rumble. A second-order Butterworth high-pass at 100 Hz at 8 kHz, below a voice's pitch and the
/// telephone band. Left in, an offset or a hum is counted as sound: its level hides quiet speech as the line's noise, and
/// an offset hides a tone's zero crossings.
/// </summary>
public sealed class HighPass
{
    private const double Cutoff = 100;
    private const int SampleRate = 8000;
    private readonly double b0;
    private readonly double b1;
    private readonly double a1;
    private readonly double a2;
    private double x1;
    private double x2;
    private double y1;
    private double y2;
    private bool started;

    public HighPass()
    {
        var w = 2 * Math.PI * Cutoff / SampleRate;
        var alpha = Math.Sin(w) / (2 * Math.Sqrt(0.5));
        var cos = Math.Cos(w);
        var a0 = 1 + alpha;
        b0 = (1 + cos) / 2 / a0;
        b1 = -(1 + cos) / a0;
        a1 = -2 * cos / a0;
        a2 = (1 - alpha) / a0;
    }

    /// <summary>Filters <paramref name="input"/> into <paramref name="output"/> (the same length), keeping its state for the next block.</summary>
    public void Filter(ReadOnlySpan<short> input, Span<short> output)
    {
        if (input.Length == 0)
        {
            return;
        }

        if (!started)
        {
            // Start as if the first block's mean had always been there: an offset present from the start is not a step
            // (it would be heard as a burst), nor is a first sample far from it.
            double sum = 0;
            foreach (var x in input)
            {
                sum += x;
            }

            x1 = x2 = sum / input.Length;
            started = true;
        }

        for (var i = 0; i < input.Length; i++)
        {
            double x = input[i];
            var y = (b0 * x) + (b1 * x1) + (b0 * x2) - (a1 * y1) - (a2 * y2);
            x2 = x1;
            x1 = x;
            y2 = y1;
            y1 = y;
            output[i] = (short)Math.Clamp(Math.Round(y), short.MinValue, short.MaxValue);
        }
    }
}
