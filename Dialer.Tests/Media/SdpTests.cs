using System.Net;
using Dialer.Worker.Media;

namespace Dialer.Tests.Media;

public class SdpTests
{
    // What sipp 3.6 sends from its built-in uac scenario (with [media_ip] and [media_port] filled in).
    private const string SippOffer =
        "v=0\r\n" +
        "o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "c=IN IP4 127.0.0.1\r\n" +
        "t=0 0\r\n" +
        "m=audio 6000 RTP/AVP 0\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n";

    // Captured from baresip 1.0.0 (Debian baresip-core) dialling a UDP listener on loopback.
    private const string CapturedBaresipOffer =
        "v=0\r\n" +
        "o=- 3517906025 902632307 IN IP4 192.0.2.2\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.0.2.2\r\n" +
        "t=0 0\r\n" +
        "a=tool:baresip 1.0.0\r\n" +
        "m=audio 34910 RTP/AVP 0 8 9 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=sendrecv\r\n" +
        "a=label:1\r\n" +
        "a=rtcp-rsize\r\n" +
        "a=ssrc:3132230369 cname:sip:bench@127.0.0.1\r\n" +
        "a=minptime:20\r\n" +
        "a=ptime:20\r\n";

    // A baresip-style offer reordered with G.722 first and a bandwidth line, as baresip sends when G.722 is preferred.
    private const string BaresipOffer =
        "v=0\r\n" +
        "o=- 1962496383 3281431498 IN IP4 192.168.1.10\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.168.1.10\r\n" +
        "t=0 0\r\n" +
        "m=audio 10826 RTP/AVP 9 0 8 101\r\n" +
        "b=AS:80\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=ptime:20\r\n" +
        "a=sendrecv\r\n" +
        "a=rtcp-rsize\r\n";

    [Fact]
    public void ParsesSippOffer()
    {
        var sdp = SdpSession.Parse(SippOffer);

        Assert.Equal("user1", sdp.Origin.Username);
        Assert.Equal(53655765UL, sdp.Origin.SessionId);
        Assert.Equal(IPAddress.Loopback, sdp.Connection!.IPAddress);
        var audio = Assert.Single(sdp.Media);
        Assert.Equal(6000, audio.Port);
        Assert.Equal([MediaFormat.Pcmu], audio.RtpFormats);
        Assert.Equal(MediaDirection.SendRecv, sdp.DirectionOf(audio));
    }

    [Fact]
    public void ParsesBaresipOfferWithBandwidthAndTelephoneEvent()
    {
        var sdp = SdpSession.Parse(BaresipOffer);

        var audio = sdp.Audio!;
        Assert.Equal(["G722", "PCMU", "PCMA", "telephone-event"], audio.RtpFormats.Select(f => f.Name));
        Assert.Equal("0-15", audio.Fmtp(101));
        Assert.Equal(20, audio.Ptime);
        Assert.Contains(audio.Lines, l => l is { Type: 'b', Value: "AS:80" });
    }

    [Fact]
    public void AnswersTheCapturedBaresipOffer()
    {
        var offer = SdpSession.Parse(CapturedBaresipOffer);

        var result = SdpSession.Answer(offer, IPAddress.Loopback, 40012);

        Assert.True(result.Accepted, result.Error);
        Assert.Equal(MediaFormat.Pcmu, result.Negotiation.Codec);
        Assert.Equal(101, result.Negotiation.TelephoneEventPayloadType);
        Assert.Equal(20, result.Negotiation.RemotePtime);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.2"), 34910), result.Negotiation.RemoteRtp);
        Assert.Contains("m=audio 40012 RTP/AVP 0 101\r\n", result.Sdp.ToString());
        Assert.Equal(CapturedBaresipOffer, offer.ToString());
    }

    [Fact]
    public void AnswerPicksTheirFirstSupportedCodecAndKeepsTheirTelephoneEventType()
    {
        var offer = SdpSession.Parse(BaresipOffer.Replace("101", "96"));

        var result = SdpSession.Answer(offer, IPAddress.Parse("10.0.0.5"), 40000);

        Assert.True(result.Accepted, result.Error);
        Assert.Equal(MediaFormat.Pcmu, result.Negotiation.Codec);
        Assert.Equal(96, result.Negotiation.TelephoneEventPayloadType);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.1.10"), 10826), result.Negotiation.RemoteRtp);
        Assert.Equal(10827, result.Negotiation.RemoteRtcp.Port);
        var text = result.Sdp.ToString();
        Assert.Contains("m=audio 40000 RTP/AVP 0 96\r\n", text);
        Assert.Contains("a=rtpmap:96 telephone-event/8000\r\n", text);
        Assert.Contains("c=IN IP4 10.0.0.5\r\n", text);
        Assert.Contains("a=sendrecv\r\n", text);
        Assert.Contains("a=ptime:20\r\n", text);
    }

    [Fact]
    public void AnswerPrefersTheOfferersOrderEvenWhenPcmaComesFirst()
    {
        var offer = SdpSession.Parse(SippOffer.Replace("RTP/AVP 0", "RTP/AVP 8 0").Replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000"));

        var result = SdpSession.Answer(offer, IPAddress.Loopback, 40002);

        Assert.True(result.Accepted);
        Assert.Equal("PCMA", result.Negotiation.Codec.Name);
        Assert.Null(result.Negotiation.TelephoneEventPayloadType);
        Assert.Contains("m=audio 40002 RTP/AVP 8\r\n", result.Sdp.ToString());
    }

    [Fact]
    public void AnswerRejectsAnOfferWithNoCommonCodec()
    {
        var offer = SdpSession.Parse(SippOffer.Replace("RTP/AVP 0", "RTP/AVP 18").Replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:18 G729/8000"));

        var result = SdpSession.Answer(offer, IPAddress.Loopback, 40004);

        Assert.False(result.Accepted);
        Assert.Contains("no common codec", result.Error);
        Assert.Contains("G729", result.Error);
        Assert.Equal(0, Assert.Single(result.Sdp.Media).Port);
    }

    [Fact]
    public void AnswerRejectsSecureRtpAndVideoButAcceptsTheAudioStream()
    {
        var offer = SdpSession.Parse(
            "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
            "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n" +
            "m=audio 5002 RTP/SAVP 0\r\n" +
            "m=audio 5004 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n");

        var result = SdpSession.Answer(offer, IPAddress.Loopback, 40006);

        Assert.True(result.Accepted);
        Assert.Equal([0, 0, 40006], result.Sdp.Media.Select(m => m.Port));
        Assert.Equal(5004, result.Negotiation.RemoteRtp.Port);
        Assert.Equal(101, result.Negotiation.TelephoneEventPayloadType);
    }

    [Theory]
    [InlineData("sendonly", "recvonly", true)]
    [InlineData("inactive", "inactive", true)]
    [InlineData("recvonly", "sendonly", false)]
    [InlineData("sendrecv", "sendrecv", false)]
    public void AnswerMirrorsTheOfferedDirection(string offered, string answered, bool hold)
    {
        var offer = SdpSession.Parse(SippOffer + $"a={offered}\r\n");

        var result = SdpSession.Answer(offer, IPAddress.Loopback, 40008);

        Assert.True(result.Accepted);
        Assert.Contains($"a={answered}\r\n", result.Sdp.ToString());
        Assert.Equal(hold, result.Negotiation.IsOnHold);
    }

    [Fact]
    public void OldStyleHoldWithZeroAddressIsOnHold()
    {
        var offer = SdpSession.Parse(SippOffer.Replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0"));

        var result = SdpSession.Answer(offer, IPAddress.Loopback, 40010);

        Assert.True(result.Negotiation!.IsOnHold);
        Assert.Contains("a=recvonly\r\n", result.Sdp.ToString());
    }

    [Fact]
    public void OfferListsG711TelephoneEventPtimeAndDirection()
    {
        var offer = SdpSession.CreateOffer(IPAddress.Parse("203.0.113.7"), 41000);
        var text = offer.ToString();

        Assert.StartsWith("v=0\r\no=dialer ", text);
        Assert.Contains("c=IN IP4 203.0.113.7\r\n", text);
        Assert.Contains("t=0 0\r\n", text);
        Assert.Contains("m=audio 41000 RTP/AVP 0 8 101\r\n", text);
        Assert.Contains("a=rtpmap:0 PCMU/8000\r\n", text);
        Assert.Contains("a=rtpmap:8 PCMA/8000\r\n", text);
        Assert.Contains("a=rtpmap:101 telephone-event/8000\r\n", text);
        Assert.Contains("a=fmtp:101 0-16\r\n", text);
        Assert.Contains("a=ptime:20\r\n", text);
        Assert.EndsWith("a=sendrecv\r\n", text);
    }

    [Fact]
    public void OfferForIpv6UsesIp6()
    {
        var text = SdpSession.CreateOffer(IPAddress.IPv6Loopback, 41002).ToString();

        Assert.Contains("c=IN IP6 ::1\r\n", text);
    }

    [Fact]
    public void SerializedOfferParsesBackToTheSameText()
    {
        var offer = SdpSession.CreateOffer(IPAddress.Loopback, 41004, direction: MediaDirection.SendOnly);

        var again = SdpSession.Parse(offer.ToString());

        Assert.Equal(offer.ToString(), again.ToString());
        Assert.Equal(MediaDirection.SendOnly, again.DirectionOf(again.Audio!));
    }

    [Fact]
    public void ParsedBaresipOfferSerializesEveryLine()
    {
        var text = SdpSession.Parse(BaresipOffer).ToString();

        Assert.Equal(BaresipOffer, text);
    }

    [Fact]
    public void NegotiatesFromOurOfferAndTheirAnswer()
    {
        var offer = SdpSession.CreateOffer(IPAddress.Loopback, 41006);
        var answer = SdpSession.Parse(
            "v=0\r\no=- 5 5 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n" +
            "m=audio 7000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=rtcp:7005\r\n");

        Assert.True(SdpSession.TryNegotiate(offer, answer, out var n, out var error), error);

        Assert.Equal(MediaFormat.Pcma, n.Codec);
        Assert.Equal(101, n.TelephoneEventPayloadType);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 7000), n.RemoteRtp);
        Assert.Equal(7005, n.RemoteRtcp.Port);
        Assert.Equal(MediaDirection.SendRecv, n.LocalDirection);
    }

    [Fact]
    public void AnAnswerWithoutTelephoneEventLeavesNoEventTypeOnEitherSide()
    {
        var offer = SdpSession.CreateOffer(IPAddress.Loopback, 41007);
        var answer = SdpSession.Parse(
            "v=0\r\no=- 5 5 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");

        Assert.True(SdpSession.TryNegotiate(offer, answer, out var n, out var error), error);

        // Without it the peer's keys come as tones, and the in-band detector listens only when neither type is set.
        Assert.Null(n.TelephoneEventPayloadType);
        Assert.Null(n.LocalTelephoneEventPayloadType);
    }

    [Fact]
    public void NegotiationFailsWhenTheAnswerPicksACodecWeDidNotOffer()
    {
        var offer = SdpSession.CreateOffer(IPAddress.Loopback, 41008, codecs: [MediaFormat.Pcmu]);
        var answer = SdpSession.Parse(SippOffer.Replace("RTP/AVP 0", "RTP/AVP 8").Replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000"));

        Assert.False(SdpSession.TryNegotiate(offer, answer, out _, out var error));
        Assert.Contains("no codec that we offered", error);
    }

    [Fact]
    public void NegotiationFailsWhenTheAnswerRejectsAudio()
    {
        var offer = SdpSession.CreateOffer(IPAddress.Loopback, 41010);
        var answer = SdpSession.Parse(SippOffer.Replace("m=audio 6000", "m=audio 0"));

        Assert.False(SdpSession.TryNegotiate(offer, answer, out _, out var error));
        Assert.Contains("accepts no audio", error);
    }

    [Fact]
    public void ParsesLfOnlyLinesAndMediaLevelConnection()
    {
        var sdp = SdpSession.Parse("v=0\no=- 1 2 IN IP4 h\ns=x\nt=0 0\nm=audio 5000/2 RTP/AVP 0\nc=IN IP4 192.0.2.9\n");

        var audio = sdp.Audio!;
        Assert.Equal(2, audio.PortCount);
        Assert.Equal(IPAddress.Parse("192.0.2.9"), sdp.ConnectionOf(audio)!.IPAddress);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("o=- 1 1 IN IP4 h\r\n", "v=")]
    [InlineData("v=0\r\ns=-\r\n", "no o= line")]
    [InlineData("v=0\r\no=- x 1 IN IP4 h\r\n", "o=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 h\r\nc=IN IP4\r\n", "c=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 h\r\nc=IN IP4 1.2.3.4\r\nm=audio port RTP/AVP 0\r\n", "m=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 70000 RTP/AVP 0\r\n", "m=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 5000 RTP/AVP 0\r\n", "no c= line")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 h\r\nthis is not sdp\r\n", "line 3")]
    [InlineData("v=0\r\nv=0\r\n", "only one v=0")]
    public void RejectsMalformedSdpWithAClearError(string text, string expected)
    {
        Assert.False(SdpSession.TryParse(text, out _, out var error));
        Assert.Contains(expected, error);
        Assert.Throws<SdpParseException>(() => SdpSession.Parse(text));
    }

    [Fact]
    public void RandomMutationsNeverThrowUnexpectedExceptions()
    {
        var random = new Random(4);
        var source = BaresipOffer.ToCharArray();
        for (var i = 0; i < 5000; i++)
        {
            var mutated = (char[])source.Clone();
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                mutated[random.Next(mutated.Length)] = (char)random.Next(0, 128);
            }

            if (SdpSession.TryParse(new string(mutated), out var sdp, out _))
            {
                _ = sdp.ToString();
                _ = SdpSession.Answer(sdp, IPAddress.Loopback, 40000);
            }
        }
    }
}
