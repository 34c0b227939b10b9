using System.Buffers.Binary;
using System.Text;

namespace Dialer.Worker.Media;

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
