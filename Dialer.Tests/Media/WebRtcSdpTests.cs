using System.Net;
using Dialer.Worker.Media;
using Dialer.Worker.Media.WebRtc;
using Dialer.Worker.Sip.Telephony;
using Xunit;

namespace Dialer.Tests.Media;

/// <summary>The WebRTC offer Chrome needs, Chrome's answer read back, a browser's offer answered.</summary>
public sealed class WebRtcSdpTests
{
    private static readonly DtlsCertificate Certificate = WebRtcTestKit.WorkerCertificate;

    /// <summary>An answer as Chrome writes it (mDNS candidate, c= 0.0.0.0 when it gathered nothing public).</summary>
    private const string ChromeAnswer =
        "v=0\r\n" +
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "t=0 0\r\n" +
        "a=msid-semantic: WMS 3a1b\r\n" +
        "m=audio 9 UDP/TLS/RTP/SAVPF 0 101\r\n" +
        "c=IN IP4 0.0.0.0\r\n" +
        "a=rtcp:9 IN IP4 0.0.0.0\r\n" +
        "a=candidate:2999745851 1 udp 2122260223 4b1c6f0e-1c1a-4f35-9a7e-1f5e7f0a1b2c.local 50123 typ host generation 0 network-id 1\r\n" +
        "a=ice-ufrag:Chr0\r\n" +
        "a=ice-pwd:abcdefghijklmnopqrstuv12\r\n" +
        "a=ice-options:trickle\r\n" +
        "a=fingerprint:sha-256 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9\r\n" +
        "a=setup:active\r\n" +
        "a=mid:0\r\n" +
        "a=sendrecv\r\n" +
        "a=msid:3a1b 7c2d\r\n" +
        "a=rtcp-mux\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=ssrc:1001 cname:abc\r\n";

    [Fact]
    public void OfferCarriesWhatChromeRequires()
    {
        var local = WebRtcMediaParameters.Create(Certificate);
        var offer = SdpSession.CreateWebRtcOffer(IPAddress.Parse("192.0.2.10"), 40000, local, 0x1234).ToString();

        Assert.Contains("m=audio 40000 UDP/TLS/RTP/SAVPF 0 8 101\r\n", offer);
        Assert.Contains("c=IN IP4 192.0.2.10\r\n", offer);
        Assert.Contains("a=ice-lite\r\n", offer);
        Assert.True(offer.IndexOf("a=ice-lite", StringComparison.Ordinal) < offer.IndexOf("m=audio", StringComparison.Ordinal), "ice-lite is session level");
        Assert.Contains($"a=ice-ufrag:{local.Ufrag}\r\n", offer);
        Assert.Contains($"a=ice-pwd:{local.Password}\r\n", offer);
        Assert.Contains($"a=fingerprint:sha-256 {Certificate.Fingerprint}\r\n", offer);
        Assert.Contains("a=setup:actpass\r\n", offer);
        Assert.Contains("a=mid:0\r\n", offer);
        Assert.Contains("a=rtcp-mux\r\n", offer);
        Assert.Contains("a=candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host", offer);
        Assert.Contains("a=rtpmap:101 telephone-event/8000\r\n", offer);
        Assert.Contains("a=fmtp:101 0-16\r\n", offer);
        Assert.Contains("a=sendrecv\r\n", offer);
        Assert.Contains("a=msid:dialer audio0\r\n", offer);
        Assert.Contains("a=ssrc:4660 cname:", offer);
        Assert.True(local.Ufrag.Length >= 4 && local.Password.Length >= 22);
        Assert.True(SdpSession.TryParse(offer, out _, out _));
    }

    [Fact]
    public void ChromesAnswerGivesItsCredentialsAndMakesUsTheDtlsServer()
    {
        var local = WebRtcMediaParameters.Create(Certificate);
        var offer = SdpSession.CreateWebRtcOffer(IPAddress.Loopback, 40000, local, 1);

        Assert.True(SdpSession.TryNegotiateWebRtc(offer, SdpSession.Parse(ChromeAnswer), out var negotiation, out var remote, out var error), error);

        Assert.Equal("PCMU", negotiation.Codec.Name);
        Assert.Equal(101, negotiation.TelephoneEventPayloadType);
        Assert.Equal(MediaDirection.SendRecv, negotiation.LocalDirection);
        Assert.False(negotiation.IsOnHold);
        Assert.Equal("Chr0", remote.Ufrag);
        Assert.Equal("abcdefghijklmnopqrstuv12", remote.Password);
        Assert.StartsWith("0A:1B:2C", remote.Fingerprint);
        Assert.Equal(DtlsRole.Server, remote.LocalRole);
        Assert.False(SdpSession.TryNegotiate(offer, SdpSession.Parse(ChromeAnswer), out _, out _));
    }

    [Fact]
    public void AnswerWithoutFingerprintOrCredentialsIsRefused()
    {
        var offer = SdpSession.CreateWebRtcOffer(IPAddress.Loopback, 40000, WebRtcMediaParameters.Create(Certificate), 1);
        var noFingerprint = ChromeAnswer.Replace("a=fingerprint:sha-256", "a=fingerprint:sha-1", StringComparison.Ordinal);
        var noPassword = ChromeAnswer.Replace("a=ice-pwd:abcdefghijklmnopqrstuv12\r\n", "", StringComparison.Ordinal);
        var plain = ChromeAnswer.Replace("UDP/TLS/RTP/SAVPF", "RTP/AVP", StringComparison.Ordinal);

        Assert.False(SdpSession.TryNegotiateWebRtc(offer, SdpSession.Parse(noFingerprint), out _, out _, out var error));
        Assert.Contains("fingerprint", error);
        Assert.False(SdpSession.TryNegotiateWebRtc(offer, SdpSession.Parse(noPassword), out _, out _, out error));
        Assert.Contains("ice-pwd", error);
        Assert.False(SdpSession.TryNegotiateWebRtc(offer, SdpSession.Parse(plain), out _, out _, out _));
    }

    [Fact]
    public void ABrowsersOfferIsAnsweredPassiveWithItsMid()
    {
        var browser = WebRtcMediaParameters.Create(WebRtcTestKit.BrowserCertificate, iceControlling: true);
        var browserOffer = SdpSession.CreateWebRtcOffer(IPAddress.Loopback, 50000, browser, 9).ToString()
            .Replace("a=mid:0", "a=mid:audio", StringComparison.Ordinal)
            .Replace("t=0 0\r\n", "t=0 0\r\na=group:BUNDLE audio\r\n", StringComparison.Ordinal);
        var ours = WebRtcMediaParameters.Create(Certificate);

        var result = SdpSession.AnswerWebRtc(SdpSession.Parse(browserOffer), IPAddress.Loopback, 40000, ours, 7, out var remote);

        Assert.True(result.Accepted, result.Error);
        var text = result.Sdp.ToString();
        Assert.Contains("a=setup:passive\r\n", text);
        Assert.Contains("a=mid:audio\r\n", text);
        Assert.Contains("a=group:BUNDLE audio\r\n", text);
        Assert.Contains("m=audio 40000 UDP/TLS/RTP/SAVPF 0 101\r\n", text);
        Assert.NotNull(remote);
        Assert.Equal(browser.Ufrag, remote.Ufrag);
        Assert.Equal(WebRtcTestKit.BrowserCertificate.Fingerprint, remote.Fingerprint);
        Assert.Equal(DtlsRole.Server, remote.LocalRole);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 50000), result.Negotiation.RemoteRtp);
    }

    [Theory]
    [InlineData("sip:agent7@df7jal23ls0d.invalid;transport=ws", true)]
    [InlineData("sip:agent7@192.0.2.4:5060;transport=WSS;ob", true)]
    [InlineData("sip:agent7@192.0.2.4:5060", false)]
    [InlineData("sip:agent7@192.0.2.4:5060;transport=tcp", false)]
    [InlineData("sip:agent7@192.0.2.4:5060;transport=udp", false)]
    public void BrowserPhonesAreKnownByTheirWebSocketContact(string contact, bool browser)
    {
        Assert.Equal(browser, SipCallLeg.IsWebSocketContact(contact));
    }
}
