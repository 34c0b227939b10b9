using Dialer.Worker.Media;

namespace Dialer.Tests.Media;

public class RtpPacketTests
{
    [Fact]
    public void SimplePacketRoundTrips()
    {
        var packet = new RtpPacket { Marker = true, PayloadType = 8, SequenceNumber = 65535, Timestamp = 0xDEADBEEF, Ssrc = 0x01020304, Payload = [1, 2, 3] };

        var bytes = packet.ToArray();

        Assert.Equal(new byte[] { 0x80, 0x88, 0xFF, 0xFF, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4, 1, 2, 3 }, bytes);
        Assert.True(RtpPacket.TryParse(bytes, out var back));
        Assert.True(back.Marker);
        Assert.Equal(8, back.PayloadType);
        Assert.Equal(65535, back.SequenceNumber);
        Assert.Equal(0xDEADBEEF, back.Timestamp);
        Assert.Equal(0x01020304u, back.Ssrc);
        Assert.Equal(new byte[] { 1, 2, 3 }, back.Payload);
    }

    [Fact]
    public void CsrcExtensionAndPaddingRoundTrip()
    {
        var packet = new RtpPacket { PayloadType = 0, SequenceNumber = 7, Timestamp = 160, Ssrc = 9, Payload = new byte[160], PaddingLength = 3, ExtensionProfile = 0xBEDE, ExtensionData = [1, 2, 3, 4, 5, 6, 7, 8] };
        packet.Csrcs.AddRange([11u, 12u]);

        var bytes = packet.ToArray();

        Assert.Equal(12 + 8 + 4 + 8 + 160 + 3, bytes.Length);
        Assert.True(RtpHeader.TryParse(bytes, out var header));
        Assert.Equal(2, header.CsrcCount);
        Assert.Equal(160, header.PayloadLength);
        Assert.Equal(3, header.PaddingLength);
        Assert.True(RtpPacket.TryParse(bytes, out var back));
        Assert.Equal([11u, 12u], back.Csrcs);
        Assert.Equal((ushort)0xBEDE, back.ExtensionProfile);
        Assert.Equal(packet.ExtensionData, back.ExtensionData);
        Assert.Equal(160, back.Payload.Length);
        Assert.Equal(bytes, back.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0, 1 })]
    [InlineData(new byte[] { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 })]
    [InlineData(new byte[] { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9 })]
    [InlineData(new byte[] { 0x80, 0xC8, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void MalformedPacketsAreRejectedWithoutExceptions(byte[] data)
    {
        Assert.False(RtpHeader.TryParse(data, out _));
        Assert.False(RtpPacket.TryParse(data, out _));
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(3550);
        var buffer = new byte[64];
        var valid = 0;
        for (var i = 0; i < 20000; i++)
        {
            var length = random.Next(0, buffer.Length);
            random.NextBytes(buffer);
            buffer[0] = (byte)((buffer[0] & 0x3F) | 0x80);
            if (RtpPacket.TryParse(buffer.AsSpan(0, length), out var packet))
            {
                valid++;
                Assert.True(packet.Length <= length);
            }
        }

        Assert.InRange(valid, 1, 20000);
    }

    [Fact]
    public void TelephoneEventPayloadRoundTrips()
    {
        var payload = new byte[4];
        TelephoneEvent.Write(payload, TelephoneEvent.CodeOf('#'), end: true, volume: 10, duration: 800);

        Assert.True(TelephoneEvent.TryRead(payload, out var code, out var end, out var duration));
        Assert.Equal('#', TelephoneEvent.DigitOf(code));
        Assert.True(end);
        Assert.Equal(800, duration);
        Assert.Equal(new byte[] { 11, 0x8A, 0x03, 0x20 }, payload);
    }
}
