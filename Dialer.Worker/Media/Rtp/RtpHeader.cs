using System.Buffers.Binary;

namespace Dialer.Worker.Media;

/// <summary>
/// The fixed RTP header (RFC 3550 section 5.1) read from a datagram without allocating: the fields and
/// where the payload sits. CSRCs and the header extension are skipped over; <see cref="RtpPacket"/> keeps them.
/// </summary>
public readonly record struct RtpHeader
{
    public const int FixedLength = 12;

    public int Version { get; init; }

    public bool Padding { get; init; }

    public bool Extension { get; init; }

    public int CsrcCount { get; init; }

    public bool Marker { get; init; }

    public int PayloadType { get; init; }

    public ushort SequenceNumber { get; init; }

    public uint Timestamp { get; init; }

    public uint Ssrc { get; init; }

    /// <summary>Bytes before the payload: fixed header, CSRCs and extension.</summary>
    public int HeaderLength { get; init; }

    public int PayloadLength { get; init; }

    /// <summary>Padding bytes after the payload, including the count byte.</summary>
    public int PaddingLength { get; init; }

    /// <summary>
    /// Reads the header of an RTP datagram. Returns false, never throws, for anything that is not
    /// well-formed RTP version 2: too short, wrong version, CSRC list or extension or padding past the end.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out RtpHeader header)
    {
        header = default;
        if (data.Length < FixedLength)
        {
            return false;
        }

        var b0 = data[0];
        var version = b0 >> 6;
        if (version != 2)
        {
            return false;
        }

        var padding = (b0 & 0x20) != 0;
        var extension = (b0 & 0x10) != 0;
        var csrcCount = b0 & 0x0F;
        var payloadType = data[1] & 0x7F;
        if (payloadType is >= 72 and <= 76)
        {
            // RTCP packet types 200-204 sent to the RTP port (RFC 5761 section 4): not RTP.
            return false;
        }

        var offset = FixedLength + (csrcCount * 4);
        if (offset > data.Length)
        {
            return false;
        }

        if (extension)
        {
            if (offset + 4 > data.Length)
            {
                return false;
            }

            var words = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            offset += 4 + (words * 4);
            if (offset > data.Length)
            {
                return false;
            }
        }

        var paddingLength = 0;
        if (padding)
        {
            paddingLength = data[^1];
            if (paddingLength == 0 || offset + paddingLength > data.Length)
            {
                return false;
            }
        }

        header = new RtpHeader
        {
            Version = version,
            Padding = padding,
            Extension = extension,
            CsrcCount = csrcCount,
            Marker = (data[1] & 0x80) != 0,
            PayloadType = payloadType,
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            HeaderLength = offset,
            PayloadLength = data.Length - offset - paddingLength,
            PaddingLength = paddingLength,
        };
        return true;
    }

    /// <summary>Writes a 12-byte header with no CSRCs, extension or padding; returns 12.</summary>
    public static int WriteSimple(Span<byte> destination, bool marker, int payloadType, ushort sequence, uint timestamp, uint ssrc)
    {
        destination[0] = 0x80;
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
        return FixedLength;
    }
}
