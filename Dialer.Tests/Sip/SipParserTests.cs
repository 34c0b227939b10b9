using System.Text;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Sip.Messages;

namespace Dialer.Tests.Sip;

public class SipParserTests
{
    internal const string Invite =
        "INVITE sip:+8613800000000@trunk.example.com SIP/2.0\n" +
        "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport, SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKabc\n" +
        "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKdef\n" +
        "Max-Forwards: 70\n" +
        "To: <sip:+8613800000000@trunk.example.com>\n" +
        "From: \"Dialer\" <sip:4000@trunk.example.com>;tag=1928301774\n" +
        "Call-ID: a84b4c76e66710@pc33.example.com\n" +
        "CSeq: 314159 INVITE\n" +
        "Contact: <sip:4000@10.0.0.1:5060>\n" +
        "Content-Type: application/sdp\n" +
        "Content-Length: {LEN}\n" +
        "\n" +
        "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 40000 RTP/AVP 0 8 101\na=rtpmap:101 telephone-event/8000\n";

    internal const string Ringing =
        "SIP/2.0 180 Ringing\n" +
        "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport=5060;received=10.0.0.1\n" +
        "To: <sip:+8613800000000@trunk.example.com>;tag=a6c85cf\n" +
        "From: \"Dialer\" <sip:4000@trunk.example.com>;tag=1928301774\n" +
        "Call-ID: a84b4c76e66710@pc33.example.com\n" +
        "CSeq: 314159 INVITE\n" +
        "Content-Length: 0\n\n";

    [Fact]
    public void CommaSeparatedAndRepeatedViasAreAllRead()
    {
        var message = SipParser.Parse(SipTestData.FromText(Invite));

        var vias = message.GetAll(SipHeaderNames.Via);

        Assert.Equal(3, vias.Count);
        Assert.Equal("z9hG4bK776asdhds", message.TopVia!.Branch);
        Assert.Equal(5060, message.TopVia.Port);
        Assert.True(message.TopVia.Parameters.Contains("rport"));
    }

    [Fact]
    public void RequestRoundTripsThroughTheSerializer()
    {
        var original = (SipRequest)SipParser.Parse(SipTestData.FromText(Invite));

        var copy = (SipRequest)SipParser.Parse(original.ToBytes());

        Assert.Equal(original.Method, copy.Method);
        Assert.Equal(original.Uri, copy.Uri);
        Assert.Equal(original.Headers.Count, copy.Headers.Count);
        Assert.Equal(original.Body, copy.Body);
        Assert.Equal("Dialer", copy.From.DisplayName);
    }

    [Fact]
    public void ResponseStatusAndTagsAreRead()
    {
        var response = (SipResponse)SipParser.Parse(SipTestData.FromText(Ringing));

        Assert.Equal(180, response.StatusCode);
        Assert.Equal("Ringing", response.Reason);
        Assert.Equal("a6c85cf", response.To.Tag);
        Assert.Equal("10.0.0.1", response.TopVia!.Parameters["received"]);
    }

    [Fact]
    public void MissingContentLengthOnUdpTakesTheRestOfTheDatagram()
    {
        var text = Invite.Replace("Content-Length: {LEN}\n", string.Empty);

        var message = SipParser.Parse(SipTestData.FromText(text));

        Assert.StartsWith("v=0", message.BodyText);
    }

    [Fact]
    public void StreamFramingFindsMessagesSplitAcrossReads()
    {
        var one = SipTestData.FromText(Invite);
        var two = SipTestData.FromText(Ringing);
        var stream = new byte[] { 13, 10, 13, 10 }.Concat(one).Concat(two).ToArray();

        Assert.Equal(-1, SipParser.FrameLength(stream.AsSpan(0, 40), out _));
        var first = SipParser.FrameLength(stream, out var skip);
        Assert.Equal(4, skip);
        Assert.Equal(one.Length, first);
        var second = SipParser.FrameLength(stream.AsSpan(skip + first), out var skip2);
        Assert.Equal(0, skip2);
        Assert.Equal(two.Length, second);
        Assert.Equal(-1, SipParser.FrameLength(stream.AsSpan(skip + first, two.Length - 1), out _));
    }

    [Fact]
    public void StreamFramingRequiresContentLength()
    {
        var text = Ringing.Replace("Content-Length: 0\n", string.Empty);

        Assert.Throws<SipParseException>(() => SipParser.FrameLength(SipTestData.FromText(text), out _));
    }

    [Fact]
    public void MalformedRequestGetsA400CarryingItsTransactionHeaders()
    {
        var text = Invite.Replace("CSeq: 314159 INVITE", "CSeq: 314159 BYE");

        var ok = SipParser.TryParse(SipTestData.FromText(text), out _, out var error);
        var response = SipParser.BadRequestFor(SipTestData.FromText(text), error!);

        Assert.False(ok);
        Assert.NotNull(response);
        Assert.Equal(400, response.StatusCode);
        Assert.Contains("CSeq method", response.Reason);
        Assert.Equal(3, response.GetAll(SipHeaderNames.Via).Count);
        Assert.Equal("a84b4c76e66710@pc33.example.com", response.CallId);
    }

    [Fact]
    public void MalformedResponsesAndAcksGetNoResponse()
    {
        var badResponse = SipTestData.FromText(Ringing.Replace("CSeq: 314159 INVITE", "CSeq: x"));
        var badAck = SipTestData.FromText(Invite.Replace("INVITE sip", "ACK sip").Replace("CSeq: 314159 INVITE", "CSeq: x"));

        Assert.Null(SipParser.BadRequestFor(badResponse, "bad"));
        Assert.Null(SipParser.BadRequestFor(badAck, "bad"));
    }

    [Fact]
    public void GarbageIsAParseErrorNotACrash()
    {
        var garbage = Encoding.UTF8.GetBytes("\u0000\u0001hello\r\n\r\n");

        Assert.False(SipParser.TryParse(garbage, out _, out var error));
        Assert.NotNull(error);
    }

    /// <summary>RFC 3261 §20.33: delta-seconds, then an optional comment and parameters (;duration= is how long the callee stays free).</summary>
    [Theory]
    [InlineData("3600", 3600L)]
    [InlineData("120 (I'm in a meeting)", 120L)]
    [InlineData("18000;duration=3600", 18000L)]
    [InlineData("  60 (back soon) ;duration=10", 60L)]
    [InlineData("0", 0L)]
    [InlineData("", null)]
    [InlineData("soon", null)]
    [InlineData("12abc", null)]
    [InlineData("-5", null)]
    public void RetryAfterIsReadAsSecondsIgnoringTheCommentAndParameters(string value, long? seconds)
    {
        var text = Ringing.Replace("SIP/2.0 180 Ringing", "SIP/2.0 486 Busy Here").Replace("Content-Length: 0", "Retry-After: " + value + "\nContent-Length: 0");
        var response = (SipResponse)SipParser.Parse(SipTestData.FromText(text));

        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, response.RetryAfter);
    }

    [Fact]
    public void RetryAfterIsAbsentWithoutTheHeaderAndHugeValuesAreTheLongestWait()
    {
        var response = (SipResponse)SipParser.Parse(SipTestData.FromText(Ringing));

        Assert.Null(response.RetryAfter);
        Assert.Equal(TimeSpan.MaxValue, SipResponse.ParseRetryAfter("99999999999999999999999"));
    }
}
