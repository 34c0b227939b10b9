using System.Buffers.Binary;
using System.Text;

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

/// <summary>A reception report block (RFC 3550 section 6.4.1).</summary>
public readonly record struct RtcpReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequence,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    public const int Size = 24;

    internal static RtcpReportBlock Read(ReadOnlySpan<byte> b)
    {
        var lost = (b[5] << 16) | (b[6] << 8) | b[7];
        if ((lost & 0x800000) != 0)
        {
            lost |= unchecked((int)0xFF000000);
        }

        return new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(b),
            b[4],
            lost,
            BinaryPrimitives.ReadUInt32BigEndian(b[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(b[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(b[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(b[20..]));
    }

    internal void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt32BigEndian(b, Ssrc);
        b[4] = FractionLost;
        var lost = Math.Clamp(CumulativeLost, -0x800000, 0x7FFFFF);
        b[5] = (byte)(lost >> 16);
        b[6] = (byte)(lost >> 8);
        b[7] = (byte)lost;
        BinaryPrimitives.WriteUInt32BigEndian(b[8..], ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(b[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(b[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(b[20..], DelaySinceLastSenderReport);
    }
}

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

/// <summary>SDES with one CNAME item per source (RFC 3550 section 6.5); other items are read and kept.</summary>
public sealed class RtcpSourceDescription : RtcpPacket
{
    public const int CnameItem = 1;

    public List<(uint Ssrc, List<(int Type, string Text)> Items)> Chunks { get; } = [];

    public override int PacketType => SourceDescriptionType;

    public override int Length
    {
        get
        {
            var length = 4;
            foreach (var (_, items) in Chunks)
            {
                var chunk = 4 + items.Sum(i => 2 + Math.Min(255, Encoding.UTF8.GetByteCount(i.Text))) + 1;
                length += (chunk + 3) & ~3;
            }

            return length;
        }
    }

    public static RtcpSourceDescription Cname(uint ssrc, string cname)
    {
        var sdes = new RtcpSourceDescription();
        sdes.Chunks.Add((ssrc, [(CnameItem, cname)]));
        return sdes;
    }

    public override int WriteTo(Span<byte> destination)
    {
        var length = Length;
        WriteCommonHeader(destination, Chunks.Count, PacketType, length);
        var offset = 4;
        foreach (var (ssrc, items) in Chunks)
        {
            var start = offset;
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], ssrc);
            offset += 4;
            foreach (var (type, text) in items)
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                var n = Math.Min(255, bytes.Length);
                destination[offset] = (byte)type;
                destination[offset + 1] = (byte)n;
                bytes.AsSpan(0, n).CopyTo(destination[(offset + 2)..]);
                offset += 2 + n;
            }

            var end = start + ((offset + 1 - start + 3) & ~3);
            destination[offset..end].Clear();
            offset = end;
        }

        return length;
    }

    internal static RtcpSourceDescription? TryRead(ReadOnlySpan<byte> body, int count)
    {
        var sdes = new RtcpSourceDescription();
        var offset = 4;
        for (var c = 0; c < count; c++)
        {
            if (offset + 4 > body.Length)
            {
                return null;
            }

            var start = offset;
            var ssrc = BinaryPrimitives.ReadUInt32BigEndian(body[offset..]);
            offset += 4;
            var items = new List<(int, string)>();
            while (true)
            {
                if (offset >= body.Length)
                {
                    return null;
                }

                var type = body[offset];
                if (type == 0)
                {
                    offset++;
                    break;
                }

                if (offset + 2 > body.Length || offset + 2 + body[offset + 1] > body.Length)
                {
                    return null;
                }

                var n = body[offset + 1];
                items.Add((type, Encoding.UTF8.GetString(body.Slice(offset + 2, n))));
                offset += 2 + n;
            }

            offset = start + ((offset - start + 3) & ~3);
            sdes.Chunks.Add((ssrc, items));
        }

        return sdes;
    }
}

/// <summary>BYE: sources leaving, with an optional reason (RFC 3550 section 6.6).</summary>
public sealed class RtcpBye : RtcpPacket
{
    public List<uint> Ssrcs { get; } = [];

    public string? Reason { get; set; }

    public override int PacketType => ByeType;

    public override int Length
    {
        get
        {
            var length = 4 + (Ssrcs.Count * 4);
            if (Reason is not null)
            {
                length += (1 + Math.Min(255, Encoding.UTF8.GetByteCount(Reason)) + 3) & ~3;
            }

            return length;
        }
    }

    public override int WriteTo(Span<byte> destination)
    {
        var length = Length;
        WriteCommonHeader(destination, Ssrcs.Count, PacketType, length);
        var offset = 4;
        foreach (var ssrc in Ssrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], ssrc);
            offset += 4;
        }

        if (Reason is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(Reason);
            var n = Math.Min(255, bytes.Length);
            destination[offset] = (byte)n;
            bytes.AsSpan(0, n).CopyTo(destination[(offset + 1)..]);
            destination[(offset + 1 + n)..length].Clear();
        }

        return length;
    }

    internal static RtcpBye? TryRead(ReadOnlySpan<byte> body, int count)
    {
        if (body.Length < 4 + (count * 4))
        {
            return null;
        }

        var bye = new RtcpBye();
        for (var i = 0; i < count; i++)
        {
            bye.Ssrcs.Add(BinaryPrimitives.ReadUInt32BigEndian(body[(4 + (i * 4))..]));
        }

        var offset = 4 + (count * 4);
        if (offset < body.Length)
        {
            var n = body[offset];
            if (offset + 1 + n > body.Length)
            {
                return null;
            }

            bye.Reason = Encoding.UTF8.GetString(body.Slice(offset + 1, n));
        }

        return bye;
    }
}

/// <summary>An RTCP packet of a type this stack does not interpret (APP, feedback...), kept whole.</summary>
public sealed class RtcpRawPacket(int packetType, byte[] bytes) : RtcpPacket
{
    public byte[] Bytes { get; } = bytes;

    public override int PacketType { get; } = packetType;

    public override int Length => Bytes.Length;

    public override int WriteTo(Span<byte> destination)
    {
        Bytes.CopyTo(destination);
        return Bytes.Length;
    }
}
