using Dialer.Db.Model;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Media;
using Dialer.Worker.Sip.Telephony;
using Dialer.Worker.Sip.Trunk;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Sip;

/// <summary>
/// Our UAC against sipp trunks that behave legally but unusually (RFC 3261, 3262, 3264, 3311, 7616): reliable
/// provisional responses, forked answers, in-dialog requests from the far end, stacked and stale challenges.
/// </summary>
public class SippPeerBehaviourTests
{
    [Theory]
    [InlineData("udp", "u1")]
    [InlineData("tcp", "t1")]
    public async Task ReliableProvisionalResponseIsPrackedAndTheCallProceeds(string transport, string sippTransport)
    {
        await using var sipp = await SippPeer.StartAsync("uas_100rel.xml", transport: sippTransport);
        await using var ours = new SipTestStack(sipp.Port, transport);
        var observer = new RecordingObserver();

        var leg = ours.Telephony.DialLeg(SipTestStack.Request(), observer);
        await RecordingObserver.Within(observer.Ringing.Task);
        await RecordingObserver.Within(observer.Answered.Task);
        leg.Hangup();
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal(CallOutcome.Connected, end.Outcome);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task SecondForkedAnswerIsAckedAndHungUpWhileTheFirstStays()
    {
        await using var sipp = await SippPeer.StartAsync("uas_fork.xml");
        await using var ours = new SipTestStack(sipp.Port);
        var observer = new RecordingObserver();

        ours.Telephony.Dial(SipTestStack.Request(), observer);
        await RecordingObserver.Within(observer.Answered.Task);
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal(CallOutcome.Connected, end.Outcome);
        Assert.Equal(HangupBy.Them, end.By);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Theory]
    [InlineData("udp", "u1")]
    [InlineData("tcp", "t1")]
    public async Task HoldResumeOfferlessReInviteUpdateOptionsInfoAndCompactByeFromTheTrunk(string transport, string sippTransport)
    {
        await using var sipp = await SippPeer.StartAsync("uas_in_dialog.xml", transport: sippTransport);
        await using var ours = new SipTestStack(sipp.Port, transport);
        var observer = new RecordingObserver();

        var leg = ours.Telephony.DialLeg(SipTestStack.Request(), observer);
        await RecordingObserver.Within(observer.Answered.Task);
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal(CallOutcome.Connected, end.Outcome);
        Assert.Equal(HangupBy.Them, end.By);
        Assert.Equal(MediaDirection.SendRecv, leg.Media.Direction); // resumed after the hold
        Assert.Equal("PCMU", leg.Codec);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task StackedProxyAndTrunkChallengesAStaleNonceAndAChallengedByeAreAllAnswered()
    {
        await using var sipp = await SippPeer.StartAsync("uas_auth_chain.xml");
        await using var ours = new SipTestStack(sipp.Port, username: "dialer", password: "s3cret");

        var end = await ours.DialAnswerAndHangUpAsync();

        Assert.Equal(CallOutcome.Connected, end.Outcome);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task AnswerWithADifferentSdpThanTheEarlyMediaSwitchesCodecAndTelephoneEventType()
    {
        await using var sipp = await SippPeer.StartAsync("uas_sdp_variants.xml");
        await using var ours = new SipTestStack(sipp.Port);
        var observer = new RecordingObserver();

        var leg = ours.Telephony.DialLeg(SipTestStack.Request(), observer);
        await RecordingObserver.Within(observer.Ringing.Task);
        var earlyCodec = leg.Media.Codec?.Name;
        var answer = await RecordingObserver.Within(observer.Answered.Task);
        leg.SendDtmf("5");
        await SipTelephonyTests.WaitUntil(() => { lock (observer.Digits) { return observer.Digits.Count > 0; } });
        var remote = leg.Media.RemoteRtcp;
        leg.Hangup();
        await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal("PCMU", earlyCodec);
        Assert.Equal("PCMA", answer.Codec);
        Assert.Equal(96, leg.Media.TelephoneEventPayloadType);
        Assert.Equal(40009, remote?.Port);
        lock (observer.Digits)
        {
            Assert.Equal(['5'], observer.Digits);
        }

        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task AnswerCrossingOurCancelIsAckedAndEndedWithBye()
    {
        await using var sipp = await SippPeer.StartAsync("uas_cancel_race.xml");
        await using var ours = new SipTestStack(sipp.Port);
        var observer = new RecordingObserver();

        var leg = ours.Telephony.Dial(SipTestStack.Request(), observer);
        await RecordingObserver.Within(observer.Ringing.Task);
        leg.Hangup();
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal(CallOutcome.NoAnswer, end.Outcome);
        Assert.Equal(HangupBy.Us, end.By);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task RedirectIsFollowedToTheBestUntriedContact()
    {
        await using var sipp = await SippPeer.StartAsync("uas_redirect.xml");
        await using var ours = new SipTestStack(sipp.Port);

        var end = await ours.DialAnswerAndHangUpAsync();

        Assert.Equal(CallOutcome.Connected, end.Outcome);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task Sha256ChallengeOfferedBeforeMd5IsAnsweredWithSha256()
    {
        // RFC 7616 §3.4.1 without qop: H(H(A1):nonce:H(A2)) with SHA-256, computed here independently of our digest code.
        var port = SippPeer.FreePort(System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        var uri = $"sip:+8613800000001@127.0.0.1:{port}";
        var expected = Sha256(Sha256("dialer:trunk.test:s3cret") + ":fixedsha:" + Sha256("INVITE:" + uri));
        await using var sipp = await SippPeer.StartAsync("uas_sha256_auth.xml", fill: new Dictionary<string, string> { ["EXPECTED"] = expected }, port: port);
        await using var ours = new SipTestStack(sipp.Port, username: "dialer", password: "s3cret");

        var end = await ours.DialAnswerAndHangUpAsync();

        Assert.Equal(CallOutcome.Connected, end.Outcome);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    private static string Sha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task TrunkRegistrationHonoursMinExpiresAndAnswersAStaleNonce()
    {
        await using var sipp = await SippPeer.StartAsync("uas_register.xml");
        await using var client = new SipTestStack(trunkPort: 9);
        await using var trunk = new SipTrunk(client.Stack, new SipTrunkOptions
        {
            Host = "127.0.0.1", Port = sipp.Port, Username = "dialer", Password = "s3cret", Register = true, KeepaliveSeconds = 0,
        });

        trunk.Start();
        await SipTelephonyTests.WaitUntil(() => trunk.IsRegistered);

        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Theory]
    [InlineData("g729")]
    [InlineData("unreadable")]
    public async Task AnswerWithNoCodecWeHaveIsAckedEndedWithByeAndFailsAsNoCommonCodec(string answer)
    {
        // Only G.729 (payload 18), or a body that is not SDP at all: either way there is no media we can carry.
        var media = answer == "g729"
            ? "o=sipp 1 1 IN IP4 127.0.0.1\n      s=-\n      c=IN IP4 127.0.0.1\n      t=0 0\n      m=audio 40010 RTP/AVP 18\n      a=rtpmap:18 G729/8000"
            : "this is not a session description";
        await using var sipp = await SippPeer.StartAsync("uas_answer_no_codec.xml", fill: new Dictionary<string, string> { ["MEDIA"] = media });
        await using var ours = new SipTestStack(sipp.Port);
        var observer = new RecordingObserver();

        var leg = ours.Telephony.DialLeg(SipTestStack.Request(), observer);
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.False(observer.Answered.Task.IsCompleted, "an answer with no usable media is not reported as answered");
        Assert.Equal((CallOutcome.Failed, 488, SipCallLeg.NoCommonCodec, HangupBy.Us), (end.Outcome, end.SipCode, end.Reason, end.By));
        Assert.False(leg.Call.IsAnswered);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Fact]
    public async Task InDialogOptionsAndByeWithMaxForwardsZeroAreAnsweredNotRefusedWith483()
    {
        await using var sipp = await SippPeer.StartAsync("uas_max_forwards_zero.xml");
        await using var ours = new SipTestStack(sipp.Port);
        var observer = new RecordingObserver();

        ours.Telephony.Dial(SipTestStack.Request(), observer);
        await RecordingObserver.Within(observer.Answered.Task);
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal((CallOutcome.Connected, HangupBy.Them), (end.Outcome, end.By));
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }
}
