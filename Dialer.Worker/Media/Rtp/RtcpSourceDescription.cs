using System.Buffers.Binary;
using System.Text;

namespace Dialer.Worker.Media;

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
