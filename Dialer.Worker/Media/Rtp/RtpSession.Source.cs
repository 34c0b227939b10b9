using System.Net;
using System.Net.Sockets;

namespace Dialer.Worker.Media;

/// <summary>
/// Which RTP source is listened to (like Asterisk's strict RTP): the address the SDP gave, or, when that one is
/// silent, another address that has sent a few packets in sequence from one SSRC (peers that send from another
/// port than they announce, or NAT). Stray or forged datagrams from elsewhere are counted as rejected.
/// </summary>
public sealed partial class RtpSession
{
    /// <summary>Packets in sequence from one SSRC a new address must send before it is listened to.</summary>
    private const int LearnPackets = 3;

    private static readonly TimeSpan SourceSilence = TimeSpan.FromMilliseconds(500);
    private SocketAddress? acceptedSource;
    private long lastFromAcceptedSource;
    private SocketAddress? candidateSource;
    private uint candidateSsrc;
    private ushort candidateSequence;
    private int candidatePackets;

    /// <summary>With the gate held: whether to take a packet from <paramref name="from"/>.</summary>
    private bool AcceptSource(SocketAddress from, in RtpHeader header)
    {
        if (webRtc is not null)
        {
            // WebRTC mode: SRTP authentication already proved the sender; ICE chose the address.
            return true;
        }

        if (remoteRtpAddress is null)
        {
            // No SDP yet: nothing to compare with, take what comes (early media before the answer is read).
            return true;
        }

        acceptedSource ??= remoteRtpAddress;
        if (from.Equals(acceptedSource))
        {
            lastFromAcceptedSource = time.GetTimestamp();
            return true;
        }

        if (candidateSource is not null && from.Equals(candidateSource) && header.Ssrc == candidateSsrc
            && header.SequenceNumber == (ushort)(candidateSequence + 1))
        {
            candidatePackets++;
        }
        else
        {
            candidateSource = Copy(from);
            candidateSsrc = header.Ssrc;
            candidatePackets = 1;
        }

        candidateSequence = header.SequenceNumber;
        var silent = lastFromAcceptedSource == 0 || time.GetElapsedTime(lastFromAcceptedSource) >= SourceSilence;
        if (!silent || candidatePackets < LearnPackets)
        {
            return false;
        }

        acceptedSource = candidateSource;
        lastFromAcceptedSource = time.GetTimestamp();
        candidateSource = null;
        if (options.LatchToSource)
        {
            RemoteRtp = (IPEndPoint)LocalEndPoint.Create(acceptedSource);
            remoteRtpAddress = acceptedSource;
        }

        return true;
    }

    /// <summary>RTCP is taken from the remote host only (any port).</summary>
    private bool AcceptRtcpSource(SocketAddress from)
    {
        lock (gate)
        {
            if (RemoteRtp is null)
            {
                return true;
            }

            var source = (IPEndPoint)LocalEndPoint.Create(from);
            return source.Address.Equals(RemoteRtp.Address) || (acceptedSource is not null && ((IPEndPoint)LocalEndPoint.Create(acceptedSource)).Address.Equals(source.Address));
        }
    }

    private void ResetSource()
    {
        acceptedSource = null;
        lastFromAcceptedSource = 0;
        candidateSource = null;
        candidatePackets = 0;
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.CopyTo(copy.Buffer);
        return copy;
    }
}
