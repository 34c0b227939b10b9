namespace Dialer.Worker.Media;

/// <summary>Collects samples that arrive in pieces of any length into whole blocks of a fixed size (a detector's frames).</summary>
public sealed class FrameBuffer(int size)
{
    private readonly short[] block = new short[size];
    private int count;

    /// <summary>
    /// Moves samples from the front of <paramref name="samples"/> into the block; true with the block once it is whole
    /// (valid until the next call).
    /// </summary>
    public bool Take(ref ReadOnlySpan<short> samples, out ReadOnlySpan<short> frame)
    {
        var n = Math.Min(block.Length - count, samples.Length);
        samples[..n].CopyTo(block.AsSpan(count));
        count += n;
        samples = samples[n..];
        if (count < block.Length)
        {
            frame = default;
            return false;
        }

        count = 0;
        frame = block;
        return true;
    }
}
