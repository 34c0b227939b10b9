using System.Net.Sockets;

namespace Dialer.Worker.Media;

/// <summary>RTCP: sender or receiver reports with SDES CNAME every few seconds, BYE on close, round-trip time.</summary>
public sealed partial class RtpSession
{
    private const long NtpUnixOffsetSeconds = 2208988800;
    private long nextRtcp;
    private bool sentSinceReport;
    private uint lastSenderReportMiddle;
    private long lastSenderReportArrival;
    private long rtcpSent;
    private long rtcpReceived;
    private RtcpReportBlock? remoteReport;
    private TimeSpan? roundTrip;

    private void MaybeSendRtcp()
    {
        var now = time.GetTimestamp();
        if (now < nextRtcp)
        {
            return;
        }

        var interval = options.RtcpInterval.TotalSeconds * (0.5 + Random.Shared.NextDouble());
        nextRtcp = now + (long)(interval * time.TimestampFrequency);
        SendRtcpReport(bye: false);
    }

    private void SendRtcpReport(bool bye)
    {
        if (remoteRtcpAddress is null)
        {
            return;
        }

        RtcpReportBlock? block = null;
        if (receiveStats.HasSource)
        {
            var delay = lastSenderReportArrival == 0 ? 0u : (uint)(time.GetElapsedTime(lastSenderReportArrival).TotalSeconds * 65536);
            block = receiveStats.Report(lastSenderReportMiddle, delay);
        }

        RtcpPacket report;
        if (sentSinceReport || (bye && packetsSent > 0))
        {
            var sr = new RtcpSenderReport
            {
                Ssrc = Ssrc,
                NtpTimestamp = ToNtp(time.GetUtcNow()),
                RtpTimestamp = timestampBase + (uint)(clock.Frame * FrameSamples),
                PacketCount = (uint)packetsSent,
                OctetCount = (uint)octetsSent,
            };
            if (block is { } b)
            {
                sr.Reports.Add(b);
            }

            report = sr;
        }
        else
        {
            var rr = new RtcpReceiverReport { Ssrc = Ssrc };
            if (block is { } b)
            {
                rr.Reports.Add(b);
            }

            report = rr;
        }

        List<RtcpPacket> packets = [report, RtcpSourceDescription.Cname(Ssrc, $"{Ssrc:x8}@dialer")];
        if (bye)
        {
            var byePacket = new RtcpBye();
            byePacket.Ssrcs.Add(Ssrc);
            packets.Add(byePacket);
        }

        Span<byte> buffer = stackalloc byte[512];
        var length = RtcpPacket.WriteCompound(packets, buffer);
        try
        {
            if (webRtc is { } transport)
            {
                if (!SendSecureRtcp(transport, buffer[..length]))
                {
                    return;
                }
            }
            else
            {
                rtcpSocket.SendTo(buffer[..length], SocketFlags.None, remoteRtcpAddress);
            }

            rtcpSent++;
            sentSinceReport = false;
        }
        catch (SocketException)
        {
            sendErrors++;
        }
        catch (ObjectDisposedException)
        {
            // Closing.
        }
    }

    private void OnRtcp(List<RtcpPacket> packets)
    {
        var bye = false;
        lock (gate)
        {
            rtcpReceived++;
            foreach (var packet in packets)
            {
                switch (packet)
                {
                    case RtcpSenderReport sr:
                        lastSenderReportMiddle = (uint)(sr.NtpTimestamp >> 16);
                        lastSenderReportArrival = time.GetTimestamp();
                        TakeReports(sr.Reports);
                        break;
                    case RtcpReceiverReport rr:
                        TakeReports(rr.Reports);
                        break;
                    case RtcpBye:
                        bye = true;
                        break;
                }
            }
        }

        if (bye)
        {
            SafeInvoke(ByeReceived);
        }
    }

    private void TakeReports(List<RtcpReportBlock> reports)
    {
        foreach (var block in reports)
        {
            if (block.Ssrc != Ssrc)
            {
                continue;
            }

            remoteReport = block;
            if (block.LastSenderReport != 0)
            {
                // RFC 3550 section 6.4.1: RTT = A - LSR - DLSR in units of 1/65536 s.
                var now = (uint)(ToNtp(time.GetUtcNow()) >> 16);
                var rtt = (int)(now - block.LastSenderReport - block.DelaySinceLastSenderReport);
                if (rtt > -655)
                {
                    // On a fast link rounding of the two clocks can make it a hair below zero.
                    roundTrip = TimeSpan.FromSeconds(Math.Max(0, rtt) / 65536.0);
                }
            }
        }
    }

    internal static ulong ToNtp(DateTimeOffset when)
    {
        var unixTicks = when.UtcTicks - DateTime.UnixEpoch.Ticks;
        var seconds = (ulong)((unixTicks / TimeSpan.TicksPerSecond) + NtpUnixOffsetSeconds);
        var fraction = (ulong)(unixTicks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }
}
