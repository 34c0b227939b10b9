using System.Buffers.Binary;

namespace Dialer.Worker.Media;

/// <summary>SR: sender info and reception reports (RFC 3550 section 6.4.1).</summary>
public sealed class RtcpSenderReport : RtcpPacket
{
    public uint Ssrc { get; set; }

    /// <summary>64-bit NTP timestamp of when the report was sent.</summary>
    public ulong NtpTimestamp { get; set; }

    public uint RtpTimestamp { get; set; }

    public uint PacketCount { get; set; }

    public uint OctetCount { get; set; }

    public List<RtcpReportBlock> Reports { get; } = [];

    public override int PacketType => SenderReportType;

    public override int Length => 28 + (Reports.Count * RtcpReportBlock.Size);

    public override int WriteTo(Span<byte> destination)
    {
        var length = Length;
        WriteCommonHeader(destination, Reports.Count, PacketType, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], OctetCount);
        for (var i = 0; i < Reports.Count; i++)
        {
            Reports[i].Write(destination[(28 + (i * RtcpReportBlock.Size))..]);
        }

        return length;
    }

    internal static RtcpSenderReport? TryRead(ReadOnlySpan<byte> body, int count)
    {
        if (body.Length < 28 + (count * RtcpReportBlock.Size))
        {
            return null;
        }

        var sr = new RtcpSenderReport
        {
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(body[4..]),
            NtpTimestamp = BinaryPrimitives.ReadUInt64BigEndian(body[8..]),
            RtpTimestamp = BinaryPrimitives.ReadUInt32BigEndian(body[16..]),
            PacketCount = BinaryPrimitives.ReadUInt32BigEndian(body[20..]),
            OctetCount = BinaryPrimitives.ReadUInt32BigEndian(body[24..]),
        };
        for (var i = 0; i < count; i++)
        {
            sr.Reports.Add(RtcpReportBlock.Read(body[(28 + (i * RtcpReportBlock.Size))..]));
        }

        return sr;
    }
}
