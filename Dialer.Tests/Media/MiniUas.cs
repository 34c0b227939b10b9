using System.Net;
using System.Net.Sockets;
using System.Text;
using Dialer.Worker.Media;

namespace Dialer.Tests.Media;

/// <summary>
/// Just enough of a SIP UAS for sipp to set up one call with this media stack: answers INVITE with 200 OK
/// carrying our SDP answer, takes ACK and answers BYE. The real SIP stack lives in Dialer.Worker/Sip; this
/// only lets the media tests talk to sipp's RTP without depending on it.
/// </summary>
internal sealed class MiniUas : IDisposable
{
    private readonly UdpClient udp;
    private readonly RtpSession media;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly Func<SdpSession, SdpAnswerResult>? answerer;

    /// <param name="answerer">Makes the answer (and sets up the media) instead of a plain RTP answer, e.g. a WebRTC one.</param>
    public MiniUas(RtpSession media, int port, Func<SdpSession, SdpAnswerResult>? answerer = null)
    {
        this.media = media;
        this.answerer = answerer;
        udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
        Port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        loop = Task.Run(RunAsync);
    }

    public int Port { get; }

    public SdpNegotiation? Negotiation { get; private set; }

    public TaskCompletionSource Bye { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose()
    {
        stop.Cancel();
        udp.Dispose();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // Cancelled.
        }
    }

    private async Task RunAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await udp.ReceiveAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var text = Encoding.UTF8.GetString(received.Buffer);
            var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var head = split < 0 ? text : text[..split];
            var body = split < 0 ? "" : text[(split + 4)..];
            var lines = head.Split("\r\n");
            var method = lines[0].Split(' ')[0];
            if (method == "INVITE")
            {
                var answer = answerer is null ? SdpSession.Answer(SdpSession.Parse(body), IPAddress.Loopback, media.LocalPort) : answerer(SdpSession.Parse(body));
                if (answer.Accepted)
                {
                    Negotiation = answer.Negotiation;
                    if (answerer is null)
                    {
                        media.SetRemote(answer.Negotiation);
                    }

                    await ReplyAsync(lines, 200, "OK", answer.Sdp.ToString(), received.RemoteEndPoint);
                    Answered.TrySetResult();
                }
                else
                {
                    await ReplyAsync(lines, 488, "Not Acceptable Here", null, received.RemoteEndPoint);
                }
            }
            else if (method == "BYE")
            {
                await ReplyAsync(lines, 200, "OK", null, received.RemoteEndPoint);
                Bye.TrySetResult();
            }
        }
    }

    private async Task ReplyAsync(string[] request, int code, string reason, string? sdp, IPEndPoint to)
    {
        var sb = new StringBuilder($"SIP/2.0 {code} {reason}\r\n");
        foreach (var line in request.Skip(1))
        {
            var name = line.Split(':')[0].Trim();
            if (name is "Via" or "From" or "Call-ID" or "CSeq")
            {
                sb.Append(line).Append("\r\n");
            }
            else if (name == "To")
            {
                sb.Append(line).Append(line.Contains("tag=") ? "" : ";tag=media-test").Append("\r\n");
            }
        }

        sb.Append($"Contact: <sip:dialer@127.0.0.1:{Port}>\r\n");
        if (sdp is not null)
        {
            sb.Append("Content-Type: application/sdp\r\n");
        }

        sb.Append($"Content-Length: {Encoding.UTF8.GetByteCount(sdp ?? "")}\r\n\r\n").Append(sdp);
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        await udp.SendAsync(bytes, to, stop.Token);
    }
}
