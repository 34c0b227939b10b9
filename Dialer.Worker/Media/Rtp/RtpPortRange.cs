namespace Dialer.Worker.Media;

/// <summary>
/// The UDP ports RTP sessions may bind: even ports for RTP, the odd port above for RTCP. Sessions take
/// ports round-robin from a shared cursor so a port just released is not reused at once.
/// </summary>
public sealed class RtpPortRange
{
    private int cursor;

    /// <param name="min">Lowest port (rounded up to even), 1024 or above; 0 with max 0 for "any free port".</param>
    /// <param name="max">Highest port for RTCP (RTP at most max - 1).</param>
    public RtpPortRange(int min, int max)
    {
        if (min == 0 && max == 0)
        {
            return;
        }

        if (min < 1024 || max > 65535 || max <= min + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"RTP port range {min}-{max} must lie within 1024-65535 and hold at least one even/odd pair");
        }

        Min = (min + 1) & ~1;
        Max = max;
        cursor = Min + (Random.Shared.Next(0, Count) * 2) - 2;
    }

    /// <summary>Any free even port chosen by the system.</summary>
    public static RtpPortRange Any => new(0, 0);

    public int Min { get; }

    public int Max { get; }

    public bool IsAny => Min == 0;

    /// <summary>Number of RTP/RTCP pairs in the range.</summary>
    public int Count => IsAny ? 0 : (Max - Min + 1) / 2;

    internal int NextCandidate()
    {
        while (true)
        {
            var current = Volatile.Read(ref cursor);
            var next = current + 2;
            if (next + 1 > Max || next < Min)
            {
                next = Min;
            }

            if (Interlocked.CompareExchange(ref cursor, next, current) == current)
            {
                return next;
            }
        }
    }

    public override string ToString() => IsAny ? "any" : $"{Min}-{Max}";
}
