using System.Net;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Media;
using Dialer.Worker.Media.WebRtc;
using Dialer.Worker.Sip.Telephony;
using Dialer.Worker.Telephony;
using Xunit;
using static Dialer.Tests.Media.MediaTestKit;

namespace Dialer.Tests.Media;

/// <summary>The agent leg through the real SIP stack to a phone registered with transport=ws: WebRTC SDP and media.</summary>
public sealed class WebRtcTelephonyTests
{
    [Fact]
    public async Task AnAgentLegToAWebSocketContactNegotiatesWebRtcAndCarriesAudioAndKeys()
    {
        await using var ours = new SipTestStack(trunkPort: 9);
        await using var browser = Open();
        var browserLocal = WebRtcMediaParameters.Create(WebRtcTestKit.BrowserCertificate, iceControlling: true);
        browser.EnableWebRtc(browserLocal);
        string? offer = null;
        using var phone = new MiniUas(browser, 0, remoteOffer =>
        {
            offer = remoteOffer.ToString();
            var result = SdpSession.AnswerWebRtc(remoteOffer, IPAddress.Loopback, browser.LocalPort, browserLocal, browser.Ssrc, out var remote, DtlsRole.Client);
            if (result.Accepted)
            {
                browser.SetRemote(result.Negotiation);
                browser.SetWebRtcRemote(remote!);
            }

            return result;
        });
        var contact = $"sip:agent9@127.0.0.1:{phone.Port};transport=ws";
        Assert.True(ours.Registrar.RestoreUdp("agent9", contact, new IPEndPoint(IPAddress.Loopback, phone.Port), DateTimeOffset.UtcNow.AddHours(1)));
        var observer = new RecordingObserver();
        var atBrowser = new AudioCapture(browser);

        var leg = Assert.IsType<SipCallLeg>(ours.Telephony.OpenAgentLeg(new AgentLegRequest(9, "agent9"), observer));
        await RecordingObserver.Within(observer.Answered.Task);
        await WaitUntil(() => leg.Media.WebRtc!.IsSecure && browser.WebRtc!.IsSecure, "DTLS-SRTP between the agent leg and the browser phone");
        var atLeg = new AudioCapture(leg.Media);
        leg.Media.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(800)));
        browser.Play(WavPrompt.Tone(2000, TimeSpan.FromMilliseconds(800)));
        await WaitUntil(() => atBrowser.ToneDuration(1000) >= TimeSpan.FromMilliseconds(600), "the Worker's tone in the browser");
        await WaitUntil(() => atLeg.ToneDuration(2000) >= TimeSpan.FromMilliseconds(600), "the browser's tone at the Worker");
        browser.SendDtmf("4");
        await WaitUntil(() => observer.Digits.Count >= 1, "the browser's key reported by the agent leg");

        Assert.True(leg.IsBrowserPhone);
        Assert.Contains("UDP/TLS/RTP/SAVPF", offer);
        Assert.Contains("a=ice-lite", offer);
        Assert.Contains("a=fingerprint:sha-256 " + DtlsCertificate.Shared(TimeProvider.System).Fingerprint, offer);
        Assert.Equal(['4'], observer.Digits);
        leg.Hangup();
        await RecordingObserver.Within(phone.Bye.Task);
    }
}
