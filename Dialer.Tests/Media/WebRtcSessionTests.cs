using System.Net;
using System.Net.Sockets;
using Dialer.Worker.Media;
using Dialer.Worker.Media.WebRtc;
using Xunit;
using static Dialer.Tests.Media.MediaTestKit;

namespace Dialer.Tests.Media;

/// <summary>Loopback helpers: a Worker session in WebRTC mode and a test "browser" (ICE controlling, DTLS client, SRTP).</summary>
internal static class WebRtcTestKit
{
    public static readonly DtlsCertificate WorkerCertificate = DtlsCertificate.Create(TimeProvider.System, "worker");
    public static readonly DtlsCertificate BrowserCertificate = DtlsCertificate.Create(TimeProvider.System, "browser");

    /// <summary>
    /// Opens the Worker's session (ICE lite, DTLS server) and the browser's (controlling, DTLS client) and hands each
    /// the other's parameters as the SDP would. <paramref name="browserExpects"/> replaces the Worker's fingerprint
    /// the browser checks.
    /// </summary>
    public static (RtpSession Worker, RtpSession Browser) OpenPair(MediaFormat codec, string? browserExpects = null)
    {
        var worker = Open();
        var browser = Open();
        var workerLocal = WebRtcMediaParameters.Create(WorkerCertificate);
        var browserLocal = WebRtcMediaParameters.Create(BrowserCertificate, iceControlling: true);
        worker.EnableWebRtc(workerLocal);
        browser.EnableWebRtc(browserLocal);
        Connect(worker, browser, codec);
        worker.SetWebRtcRemote(new WebRtcRemoteParameters(browserLocal.Ufrag, browserLocal.Password, BrowserCertificate.Fingerprint, DtlsRole.Server));
        browser.SetWebRtcRemote(new WebRtcRemoteParameters(workerLocal.Ufrag, workerLocal.Password, browserExpects ?? WorkerCertificate.Fingerprint, DtlsRole.Client));
        return (worker, browser);
    }

    public static Task Secured(RtpSession worker, RtpSession browser) =>
        WaitUntil(() => worker.WebRtc!.IsSecure && browser.WebRtc!.IsSecure, "DTLS-SRTP on both sides");
}

/// <summary>A WebRTC-mode session over real UDP sockets: bridged to a plain one, audio and keys both ways.</summary>
public sealed class WebRtcSessionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BrowserAndCustomerHearEachOtherAcrossTheBridge(bool differentCodecs)
    {
        // customer <-> leg1 (plain RTP) bridged to agentLeg (WebRTC) <-> browser
        await using var customer = Open();
        await using var leg1 = Open();
        var (agentLeg, browser) = WebRtcTestKit.OpenPair(differentCodecs ? MediaFormat.Pcma : MediaFormat.Pcmu);
        await using var _ = agentLeg;
        await using var __ = browser;
        Connect(customer, leg1, MediaFormat.Pcmu);
        var atBrowser = new AudioCapture(browser);
        var atCustomer = new AudioCapture(customer);
        leg1.BridgeTo(agentLeg);
        await WebRtcTestKit.Secured(agentLeg, browser);

        customer.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(800)));
        browser.Play(WavPrompt.Tone(2000, TimeSpan.FromMilliseconds(800)));
        await WaitUntil(() => atBrowser.ToneDuration(1000) >= TimeSpan.FromMilliseconds(600), "the customer's tone in the browser");
        await WaitUntil(() => atCustomer.ToneDuration(2000) >= TimeSpan.FromMilliseconds(600), "the browser's tone at the customer");

        browser.SendDtmf("5#");
        await WaitUntil(() => atCustomer.Digits.Count >= 2, "the browser's keys at the customer as RFC 4733");
        customer.SendDtmf("7");
        await WaitUntil(() => !atBrowser.Digits.IsEmpty, "the customer's key in the browser");

        Assert.Equal("5#", string.Concat(atCustomer.Digits));
        Assert.Equal("7", string.Concat(atBrowser.Digits));
        Assert.Equal(TimeSpan.Zero, atBrowser.ToneDuration(2000));
        Assert.Equal(SrtpProfile.Aes128CmHmacSha1_80, agentLeg.WebRtc!.Profile);
        Assert.Equal(browser.LocalPort, agentLeg.WebRtc.SelectedRemote!.Port);
        Assert.Equal(0, agentLeg.WebRtc.Dropped);
    }

    [Fact]
    public async Task RtcpReportsFlowProtectedOnTheRtpPort()
    {
        await using var worker = Open();
        var (agentLeg, browser) = WebRtcTestKit.OpenPair(MediaFormat.Pcmu);
        await using var _ = agentLeg;
        await using var __ = browser;
        await WebRtcTestKit.Secured(agentLeg, browser);
        agentLeg.PlayComfortTone();

        // RTCP goes every 5 s (randomised): wait for the first report each way.
        await WaitUntil(() => browser.Statistics.RtcpReceived > 0 && agentLeg.Statistics.RtcpReceived > 0, "SRTCP reports both ways");
        Assert.True(browser.Statistics.PacketsReceived > 0);
    }

    [Fact]
    public async Task AWrongFingerprintMeansNoKeysAndNoAudio()
    {
        var (agentLeg, browser) = WebRtcTestKit.OpenPair(MediaFormat.Pcmu, browserExpects: WebRtcTestKit.BrowserCertificate.Fingerprint);
        await using var _ = agentLeg;
        await using var __ = browser;
        var atBrowser = new AudioCapture(browser);
        agentLeg.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(600)));

        await WaitUntil(() => browser.WebRtc!.Failure is not null, "the browser to refuse the Worker's certificate");

        Assert.Contains("does not match the SDP fingerprint", browser.WebRtc!.Failure);
        Assert.False(browser.WebRtc.IsSecure);
        Assert.False(agentLeg.WebRtc!.IsSecure);
        Assert.Empty(atBrowser.Samples);
        Assert.True(agentLeg.HeldBackBeforeKeys > 0);
    }

    [Fact]
    public async Task NothingIsSentInClearToAnAddressThatPassedNoCheck()
    {
        // A stranger knows the port but not the ICE password: it gets STUN errors and nothing else.
        var (agentLeg, browser) = WebRtcTestKit.OpenPair(MediaFormat.Pcmu);
        await using var _ = agentLeg;
        await using var __ = browser;
        using var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, agentLeg.LocalPort);
        await WebRtcTestKit.Secured(agentLeg, browser);
        agentLeg.PlayComfortTone();
        var check = WebRtcPrimitiveTests.Check(agentLeg.WebRtc!.Local.Ufrag + ":x", "guessed-password-000000", new byte[12], true);
        await stranger.SendAsync(check, target);
        var rtp = new byte[172];
        rtp[0] = 0x80;
        await stranger.SendAsync(rtp, target);

        var answer = await stranger.ReceiveAsync().WaitAsync(Bound);
        Assert.True(StunMessage.TryParse(answer.Buffer, out var error));
        Assert.Equal(StunMessage.BindingError, error.Type);
        await WaitUntil(() => agentLeg.Statistics.PacketsRejected >= 1, "the stranger's RTP rejected");
        Assert.Equal(browser.LocalPort, agentLeg.WebRtc.SelectedRemote!.Port);
        Assert.Equal(0, stranger.Available);
    }
}
