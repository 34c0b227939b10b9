using System.Net;
using System.Net.Sockets;
using Dialer.Worker.Clock;
using Dialer.Worker.Media;

namespace Dialer.Tests.Media;

/// <summary>The send side on a virtual clock: exact packet counts, timestamps and RFC 4733 structure, no timing luck.</summary>
public sealed class VirtualClockMediaTests : IAsyncLifetime
{
    private readonly VirtualTimeProvider time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly Socket peer = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
    private readonly Socket peerRtcp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
    private MediaClock clock = null!;
    private RtpSession session = null!;

    public Task InitializeAsync()
    {
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        peerRtcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        clock = new MediaClock(time, shardCount: 1);
        session = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, time, new RtpSessionOptions { Clock = clock, RtcpInterval = TimeSpan.FromSeconds(1) });
        session.SetRemote((IPEndPoint)peer.LocalEndPoint!, MediaFormat.Pcma, 101, null, (IPEndPoint)peerRtcp.LocalEndPoint!);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await session.DisposeAsync();
        clock.Dispose();
        peer.Dispose();
        peerRtcp.Dispose();
    }

    private RtpPacket Next()
    {
        var buffer = new byte[2048];
        var n = peer.Receive(buffer);
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, n), out var packet));
        return packet;
    }

    private void Frames(int count)
    {
        for (var i = 0; i < count; i++)
        {
            time.Advance(MediaClock.FrameDuration);
        }
    }

    [Fact]
    public void IdleSendsOneSilencePacketPerFrame()
    {
        Frames(10);

        var packets = Enumerable.Range(0, 10).Select(_ => Next()).ToList();
        Assert.All(packets, p => Assert.Equal(8, p.PayloadType));
        Assert.All(packets, p => Assert.Equal(160, p.Payload.Length));
        Assert.All(packets, p => Assert.All(p.Payload, b => Assert.Equal(G711.ALawSilence, b)));
        Assert.All(packets.Zip(packets.Skip(1)), pair =>
        {
            Assert.Equal((ushort)(pair.First.SequenceNumber + 1), pair.Second.SequenceNumber);
            Assert.Equal(pair.First.Timestamp + 160, pair.Second.Timestamp);
        });
        Assert.Equal(10, session.Statistics.PacketsSent);
    }

    [Fact]
    public void PromptIsPacedAtOneFramePerTwentyMilliseconds()
    {
        var done = 0;
        session.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(100)), () => done++);

        Frames(4);
        Assert.Equal(0, done);
        Frames(1);
        Assert.Equal(1, done);
        Frames(1);

        var packets = Enumerable.Range(0, 6).Select(_ => Next()).ToList();
        Assert.True(packets[0].Marker);
        var tone = packets.Take(5).SelectMany(p => p.Payload.Select(G711.ALawToLinear)).ToArray();
        Assert.True(Goertzel.RelativePower(tone, 1000) > 0.95);
        Assert.All(packets[5].Payload, b => Assert.Equal(G711.ALawSilence, b));
    }

    [Fact]
    public void DtmfFollowsRfc4733WithThreeEndPackets()
    {
        Frames(1);
        var before = Next();

        session.SendDtmf('7');
        Frames(9);

        var events = Enumerable.Range(0, 8).Select(_ => Next()).ToList();
        var after = Next();
        Assert.All(events, p => Assert.Equal(101, p.PayloadType));
        Assert.True(events[0].Marker);
        Assert.All(events.Skip(1), p => Assert.False(p.Marker));
        Assert.All(events, p => Assert.Equal(events[0].Timestamp, p.Timestamp));
        Assert.Equal(before.Timestamp + 160, events[0].Timestamp);
        var parsed = events.Select(p =>
        {
            Assert.True(TelephoneEvent.TryRead(p.Payload, out var code, out var end, out var duration));
            return (code, end, duration);
        }).ToList();
        Assert.All(parsed, e => Assert.Equal(7, e.code));
        Assert.Equal(new ushort[] { 160, 320, 480, 640, 800, 800, 800, 800 }, parsed.Select(e => e.duration));
        Assert.Equal(new[] { false, false, false, false, false, true, true, true }, parsed.Select(e => e.end));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (ushort)(events[0].SequenceNumber + i)), events.Select(p => p.SequenceNumber));
        Assert.Equal(8, after.PayloadType);
        Assert.True(after.Timestamp - events[0].Timestamp >= 8 * 160);
    }

    [Fact]
    public void SendsSenderReportsWithCnameOnTheRtcpPort()
    {
        Frames(150);
        var buffer = new byte[2048];

        var n = peerRtcp.Receive(buffer);

        var packets = new List<RtcpPacket>();
        Assert.True(RtcpPacket.TryParseCompound(buffer.AsSpan(0, n), packets));
        var sr = Assert.IsType<RtcpSenderReport>(packets[0]);
        Assert.Equal(session.Ssrc, sr.Ssrc);
        Assert.True(sr.PacketCount > 0);
        Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds() + 2208988800, (long)(sr.NtpTimestamp >> 32), 3.0);
        Assert.IsType<RtcpSourceDescription>(packets[1]);
    }
}
