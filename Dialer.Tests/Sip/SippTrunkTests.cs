using Dialer.Db.Model;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Media;
using Dialer.Worker.Sip.Telephony;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Sip;

/// <summary>Our UAC against a real sipp playing the carrier trunk on loopback.</summary>
public class SippTrunkTests
{
    [Theory]
    [InlineData("udp", "u1")]
    [InlineData("tcp", "t1")]
    public async Task AnsweredCallCarriesRtpBothWaysAndEndsWithOurBye(string transport, string sippTransport)
    {
        await using var sipp = await SippPeer.StartAsync("uas_answer_wait_bye.xml", transport: sippTransport);
        await using var ours = new SipTestStack(sipp.Port, transport);
        var observer = new RecordingObserver();

        var leg = ours.Telephony.DialLeg(SipTestStack.Request(), observer);
        await RecordingObserver.Within(observer.Ringing.Task);
        var answer = await RecordingObserver.Within(observer.Answered.Task);
        leg.Media.Play(WavPrompt.Tone(1000, TimeSpan.FromSeconds(1)));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var stats = leg.Media.Statistics;
        leg.Hangup();
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal("PCMU", answer.Codec);
        Assert.InRange(stats.PacketsSent, 40, 200);
        Assert.True(stats.PacketsReceived >= 30, $"sipp echoed {stats.PacketsReceived} packets");
        Assert.Equal(CallOutcome.Connected, end.Outcome);
        Assert.Equal(HangupBy.Us, end.By);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task TrunkHangingUpEndsTheCallFromTheirSide()
    {
        await using var sipp = await SippPeer.StartAsync("uas_answer_then_bye.xml", ["-d", "500"]);
        await using var ours = new SipTestStack(sipp.Port);
        var observer = new RecordingObserver();

        ours.Telephony.Dial(SipTestStack.Request(), observer);
        await RecordingObserver.Within(observer.Answered.Task);
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal(CallOutcome.Connected, end.Outcome);
        Assert.Equal(HangupBy.Them, end.By);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task ATrunkWhoseTcpPortRefusesEndsTheCallAtOnceAsUnavailable()
    {
        var closed = SippPeer.FreePort(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await using var ours = new SipTestStack(closed, "tcp");
        var observer = new RecordingObserver();

        ours.Telephony.Dial(SipTestStack.Request(), observer);

        // Before timer B (32 s): the refused connection is heard as 503 (RFC 3261 §8.1.3.1), not waited out as 408.
        var end = await RecordingObserver.Within(observer.Ended.Task, seconds: 20);
        Assert.Equal(503, end.SipCode);
        Assert.Equal(CallOutcome.Failed, end.Outcome);
        Assert.Contains("transport error", end.Reason, StringComparison.Ordinal);
        Assert.False(observer.Ringing.Task.IsCompleted);
    }

    [Theory]
    [InlineData(486, "Busy Here", CallOutcome.Busy)]
    [InlineData(600, "Busy Everywhere", CallOutcome.Busy)]
    [InlineData(404, "Not Found", CallOutcome.Invalid)]
    [InlineData(484, "Address Incomplete", CallOutcome.Invalid)]
    [InlineData(503, "Service Unavailable", CallOutcome.Failed)]
    [InlineData(603, "Decline", CallOutcome.Declined)]
    [InlineData(480, "Temporarily Unavailable", CallOutcome.NoAnswer)]
    public async Task FinalResponsesMapToOutcomesWithCodeAndReason(int code, string reason, CallOutcome expected)
    {
        await using var sipp = await SippPeer.StartAsync(
            "uas_reject.xml", fill: new Dictionary<string, string> { ["STATUS"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture), ["REASON"] = reason });
        await using var ours = new SipTestStack(sipp.Port);
        var observer = new RecordingObserver();

        ours.Telephony.Dial(SipTestStack.Request(), observer);
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal(expected, end.Outcome);
        Assert.Equal(code, end.SipCode);
        Assert.Equal(reason, end.Reason);
        Assert.Equal(HangupBy.Them, end.By);
        Assert.False(observer.Answered.Task.IsCompleted);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task RingingCallIsCancelledByUsAndCountsAsNoAnswer()
    {
        await using var sipp = await SippPeer.StartAsync("uas_ring_until_cancel.xml");
        await using var ours = new SipTestStack(sipp.Port);
        var observer = new RecordingObserver();

        var leg = ours.Telephony.Dial(SipTestStack.Request(), observer);
        await RecordingObserver.Within(observer.Ringing.Task);
        leg.Hangup();
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal(CallOutcome.NoAnswer, end.Outcome);
        Assert.Equal(487, end.SipCode);
        Assert.Equal(HangupBy.Us, end.By);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task ProxyAuthenticationChallengeIsAnsweredWithDigest()
    {
        // The 407 nonce is fixed, so the expected response is computed here independently of our digest code.
        var port = SippPeer.FreePort(System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        var uri = $"sip:+8613800000001@127.0.0.1:{port}";
        var expected = Md5(Md5("dialer:trunk.test:s3cret") + ":fixed407nonce:" + Md5("INVITE:" + uri));
        await using var sipp = await SippPeer.StartAsync("uas_proxy_auth.xml", fill: new Dictionary<string, string> { ["EXPECTED"] = expected }, port: port);
        await using var ours = new SipTestStack(sipp.Port, username: "dialer", password: "s3cret");

        var end = await ours.DialAnswerAndHangUpAsync();

        Assert.Equal(CallOutcome.Connected, end.Outcome);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task UnauthorizedChallengeWithQopIsAnsweredAndVerifiedBySipp()
    {
        await using var sipp = await SippPeer.StartAsync("uas_www_auth.xml");
        await using var ours = new SipTestStack(sipp.Port, username: "dialer", password: "s3cret");

        var end = await ours.DialAnswerAndHangUpAsync();

        Assert.Equal(CallOutcome.Connected, end.Outcome);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    private static string Md5(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task WrongTrunkPasswordIsRefused()
    {
        await using var sipp = await SippPeer.StartAsync("uas_www_auth.xml");
        await using var ours = new SipTestStack(sipp.Port, username: "dialer", password: "wrong");
        var observer = new RecordingObserver();

        ours.Telephony.Dial(SipTestStack.Request(), observer);
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal(403, end.SipCode);
        Assert.Equal(CallOutcome.Declined, end.Outcome);
    }

    [Fact]
    public async Task EarlyMediaFlowsBeforeTheAnswer()
    {
        await using var sipp = await SippPeer.StartAsync("uas_early_media.xml");
        await using var ours = new SipTestStack(sipp.Port);
        var observer = new RecordingObserver();

        var leg = ours.Telephony.DialLeg(SipTestStack.Request(), observer);
        await RecordingObserver.Within(observer.Ringing.Task);
        await RecordingObserver.Within(observer.Answered.Task);
        var receivedAtAnswer = leg.Media.Statistics.PacketsReceived;
        leg.Hangup();
        await RecordingObserver.Within(observer.Ended.Task);

        Assert.True(receivedAtAnswer >= 10, $"only {receivedAtAnswer} RTP packets arrived during early media");
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task DtmfFromTheTrunkArrivesAsDigits()
    {
        await using var sipp = await SippPeer.StartAsync("uas_answer_dtmf.xml", fill: new Dictionary<string, string> { ["PCAP"] = "/usr/share/sip-tester/dtmf_2833_1.pcap" });
        await using var ours = new SipTestStack(sipp.Port);
        var observer = new RecordingObserver();

        var leg = ours.Telephony.Dial(SipTestStack.Request(), observer);
        await RecordingObserver.Within(observer.Answered.Task);
        await SipTelephonyTests.WaitUntil(() => { lock (observer.Digits) { return observer.Digits.Count > 0; } });
        leg.Hangup();
        await RecordingObserver.Within(observer.Ended.Task);

        lock (observer.Digits)
        {
            Assert.Equal(['1'], observer.Digits);
        }
    }
}
