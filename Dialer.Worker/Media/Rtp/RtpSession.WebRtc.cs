using System.Net;
using System.Net.Sockets;
using Dialer.Worker.Media.WebRtc;

namespace Dialer.Worker.Media;

/// <summary>
/// WebRTC mode (a browser phone): RTP and RTCP share the RTP port (rtcp-mux), ICE checks are answered there, DTLS
/// makes the SRTP keys, and from then on every packet sent is protected and every packet received unprotected, so
/// prompts, relay, DTMF, RTCP, recording, detection and mixing work unchanged above this layer. Nothing is sent
/// in clear: before the keys exist media is held back. Datagrams that fail are dropped and counted as rejected.
/// </summary>
public sealed partial class RtpSession
{
    private volatile WebRtcTransport? webRtc;

    /// <summary>The secure transport in WebRTC mode, null otherwise.</summary>
    public WebRtcTransport? WebRtc => webRtc;

    /// <summary>Packets not sent because the SRTP keys did not exist yet (WebRTC mode).</summary>
    public long HeldBackBeforeKeys => Interlocked.Read(ref heldBack);

    private long heldBack;

    /// <summary>
    /// Turns on WebRTC mode with our ICE credentials and certificate (before the SDP goes out: the browser may
    /// start its checks as soon as it has our offer). Call <see cref="SetWebRtcRemote"/> with the other side's.
    /// </summary>
    public void EnableWebRtc(WebRtcMediaParameters local)
    {
        ArgumentNullException.ThrowIfNull(local);
        lock (gate)
        {
            if (webRtc is not null)
            {
                throw new InvalidOperationException("WebRTC mode is already on");
            }

            webRtc = new WebRtcTransport(local, SendDatagram, rtpSocket.AddressFamily, time, logger);
        }
    }

    /// <summary>Both sides at once: <see cref="EnableWebRtc(WebRtcMediaParameters)"/> then <see cref="SetWebRtcRemote"/>.</summary>
    public void EnableWebRtc(WebRtcMediaParameters local, WebRtcRemoteParameters remote)
    {
        EnableWebRtc(local);
        SetWebRtcRemote(remote);
    }

    /// <summary>
    /// The remote ICE credentials, fingerprint and our DTLS role from its SDP; the handshake starts once ICE has an
    /// address. The remote RTP address from <see cref="SetRemote(SdpNegotiation)"/> is the candidate a controlling
    /// side checks; the lite side learns the address from the checks instead.
    /// </summary>
    public void SetWebRtcRemote(WebRtcRemoteParameters remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var transport = webRtc ?? throw new InvalidOperationException("WebRTC mode is off: call EnableWebRtc first");
        transport.SetRemote(remote, RemoteRtp);
    }

    private void SendDatagram(ReadOnlyMemory<byte> data, SocketAddress to) =>
        rtpSocket.SendTo(data.Span, SocketFlags.None, to);

    /// <summary>On the RTP loop in WebRTC mode: STUN and DTLS handled, SRTP and SRTCP unprotected and passed on.</summary>
    private void OnWebRtcDatagram(WebRtcTransport transport, Span<byte> datagram, SocketAddress from, List<RtcpPacket> packets)
    {
        switch (transport.Receive(datagram, from, out var length))
        {
            case WebRtcPacket.Rtp:
                OnRtp(datagram[..length], from);
                break;
            case WebRtcPacket.Rtcp:
                packets.Clear();
                if (RtcpPacket.TryParseCompound(datagram[..length], packets))
                {
                    OnRtcp(packets);
                }
                else
                {
                    Interlocked.Increment(ref rejected);
                }

                break;
            case WebRtcPacket.Dropped:
                Interlocked.Increment(ref rejected);
                break;
        }
    }

    /// <summary>With the gate held: protects and sends an RTP packet, or holds it back before the keys.</summary>
    private void SendSecureRtp(WebRtcTransport transport, ReadOnlySpan<byte> packet, int payloadLength)
    {
        Span<byte> secured = stackalloc byte[packet.Length + 16];
        var length = transport.ProtectRtp(packet, secured);
        if (length < 0 || transport.Destination is not { } to)
        {
            heldBack++;
            return;
        }

        SendDatagram(secured[..length], to, payloadLength);
    }

    /// <summary>With the gate held: protects and sends a compound RTCP packet on the RTP port (rtcp-mux).</summary>
    private bool SendSecureRtcp(WebRtcTransport transport, ReadOnlySpan<byte> compound)
    {
        Span<byte> secured = stackalloc byte[compound.Length + SrtpContext.RtcpOverhead + 2];
        var length = transport.ProtectRtcp(compound, secured);
        if (length < 0 || transport.Destination is not { } to)
        {
            return false;
        }

        rtpSocket.SendTo(secured[..length], SocketFlags.None, to);
        return true;
    }
}
