using System.Net;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Sip;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transactions;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Tests.Sip;

/// <summary>RFC 3261 §17 state machines on a manual clock, through the in-memory channel.</summary>
public class SipTransactionTests
{
    private static readonly IPEndPoint Local = new(IPAddress.Loopback, 5060);
    private static readonly IPEndPoint Peer = new(IPAddress.Loopback, 5070);

    private readonly ManualTimeProvider time = new();

    private sealed class Recorder : IClientTransactionUser
    {
        public List<SipResponse> Responses { get; } = [];

        public int Timeouts { get; private set; }

        public void OnResponse(SipClientTransaction transaction, SipResponse response) => Responses.Add(response);

        public void OnTimeout(SipClientTransaction transaction) => Timeouts++;
    }

    private static SipRequest Request(string method, string branch = "z9hG4bKtest1") => (SipRequest)SipParser.Parse(SipTestData.FromText(
        $"{method} sip:bob@127.0.0.1:5070 SIP/2.0\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:5060;branch={branch}\n" +
        "Max-Forwards: 70\n" +
        "From: <sip:alice@127.0.0.1>;tag=from1\n" +
        "To: <sip:bob@127.0.0.1>\n" +
        "Call-ID: call-1@test\n" +
        $"CSeq: 1 {method}\n" +
        "Content-Length: 0\n\n"));

    private static byte[] Response(SipRequest request, int code, string? toTag = "to1") => SipResponse.For(request, code, toTag: toTag).ToBytes();

    [Fact]
    public void InviteClientRetransmitsOnTimerAThenTimesOutOnTimerB()
    {
        var channel = new InMemorySipChannel(Local);
        var layer = new SipTransactionLayer(time);
        var user = new Recorder();

        layer.SendInvite(Request("INVITE"), channel, Peer, user);
        var sends = new List<int> { channel.Drain().Count };
        for (var ms = 500; ms <= 32_000; ms += 500)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            sends.Add(channel.Drain().Count);
        }

        // Sent at 0, then 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s (doubling from T1), then timer B at 64*T1 = 32 s.
        Assert.Equal(7, sends.Sum());
        Assert.Equal(1, sends[1]);
        Assert.Equal(1, sends[3]);
        Assert.Equal(0, sends[2]);
        Assert.Equal(1, user.Timeouts);
        Assert.Equal(0, layer.ClientCount);
    }

    [Fact]
    public void ProvisionalResponseStopsInviteRetransmissions()
    {
        var channel = new InMemorySipChannel(Local);
        var layer = new SipTransactionLayer(time);
        channel.MessageReceived = layer.OnMessage;
        var user = new Recorder();
        var invite = Request("INVITE");

        layer.SendInvite(invite, channel, Peer, user);
        channel.Inject(Response(invite, 180), Peer);
        channel.Drain();
        time.Advance(TimeSpan.FromSeconds(60));

        Assert.Empty(channel.Drain());
        Assert.Equal(180, Assert.Single(user.Responses).StatusCode);
        Assert.Equal(0, user.Timeouts);
    }

    [Fact]
    public void InviteClientAcksNonSuccessFinalResponsesAndAbsorbsRetransmissionsUntilTimerD()
    {
        var channel = new InMemorySipChannel(Local);
        var layer = new SipTransactionLayer(time);
        channel.MessageReceived = layer.OnMessage;
        var user = new Recorder();
        var invite = Request("INVITE");
        layer.SendInvite(invite, channel, Peer, user);
        channel.Drain();

        channel.Inject(Response(invite, 486), Peer);
        var ack = (SipRequest)Assert.Single(channel.Drain());
        channel.Inject(Response(invite, 486), Peer);
        var ackAgain = Assert.Single(channel.Drain());

        Assert.Equal("ACK", ack.Method);
        Assert.Equal(invite.TopVia!.Branch, ack.TopVia!.Branch);
        Assert.Equal("to1", ack.To.Tag);
        Assert.Equal(new SipCSeq(1, "ACK"), ack.CSeq);
        Assert.Equal("ACK", ((SipRequest)ackAgain).Method);
        Assert.Equal(486, Assert.Single(user.Responses).StatusCode);
        Assert.Equal(1, layer.ClientCount);
        time.Advance(SipTimers.TimerD);
        Assert.Equal(0, layer.ClientCount);
    }

    [Fact]
    public void NonInviteClientRetransmitsCappedAtT2AndTimesOutOnTimerF()
    {
        var channel = new InMemorySipChannel(Local);
        var layer = new SipTransactionLayer(time);
        var user = new Recorder();

        layer.SendNonInvite(Request("OPTIONS"), channel, Peer, user);
        var total = channel.Drain().Count;
        for (var i = 0; i < 64; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            total += channel.Drain().Count;
        }

        // 0, 0.5, 1.5, 3.5, 7.5, then every T2: 11.5 ... 31.5 → 11 sends; timer F at 32 s.
        Assert.Equal(11, total);
        Assert.Equal(1, user.Timeouts);
    }

    [Fact]
    public void ReliableTransportsAreNotRetransmitted()
    {
        var channel = new InMemorySipChannel(Local, reliable: true);
        var layer = new SipTransactionLayer(time);
        var user = new Recorder();

        layer.SendInvite(Request("INVITE", "z9hG4bKa"), channel, Peer, user);
        layer.SendNonInvite(Request("OPTIONS", "z9hG4bKb"), channel, Peer, user);
        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(2, channel.Drain().Count);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, user.Timeouts);
    }

    [Fact]
    public async Task NonInviteServerResendsItsResponseToRetransmissionsUntilTimerJ()
    {
        var channel = new InMemorySipChannel(Local);
        await using var stack = new SipStack([channel], time);
        var options = SipTestData.FromText(
            "OPTIONS sip:dialer@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKopt\nMax-Forwards: 70\n" +
            "From: <sip:peer@127.0.0.1>;tag=p1\nTo: <sip:dialer@127.0.0.1>\nCall-ID: opt-1\nCSeq: 7 OPTIONS\nContent-Length: 0\n\n");

        channel.Inject(options, Peer);
        channel.Inject(options, Peer);
        var responses = channel.Drain().Cast<SipResponse>().ToList();

        Assert.Equal(2, responses.Count);
        Assert.All(responses, r => Assert.Equal(200, r.StatusCode));
        Assert.Equal(responses[0].To.Tag, responses[1].To.Tag);
        Assert.Equal(1, stack.Transactions.ServerCount);
        time.Advance(SipTimers.TimerJ);
        Assert.Equal(0, stack.Transactions.ServerCount);
    }

    [Fact]
    public async Task InviteServerRetransmitsItsRejectionOnTimerGUntilTheAck()
    {
        var channel = new InMemorySipChannel(Local);
        await using var stack = new SipStack([channel], time);
        var invite = SipTestData.FromText(
            "INVITE sip:dialer@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKinv\nMax-Forwards: 70\n" +
            "From: <sip:peer@127.0.0.1>;tag=p1\nTo: <sip:dialer@127.0.0.1>\nCall-ID: inv-1\nCSeq: 1 INVITE\nContent-Length: 0\n\n");

        channel.Inject(invite, Peer);
        var first = channel.Drain().Cast<SipResponse>().ToList();
        time.Advance(SipTimers.T1);
        var retransmitted = channel.Drain().Cast<SipResponse>().ToList();
        var toTag = first[1].To.Tag;
        channel.Inject(SipTestData.FromText(
            "ACK sip:dialer@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKinv\nMax-Forwards: 70\n" +
            $"From: <sip:peer@127.0.0.1>;tag=p1\nTo: <sip:dialer@127.0.0.1>;tag={toTag}\nCall-ID: inv-1\nCSeq: 1 ACK\nContent-Length: 0\n\n"), Peer);
        time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal([100, 603], first.Select(r => r.StatusCode));
        Assert.Equal(603, Assert.Single(retransmitted).StatusCode);
        Assert.Empty(channel.Drain());
        time.Advance(SipTimers.TimerI);
        Assert.Equal(0, stack.Transactions.ServerCount);
    }

    [Fact]
    public async Task MalformedRequestIsAnswered400AndTheChannelKeepsWorking()
    {
        var channel = new InMemorySipChannel(Local);
        await using var stack = new SipStack([channel], time);

        channel.Inject(SipTestData.Load("invalid", "mismatch01.sip"), Peer);
        channel.Inject(SipTestData.Load("invalid", "bigcode.sip"), Peer);
        channel.Inject(SipTestData.Load("valid", "lwsdisp.sip"), Peer);
        var sent = channel.Drain().Cast<SipResponse>().ToList();

        Assert.Equal([400, 200], sent.Select(r => r.StatusCode));
        Assert.Equal(2, channel.MalformedCount);
    }

    /// <summary>
    /// Max-Forwards: 0 stops forwarding, and only a proxy answers 483 for it (RFC 3261 §16.3 step 3); we are the request's
    /// destination, so an INVITE gets what any inbound INVITE gets (603) and an OPTIONS its 200.
    /// </summary>
    [Fact]
    public async Task RequestsWithMaxForwardsZeroAreAnsweredAsTheirDestinationNot483()
    {
        var channel = new InMemorySipChannel(Local);
        await using var stack = new SipStack([channel], time);

        foreach (var (method, branch) in new[] { ("INVITE", "z9hG4bKmf0i"), ("OPTIONS", "z9hG4bKmf0o") })
        {
            channel.Inject(SipTestData.FromText(
                $"{method} sip:dialer@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch={branch}\nMax-Forwards: 0\n" +
                $"From: <sip:peer@127.0.0.1>;tag=p1\nTo: <sip:dialer@127.0.0.1>\nCall-ID: mf0-{method}\nCSeq: 1 {method}\nContent-Length: 0\n\n"), Peer);
        }

        var sent = channel.Drain().Cast<SipResponse>().ToList();

        Assert.Equal([100, 603, 200], sent.Select(r => r.StatusCode));
    }
}
