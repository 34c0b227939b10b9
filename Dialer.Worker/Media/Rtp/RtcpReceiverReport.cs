using System.Buffers.Binary;

namespace Dialer.Worker.Media;

/// <summary>RR: reception reports from a participant that has not sent (RFC 3550 section 6.4.2).</summary>
public sealed class RtcpReceiverReport : RtcpPacket
{
    public uint Ssrc { get; set; }

    public List<RtcpReportBlock> Reports { get; } = [];

    public override int PacketType => ReceiverReportType;

    public override int Length => 8 + (Reports.Count * RtcpReportBlock.Size);

    public override int WriteTo(Span<byte> destination)
    {
        var length = Length;
        WriteCommonHeader(destination, Reports.Count, PacketType, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Ssrc);
        for (var i = 0; i < Reports.Count; i++)
        {
            Reports[i].Write(destination[(8 + (i * RtcpReportBlock.Size))..]);
        }

        return length;
    }

    internal static RtcpReceiverReport? TryRead(ReadOnlySpan<byte> body, int count)
    {
        if (body.Length < 8 + (count * RtcpReportBlock.Size))
        {
            return null;
        }

        var rr = new RtcpReceiverReport { Ssrc = BinaryPrimitives.ReadUInt32BigEndian(body[4..]) };
        for (var i = 0; i < count; i++)
        {
            rr.Reports.Add(RtcpReportBlock.Read(body[(8 + (i * RtcpReportBlock.Size))..]));
        }

        return rr;
    }
}
