namespace Dialer.Worker.Media;

/// <summary>
/// Audio one session hands to another for mixing: a small FIFO of decoded 8 kHz samples, filled by the source
/// session's receive loop and drained one 20 ms frame at a time by the sink session's clock. It holds back until two
/// frames are there (at the start and after running dry), to ride out network jitter, and keeps at most 200 ms:
/// the oldest audio is dropped first, so that the delay through the mixer cannot grow.
/// </summary>
public sealed class MixFeed
{
    private const int Frame = MediaClock.SamplesPerFrame;
    private const int Prime = 2 * Frame;
    private const int Capacity = 10 * Frame;
    private readonly short[] ring = new short[Capacity];
    private readonly Lock gate = new();
    private int head;
    private int count;
    private bool primed;

    internal MixFeed(RtpSession source) => Source = source;

    /// <summary>The session whose received audio this feed carries.</summary>
    public RtpSession Source { get; }

    /// <summary>Samples dropped because the sink drained more slowly than the source filled (clock drift, bursts).</summary>
    public long Dropped { get; private set; }

    /// <summary>Appends received audio, dropping the oldest samples beyond the capacity.</summary>
    public void Push(ReadOnlySpan<short> pcm)
    {
        lock (gate)
        {
            foreach (var sample in pcm)
            {
                if (count == Capacity)
                {
                    head = (head + 1) % Capacity;
                    count--;
                    Dropped++;
                }

                ring[(head + count) % Capacity] = sample;
                count++;
            }

            primed |= count >= Prime;
        }
    }

    /// <summary>Adds the next frame into <paramref name="mix"/>; false (adding nothing) while holding back or dry.</summary>
    public bool AddFrameTo(Span<int> mix)
    {
        lock (gate)
        {
            if (!primed || count < Frame)
            {
                primed = false;
                return false;
            }

            var n = Math.Min(mix.Length, Frame);
            for (var i = 0; i < n; i++)
            {
                mix[i] += ring[(head + i) % Capacity];
            }

            head = (head + Frame) % Capacity;
            count -= Frame;
            return true;
        }
    }
}
