using Dialer.Worker.Media;

namespace Dialer.Tests.Media;

public class RtcpPacketTests
{
    [Fact]
    public void CompoundSenderReportSdesAndByeRoundTrip()
    {
        var sr = new RtcpSenderReport { Ssrc = 1, NtpTimestamp = 0x0102030405060708, RtpTimestamp = 160, PacketCount = 50, OctetCount = 8000 };
        sr.Reports.Add(new RtcpReportBlock(2, 25, -3, 70000, 12, 0xAABBCCDD, 65536));
        var bye = new RtcpBye { Reason = "done" };
        bye.Ssrcs.Add(1);
        var buffer = new byte[512];

        var length = RtcpPacket.WriteCompound([sr, RtcpSourceDescription.Cname(1, "1@dialer"), bye], buffer);
        var packets = new List<RtcpPacket>();

        Assert.Equal(0, length % 4);
        Assert.True(RtcpPacket.TryParseCompound(buffer.AsSpan(0, length), packets));
        Assert.Equal(3, packets.Count);
        var back = Assert.IsType<RtcpSenderReport>(packets[0]);
        Assert.Equal(sr.NtpTimestamp, back.NtpTimestamp);
        Assert.Equal(50u, back.PacketCount);
        Assert.Equal(sr.Reports[0], Assert.Single(back.Reports));
        var sdes = Assert.IsType<RtcpSourceDescription>(packets[1]);
        Assert.Equal("1@dialer", sdes.Chunks[0].Items[0].Text);
        Assert.Equal("done", Assert.IsType<RtcpBye>(packets[2]).Reason);
    }

    [Fact]
    public void ReceiverReportRoundTrips()
    {
        var rr = new RtcpReceiverReport { Ssrc = 5 };
        rr.Reports.Add(new RtcpReportBlock(6, 0, 0, 1, 2, 3, 4));
        var packets = new List<RtcpPacket>();

        Assert.True(RtcpPacket.TryParseCompound(rr.ToArray(), packets));

        Assert.Equal(rr.Reports, Assert.IsType<RtcpReceiverReport>(Assert.Single(packets)).Reports);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 200, 0 })]
    [InlineData(new byte[] { 0x40, 201, 0, 1, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x81, 201, 0, 1, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x80, 201, 0, 9, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x81, 202, 0, 1, 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0x82, 203, 0, 1, 0, 0, 0, 1 })]
    public void MalformedRtcpIsRejectedWithoutExceptions(byte[] data) =>
        Assert.False(RtcpPacket.TryParseCompound(data, []));

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(3551);
        var buffer = new byte[80];
        for (var i = 0; i < 20000; i++)
        {
            random.NextBytes(buffer);
            buffer[0] = (byte)((buffer[0] & 0x3F) | 0x80);
            buffer[1] = (byte)random.Next(200, 205);
            buffer[2] = 0;
            buffer[3] = (byte)random.Next(0, 20);
            RtcpPacket.TryParseCompound(buffer.AsSpan(0, random.Next(0, buffer.Length)), []);
        }
    }
}
