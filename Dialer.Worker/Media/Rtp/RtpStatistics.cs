namespace Dialer.Worker.Media;

/// <summary>A snapshot of an RTP session's counters.</summary>
/// <param name="PacketsSent">RTP packets sent.</param>
/// <param name="OctetsSent">RTP payload octets sent.</param>
/// <param name="PacketsReceived">RTP packets received from the current source.</param>
/// <param name="OctetsReceived">RTP payload octets received.</param>
/// <param name="PacketsLost">Expected minus received (RFC 3550 A.3), never below 0.</param>
/// <param name="PacketsLate">Packets that arrived after a later sequence number (late or out of order).</param>
/// <param name="PacketsDuplicate">Packets with a sequence number already seen last.</param>
/// <param name="PacketsRejected">Datagrams that were not valid RTP or were from an unexpected source.</param>
/// <param name="Jitter">Interarrival jitter (RFC 3550 A.8).</param>
/// <param name="RtcpSent">RTCP compound packets sent.</param>
/// <param name="RtcpReceived">RTCP compound packets received.</param>
/// <param name="RemoteReport">The last reception report the peer sent about our stream.</param>
/// <param name="RoundTripTime">Round trip from the peer's last report on our SR, when known.</param>
public sealed record RtpStatistics(
    long PacketsSent,
    long OctetsSent,
    long PacketsReceived,
    long OctetsReceived,
    long PacketsLost,
    long PacketsLate,
    long PacketsDuplicate,
    long PacketsRejected,
    TimeSpan Jitter,
    long RtcpSent,
    long RtcpReceived,
    RtcpReportBlock? RemoteReport,
    TimeSpan? RoundTripTime);

/// <summary>Sequence and jitter bookkeeping for the received stream (RFC 3550 appendix A.1, A.3, A.8).</summary>
internal sealed class ReceiveStatistics
{
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private const int SequenceModulo = 1 << 16;

    private bool initialized;
    private ushort maxSequence;
    private uint cycles;
    private uint baseSequence;
    private int badSequence = SequenceModulo + 1;
    private long expectedPrior;
    private long receivedPrior;
    private bool haveTransit;
    private long lastTransit;
    private double jitter;

    public uint Ssrc { get; private set; }

    public long Received { get; private set; }

    public long Octets { get; private set; }

    public long Late { get; private set; }

    public long Duplicate { get; private set; }

    public bool HasSource => initialized;

    public long ExtendedMax => cycles + maxSequence;

    public long Expected => initialized ? ExtendedMax - baseSequence + 1 : 0;

    public long Lost => Math.Max(0, Expected - Received);

    /// <summary>Jitter in timestamp units.</summary>
    public double Jitter => jitter;

    /// <summary>Counts one packet; returns false for a packet to ignore (a jump being confirmed).</summary>
    public bool Update(in RtpHeader header, long arrivalTimestampUnits, bool countForJitter)
    {
        var seq = header.SequenceNumber;
        if (!initialized || header.Ssrc != Ssrc)
        {
            Reset(header.Ssrc, seq);
        }
        else
        {
            var delta = (ushort)(seq - maxSequence);
            if (delta == 0)
            {
                Duplicate++;
            }
            else if (delta < MaxDropout)
            {
                if (seq < maxSequence)
                {
                    cycles += SequenceModulo;
                }

                maxSequence = seq;
            }
            else if (delta <= SequenceModulo - MaxMisorder)
            {
                // A big jump: the source restarted. Accept it when the next packet follows it.
                if (seq == badSequence)
                {
                    Reset(header.Ssrc, seq);
                }
                else
                {
                    badSequence = (seq + 1) & (SequenceModulo - 1);
                    return false;
                }
            }
            else
            {
                Late++;
            }
        }

        Received++;
        Octets += header.PayloadLength;
        if (countForJitter)
        {
            var transit = arrivalTimestampUnits - header.Timestamp;
            if (haveTransit)
            {
                var d = (double)Math.Abs((int)(transit - lastTransit));
                jitter += (d - jitter) / 16;
            }

            lastTransit = transit;
            haveTransit = true;
        }

        return true;
    }

    /// <summary>A report block for RTCP, advancing the "prior" counters used for the fraction lost.</summary>
    public RtcpReportBlock Report(uint lastSenderReport, uint delaySinceLastSenderReport)
    {
        var expected = Expected;
        var expectedInterval = expected - expectedPrior;
        var receivedInterval = Received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = Received;
        var lostInterval = expectedInterval - receivedInterval;
        var fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        return new RtcpReportBlock(
            Ssrc,
            fraction,
            (int)Math.Clamp(expected - Received, -0x800000, 0x7FFFFF),
            (uint)ExtendedMax,
            (uint)jitter,
            lastSenderReport,
            delaySinceLastSenderReport);
    }

    private void Reset(uint ssrc, ushort seq)
    {
        initialized = true;
        Ssrc = ssrc;
        baseSequence = seq;
        maxSequence = seq;
        badSequence = SequenceModulo + 1;
        cycles = 0;
        Received = 0;
        Octets = 0;
        Late = 0;
        Duplicate = 0;
        expectedPrior = 0;
        receivedPrior = 0;
        haveTransit = false;
        jitter = 0;
    }
}
