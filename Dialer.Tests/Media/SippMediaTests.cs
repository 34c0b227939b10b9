using System.Net;
using Dialer.Worker.Media;
using static Dialer.Tests.Media.MediaTestKit;

namespace Dialer.Tests.Media;

/// <summary>sipp 3.6 as the far end: RTP from its rtp_stream action and RFC 4733 DTMF from its shipped pcaps.</summary>
public class SippMediaTests
{
    private const string DtmfPcap = "/usr/share/sip-tester/dtmf_2833_1.pcap";

    private const string Scenario = """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="media to the dialer">
          <send retrans="500">
            <![CDATA[
              INVITE sip:dialer@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              To: <sip:dialer@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 INVITE
              Contact: sip:sipp@[local_ip]:[local_port]
              Max-Forwards: 70
              Content-Type: application/sdp
              Content-Length: [len]

              v=0
              o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
              s=-
              c=IN IP[media_ip_type] [media_ip]
              t=0 0
              m=audio [media_port] RTP/AVP 0 8 101
              a=rtpmap:0 PCMU/8000
              a=rtpmap:8 PCMA/8000
              a=rtpmap:101 telephone-event/8000
              a=fmtp:101 0-15
            ]]>
          </send>
          <recv response="200" rtd="true"/>
          <send>
            <![CDATA[
              ACK sip:dialer@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              To: <sip:dialer@[remote_ip]:[remote_port]>[peer_tag_param]
              Call-ID: [call_id]
              CSeq: 1 ACK
              Contact: sip:sipp@[local_ip]:[local_port]
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
          <nop><action><exec rtp_stream="TONE,1,0"/></action></nop>
          <pause milliseconds="1300"/>
          <nop><action><exec play_pcap_audio="PCAP"/></action></nop>
          <pause milliseconds="800"/>
          <send retrans="500">
            <![CDATA[
              BYE sip:dialer@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              To: <sip:dialer@[remote_ip]:[remote_port]>[peer_tag_param]
              Call-ID: [call_id]
              CSeq: 2 BYE
              Contact: sip:sipp@[local_ip]:[local_port]
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
          <recv response="200"/>
        </scenario>
        """;

    [Fact]
    public async Task ReceivesSippRtpStreamAndDtmfPcap()
    {
        Assert.True(File.Exists(DtmfPcap), $"{DtmfPcap} comes with the sip-tester package");
        var directory = TempPath("sipp");
        Directory.CreateDirectory(directory);
        var tone = Path.Combine(directory, "tone.wav");
        ExternalTool.Run("sox", "-n", "-r", "8000", "-c", "1", "-e", "mu-law", tone, "synth", "1", "sine", "1000", "vol", "0.5");
        var scenario = Path.Combine(directory, "uac.xml");
        await File.WriteAllTextAsync(scenario, Scenario.Replace("TONE", tone).Replace("PCAP", DtmfPcap));
        await using var dialer = Open();
        var capture = new AudioCapture(dialer);
        using var uas = new MiniUas(dialer, 0);
        var sipPort = 44000 + (Random.Shared.Next(0, 250) * 4);

        await Task.Run(() => ExternalTool.Run(
            "sipp", $"127.0.0.1:{uas.Port}", "-sf", scenario, "-m", "1", "-i", "127.0.0.1", "-p", sipPort.ToString(),
            "-mp", (sipPort + 2).ToString(), "-timeout", "20s", "-timeout_error", "-nostdin", "-trace_err", "-error_file", Path.Combine(directory, "errors.log")));
        await uas.Bye.Task.WaitAsync(Bound);

        Assert.Equal(MediaFormat.Pcmu, uas.Negotiation!.Codec);
        Assert.Equal(101, uas.Negotiation.TelephoneEventPayloadType);
        Assert.True(capture.ToneDuration(1000) >= TimeSpan.FromMilliseconds(800), $"1 kHz heard for {capture.ToneDuration(1000)}");
        Assert.Equal("1", string.Concat(capture.Digits));
        Assert.Equal(0, dialer.Statistics.PacketsLost);
        Directory.Delete(directory, recursive: true);
    }
}
