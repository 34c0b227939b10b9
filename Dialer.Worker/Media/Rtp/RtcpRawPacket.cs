namespace Dialer.Worker.Media;

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
