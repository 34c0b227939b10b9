using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Dialer.Worker.Media;

/// <summary>A whole RTP packet (RFC 3550 section 5.1) with CSRC list, header extension and padding.</summary>
public sealed class RtpPacket
{
    public bool Marker { get; set; }

    public int PayloadType { get; set; }

    public ushort SequenceNumber { get; set; }

    public uint Timestamp { get; set; }

    public uint Ssrc { get; set; }

    /// <summary>Contributing sources, at most 15.</summary>
    public List<uint> Csrcs { get; } = [];

    /// <summary>The profile-defined 16 bits of the header extension; null when there is no extension.</summary>
    public ushort? ExtensionProfile { get; set; }

    /// <summary>Extension data, a multiple of 4 bytes.</summary>
    public byte[] ExtensionData { get; set; } = [];

    public byte[] Payload { get; set; } = [];

    /// <summary>Padding bytes to add when writing (including the count byte), 0 for none.</summary>
    public int PaddingLength { get; set; }

    /// <summary>The written size in bytes.</summary>
    public int Length =>
        RtpHeader.FixedLength + (Csrcs.Count * 4) + (ExtensionProfile is null ? 0 : 4 + ExtensionData.Length) + Payload.Length + PaddingLength;

    /// <summary>Reads an RTP packet; false (never an exception) for malformed data.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out RtpPacket? packet)
    {
        packet = null;
        if (!RtpHeader.TryParse(data, out var h))
        {
            return false;
        }

        packet = new RtpPacket
        {
            Marker = h.Marker,
            PayloadType = h.PayloadType,
            SequenceNumber = h.SequenceNumber,
            Timestamp = h.Timestamp,
            Ssrc = h.Ssrc,
            PaddingLength = h.PaddingLength,
            Payload = data.Slice(h.HeaderLength, h.PayloadLength).ToArray(),
        };
        var offset = RtpHeader.FixedLength;
        for (var i = 0; i < h.CsrcCount; i++, offset += 4)
        {
            packet.Csrcs.Add(BinaryPrimitives.ReadUInt32BigEndian(data[offset..]));
        }

        if (h.Extension)
        {
            packet.ExtensionProfile = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            var words = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            packet.ExtensionData = data.Slice(offset + 4, words * 4).ToArray();
        }

        return true;
    }

    /// <summary>Writes the packet; returns the number of bytes written.</summary>
    public int WriteTo(Span<byte> destination)
    {
        if (Csrcs.Count > 15)
        {
            throw new InvalidOperationException("an RTP packet carries at most 15 CSRCs");
        }

        if (ExtensionData.Length % 4 != 0 || ExtensionData.Length > ushort.MaxValue * 4)
        {
            throw new InvalidOperationException("RTP extension data must be a multiple of 4 bytes");
        }

        if (PaddingLength is < 0 or > 255)
        {
            throw new InvalidOperationException("RTP padding must be 0-255 bytes");
        }

        var length = Length;
        if (destination.Length < length)
        {
            throw new ArgumentException($"destination needs {length} bytes", nameof(destination));
        }

        destination[0] = (byte)(0x80 | (PaddingLength > 0 ? 0x20 : 0) | (ExtensionProfile is null ? 0 : 0x10) | Csrcs.Count);
        destination[1] = (byte)((Marker ? 0x80 : 0) | (PayloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
        var offset = RtpHeader.FixedLength;
        foreach (var csrc in Csrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], csrc);
            offset += 4;
        }

        if (ExtensionProfile is { } profile)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], profile);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)(ExtensionData.Length / 4));
            ExtensionData.CopyTo(destination[(offset + 4)..]);
            offset += 4 + ExtensionData.Length;
        }

        Payload.CopyTo(destination[offset..]);
        offset += Payload.Length;
        if (PaddingLength > 0)
        {
            destination.Slice(offset, PaddingLength - 1).Clear();
            destination[offset + PaddingLength - 1] = (byte)PaddingLength;
            offset += PaddingLength;
        }

        return offset;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }
}
