using System.Buffers.Binary;

namespace Dialer.Worker.Media;

/// <summary>
/// An RTCP packet (RFC 3550 section 6): sender report, receiver report, source description, BYE, or one
/// kept as raw bytes. Compound packets are read with <see cref="TryParseCompound"/>.
/// </summary>
public abstract class RtcpPacket
{
    public const int SenderReportType = 200;
    public const int ReceiverReportType = 201;
    public const int SourceDescriptionType = 202;
    public const int ByeType = 203;

    public abstract int PacketType { get; }

    /// <summary>The written size in bytes, a multiple of 4.</summary>
    public abstract int Length { get; }

    /// <summary>Writes the packet; returns the bytes written.</summary>
    public abstract int WriteTo(Span<byte> destination);

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>
    /// Reads every packet of a compound RTCP datagram into <paramref name="packets"/>. Returns false, never
    /// throws, when the datagram is malformed (wrong version, lengths past the end, truncated reports).
    /// </summary>
    public static bool TryParseCompound(ReadOnlySpan<byte> data, List<RtcpPacket> packets)
    {
        ArgumentNullException.ThrowIfNull(packets);
        if (data.Length < 4)
        {
            return false;
        }

        var offset = 0;
        while (offset < data.Length)
        {
            var rest = data[offset..];
            if (rest.Length < 4 || rest[0] >> 6 != 2)
            {
                return false;
            }

            var length = (BinaryPrimitives.ReadUInt16BigEndian(rest[2..]) + 1) * 4;
            if (length > rest.Length)
            {
                return false;
            }

            var body = rest[..length];
            if ((body[0] & 0x20) != 0)
            {
                var pad = body[^1];
                if (pad == 0 || pad > length - 4)
                {
                    return false;
                }

                body = body[..^pad];
            }

            var count = body[0] & 0x1F;
            RtcpPacket? packet = body[1] switch
            {
                SenderReportType => RtcpSenderReport.TryRead(body, count),
                ReceiverReportType => RtcpReceiverReport.TryRead(body, count),
                SourceDescriptionType => RtcpSourceDescription.TryRead(body, count),
                ByeType => RtcpBye.TryRead(body, count),
                _ => new RtcpRawPacket(body[1], body.ToArray()),
            };
            if (packet is null)
            {
                return false;
            }

            packets.Add(packet);
            offset += length;
        }

        return true;
    }

    /// <summary>Writes several packets back to back as one compound datagram; returns the bytes written.</summary>
    public static int WriteCompound(IEnumerable<RtcpPacket> packets, Span<byte> destination)
    {
        var offset = 0;
        foreach (var p in packets)
        {
            offset += p.WriteTo(destination[offset..]);
        }

        return offset;
    }

    private protected static void WriteCommonHeader(Span<byte> destination, int count, int packetType, int length)
    {
        destination[0] = (byte)(0x80 | (count & 0x1F));
        destination[1] = (byte)packetType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((length / 4) - 1));
    }
}
