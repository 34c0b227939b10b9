namespace Dialer.Worker.Media;

/// <summary>
/// Removes a constant offset (DC) from received audio before it is measured: y[n] = x[n] − x[n−1] + 0.995·y[n−1], a
/// first-order high-pass at about 6 Hz at 8 kHz that leaves the telephone band as it is. A line or a recording with an
/// offset otherwise has it counted as sound: its level hides quiet speech, and a tone's zero crossings are missed.
/// </summary>
public sealed class DcBlocker
{
    private const double Pole = 0.995;
    private double previousIn;
    private double previousOut;
    private bool started;

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

            previousIn = sum / input.Length;
            started = true;
        }

        for (var i = 0; i < input.Length; i++)
        {
            var y = input[i] - previousIn + (Pole * previousOut);
            previousIn = input[i];
            previousOut = y;
            output[i] = (short)Math.Clamp(Math.Round(y), short.MinValue, short.MaxValue);
        }
    }
}
