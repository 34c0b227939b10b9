using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Dialer.Worker.Media.WebRtc;

/// <summary>What arrived on the media port, by its first byte (RFC 7983).</summary>
public enum WebRtcPacket
{
    /// <summary>STUN or DTLS, handled here.</summary>
    Consumed,

    /// <summary>Malformed, unauthenticated, replayed, from an unchecked address, or before the keys: dropped.</summary>
    Dropped,

    /// <summary>SRTP, now plain RTP in place.</summary>
    Rtp,

    /// <summary>SRTCP, now plain RTCP in place.</summary>
    Rtcp,
}

/// <summary>
/// The secure transport of one WebRTC media stream on a single UDP port (rtcp-mux): ICE (lite responder, or the
/// controlling checks of a test "browser"), DTLS 1.2 for the keys (BouncyCastle, on its own thread, fed the DTLS
/// records of the port), then SRTP/SRTCP on every RTP and RTCP packet. Nothing is sent in clear: until the keys
/// exist <see cref="ProtectRtp"/> gives -1 and the caller sends nothing.
/// </summary>
public sealed class WebRtcTransport : IDisposable
{
    /// <summary>How long a DTLS handshake may take before the stream is given up.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);

    private const int MaxCheckedAddresses = 8;
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(50);

    private readonly Action<ReadOnlyMemory<byte>, SocketAddress> send;
    private readonly AddressFamily family;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly IceLiteResponder responder;
    private readonly DtlsPacketChannel channel;
    private readonly List<SocketAddress> checkedAddresses = [];
    private readonly Lock sendGate = new();
    private readonly Lock startGate = new();
    private readonly CancellationTokenSource stopping = new();
    private volatile SocketAddress? selected;
    private volatile SrtpContext? sendContext;
    private volatile SrtpContext? receiveContext;
    private volatile bool srtpSeen;
    private SocketAddress? candidate;
    private byte[]? pendingTransaction;
    private long lastCheckSent;
    private long firstIceActivity;
    private Task? dtls;
    private int disposed;
    private long dropped;

    public WebRtcTransport(WebRtcMediaParameters local, Action<ReadOnlyMemory<byte>, SocketAddress> send, AddressFamily family, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(local);
        Local = local;
        this.send = send;
        this.family = family;
        this.time = time;
        this.logger = logger;
        responder = new IceLiteResponder(local.Ufrag, local.Password);
        channel = new DtlsPacketChannel(SendDtls);
    }

    public WebRtcMediaParameters Local { get; }

    public WebRtcRemoteParameters? Remote { get; private set; }

    /// <summary>Whether the SRTP keys exist (the DTLS handshake completed).</summary>
    [MemberNotNullWhen(true, nameof(SetupTime))]
    public bool IsSecure => sendContext is not null;

    /// <summary>Why the stream failed (DTLS refused or timed out), or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>From the first ICE check to the SRTP keys, once secure.</summary>
    public TimeSpan? SetupTime { get; private set; }

    /// <summary>The SRTP profile negotiated, once secure.</summary>
    public SrtpProfile? Profile => sendContext?.Profile;

    /// <summary>The remote media address ICE settled on (the source of a checked request, or the answered candidate).</summary>
    public IPEndPoint? SelectedRemote => selected is { } s ? (IPEndPoint)new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0).Create(s) : null;

    /// <summary>Where media goes: the selected address, or null before ICE.</summary>
    public SocketAddress? Destination => selected;

    /// <summary>Datagrams dropped: malformed, unauthenticated, replayed, unchecked or early.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Raised once on the DTLS thread when the keys exist.</summary>
    public event Action? Secured;

    /// <summary>
    /// The remote parameters from its SDP, and (for the controlling side) the candidate to check: from then on the
    /// DTLS handshake starts as soon as ICE has a working address.
    /// </summary>
    public void SetRemote(WebRtcRemoteParameters remote, IPEndPoint? remoteCandidate)
    {
        ArgumentNullException.ThrowIfNull(remote);
        lock (startGate)
        {
            if (Remote is not null && Remote.Fingerprint == remote.Fingerprint && Remote.Ufrag == remote.Ufrag)
            {
                return; // the same answer again (183 then 200)
            }

            Remote = remote;
            responder.RemoteUfrag = remote.Ufrag;
            if (remoteCandidate is not null && remoteCandidate.Port != 0 && !remoteCandidate.Address.Equals(IPAddress.Any))
            {
                candidate = remoteCandidate.Serialize();
            }
        }

        MaybeStartDtls();
    }

    /// <summary>
    /// Handles one datagram of the port: STUN and DTLS are consumed, SRTP and SRTCP are unprotected in place
    /// (<paramref name="length"/> is then the plain packet's length), anything else is dropped. Never throws on input.
    /// </summary>
    public WebRtcPacket Receive(Span<byte> datagram, SocketAddress from, out int length)
    {
        length = 0;
        var result = Classify(datagram, from, ref length);
        if (result == WebRtcPacket.Dropped)
        {
            Interlocked.Increment(ref dropped);
        }

        return result;
    }

    /// <summary>RFC 7983's demultiplexing by the first byte: 0-3 STUN, 20-63 DTLS, 128-191 RTP and RTCP.</summary>
    public static WebRtcPacket KindOf(ReadOnlySpan<byte> datagram) => datagram.IsEmpty ? WebRtcPacket.Dropped : datagram[0] switch
    {
        <= 3 => WebRtcPacket.Consumed,
        >= 20 and <= 63 => WebRtcPacket.Consumed,
        >= 128 and <= 191 => datagram.Length > 1 && datagram[1] is >= 192 and <= 223 ? WebRtcPacket.Rtcp : WebRtcPacket.Rtp,
        _ => WebRtcPacket.Dropped,
    };

    /// <summary>SRTP of an RTP packet into <paramref name="output"/> (16 bytes longer suffices), or -1 before the keys.</summary>
    public int ProtectRtp(ReadOnlySpan<byte> rtp, Span<byte> output)
    {
        lock (sendGate)
        {
            return sendContext is { } context && selected is not null && !IsDisposed ? context.ProtectRtp(rtp, output) : -1;
        }
    }

    /// <summary>SRTCP of a compound RTCP packet into <paramref name="output"/> (16 bytes longer suffices), or -1 before the keys.</summary>
    public int ProtectRtcp(ReadOnlySpan<byte> rtcp, Span<byte> output)
    {
        lock (sendGate)
        {
            return sendContext is { } context && selected is not null && !IsDisposed ? context.ProtectRtcp(rtcp, output) : -1;
        }
    }

    /// <summary>On the media clock: the controlling side sends its connectivity check until one is answered.</summary>
    public void Tick()
    {
        if (!Local.IceControlling || selected is not null || IsDisposed)
        {
            return;
        }

        SocketAddress to;
        WebRtcRemoteParameters remote;
        byte[] request;
        lock (startGate)
        {
            if (Remote is null || candidate is null || (lastCheckSent != 0 && time.GetElapsedTime(lastCheckSent) < CheckInterval))
            {
                return;
            }

            remote = Remote;
            to = candidate;
            lastCheckSent = time.GetTimestamp();
            if (firstIceActivity == 0)
            {
                firstIceActivity = lastCheckSent;
            }

            pendingTransaction ??= RandomNumberGenerator.GetBytes(12);
            var priority = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(priority, 0x6E0001FF);
            request = StunMessage.Build(
                StunMessage.BindingRequest,
                pendingTransaction,
                [
                    (StunMessage.Username, Encoding.UTF8.GetBytes(remote.Ufrag + ":" + Local.Ufrag)),
                    (StunMessage.IceControlling, RandomNumberGenerator.GetBytes(8)),
                    (StunMessage.UseCandidate, []),
                    (StunMessage.Priority, priority),
                ],
                remote.Password,
                fingerprint: true);
        }

        Send(request, to);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        stopping.Cancel();
        channel.Close();
        lock (sendGate)
        {
            sendContext?.Dispose();
            sendContext = null;
        }

        receiveContext?.Dispose();
        receiveContext = null;
    }

    private bool IsDisposed => Volatile.Read(ref disposed) == 1;

    private WebRtcPacket Classify(Span<byte> datagram, SocketAddress from, ref int length)
    {
        if (IsDisposed)
        {
            return WebRtcPacket.Dropped;
        }

        switch (KindOf(datagram))
        {
            case WebRtcPacket.Consumed when datagram[0] <= 3:
                return OnStun(datagram, from);
            case WebRtcPacket.Consumed:
                if (!IsChecked(from) || !channel.Deliver(datagram))
                {
                    return WebRtcPacket.Dropped;
                }

                return WebRtcPacket.Consumed;
            case WebRtcPacket.Rtp when receiveContext is { } rtp:
                length = rtp.UnprotectRtp(datagram);
                if (length < 0)
                {
                    return WebRtcPacket.Dropped;
                }

                srtpSeen = true;
                return WebRtcPacket.Rtp;
            case WebRtcPacket.Rtcp when receiveContext is { } rtcp:
                length = rtcp.UnprotectRtcp(datagram);
                return length < 0 ? WebRtcPacket.Dropped : WebRtcPacket.Rtcp;
            default:
                return WebRtcPacket.Dropped;
        }
    }

    private WebRtcPacket OnStun(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        if (Local.IceControlling)
        {
            return OnCheckResponse(datagram, from);
        }

        var source = (IPEndPoint)new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0).Create(from);
        var outcome = responder.Handle(datagram, source, out var response);
        if (response is not null)
        {
            Send(response, from);
        }

        if (outcome is not (IceCheckOutcome.Checked or IceCheckOutcome.Nominated))
        {
            return outcome == IceCheckOutcome.Rejected ? WebRtcPacket.Consumed : WebRtcPacket.Dropped;
        }

        if (firstIceActivity == 0)
        {
            firstIceActivity = time.GetTimestamp();
        }

        if (!IsChecked(from))
        {
            if (checkedAddresses.Count >= MaxCheckedAddresses)
            {
                checkedAddresses.RemoveAt(0);
            }

            checkedAddresses.Add(Copy(from));
        }

        // Latch the media address from the checked request (the browser's candidates are mDNS names we never resolve):
        // the first check, then whichever pair the controlling agent nominates.
        if (selected is null || (outcome == IceCheckOutcome.Nominated && !from.Equals(selected)))
        {
            selected = Copy(from);
            logger.LogDebug("WebRTC {Ufrag}: media address {Address}", Local.Ufrag, SelectedRemote);
        }

        MaybeStartDtls();
        return WebRtcPacket.Consumed;
    }

    private WebRtcPacket OnCheckResponse(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        if (!StunMessage.TryParse(datagram, out var message) || message.Type != StunMessage.BindingSuccess)
        {
            return WebRtcPacket.Dropped;
        }

        WebRtcRemoteParameters? remote;
        lock (startGate)
        {
            remote = Remote;
            if (pendingTransaction is null || !message.TransactionId.SequenceEqual(pendingTransaction))
            {
                return WebRtcPacket.Dropped;
            }
        }

        if (remote is null || !message.VerifyIntegrity(remote.Password) || (message.HasFingerprint && !message.VerifyFingerprint()))
        {
            return WebRtcPacket.Dropped;
        }

        if (!IsChecked(from))
        {
            checkedAddresses.Add(Copy(from));
        }

        selected ??= Copy(from);
        MaybeStartDtls();
        return WebRtcPacket.Consumed;
    }

    private bool IsChecked(SocketAddress from)
    {
        foreach (var address in checkedAddresses)
        {
            if (address.Equals(from))
            {
                return true;
            }
        }

        return false;
    }

    private void MaybeStartDtls()
    {
        lock (startGate)
        {
            if (dtls is not null || Remote is null || selected is null || IsDisposed)
            {
                return;
            }

            var remote = Remote;
            dtls = Task.Factory.StartNew(() => RunDtls(remote), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private void RunDtls(WebRtcRemoteParameters remote)
    {
        var crypto = new BcTlsCrypto(new SecureRandom());
        var timeout = (int)HandshakeTimeout.TotalMilliseconds;
        string? refusal = null;
        try
        {
            DtlsTransport transport;
            DtlsSrtpKeys? keys;
            if (remote.LocalRole == DtlsRole.Server)
            {
                var server = new DtlsSrtpServer(crypto, Local.Certificate, remote.Fingerprint, timeout);
                try
                {
                    transport = new DtlsServerProtocol { VerifyRequests = false }.Accept(server, channel);
                }
                finally
                {
                    refusal = server.Refusal;
                }

                keys = server.Keys;
            }
            else
            {
                var client = new DtlsSrtpClient(crypto, Local.Certificate, remote.Fingerprint, timeout);
                try
                {
                    transport = new DtlsClientProtocol().Connect(client, channel);
                }
                finally
                {
                    refusal = client.Refusal;
                }

                keys = client.Keys;
            }

            if (keys is null)
            {
                throw new TlsFatalAlert(AlertDescription.internal_error);
            }

            SetupTime = firstIceActivity == 0 ? TimeSpan.Zero : time.GetElapsedTime(firstIceActivity);
            receiveContext = keys.ReceiveContext(remote.LocalRole);
            lock (sendGate)
            {
                if (IsDisposed)
                {
                    return;
                }

                sendContext = keys.SendContext(remote.LocalRole);
            }

            logger.LogInformation("WebRTC {Ufrag}: DTLS-SRTP up as {Role} ({Profile}) in {Ms:F0} ms", Local.Ufrag, remote.LocalRole, keys.Profile, SetupTime.Value.TotalMilliseconds);
            try
            {
                Secured?.Invoke();
            }
            catch (Exception e)
            {
                logger.LogError(e, "WebRTC {Ufrag}: Secured handler failed", Local.Ufrag);
            }

            if (remote.LocalRole == DtlsRole.Server)
            {
                // Our last flight (ChangeCipherSpec, Finished) may be lost: keep reading so a retransmitted client flight
                // is answered, until the client's first SRTP proves it has its keys.
                var buffer = new byte[2048];
                try
                {
                    while (!srtpSeen && !IsDisposed)
                    {
                        transport.Receive(buffer, 0, buffer.Length, 200);
                    }
                }
                catch (Exception e)
                {
                    // An alert or the end of the call: the keys stay, the handshake is over.
                    logger.LogDebug("WebRTC {Ufrag}: DTLS after the handshake: {Message}", Local.Ufrag, e.Message);
                }
            }
        }
        catch (Exception e) when (!IsDisposed)
        {
            Failure = refusal ?? $"DTLS handshake failed: {e.Message}";
            logger.LogWarning("WebRTC {Ufrag}: {Failure}", Local.Ufrag, Failure);
        }
        catch (Exception)
        {
            // Closing: the channel ended the handshake.
        }
    }

    private void SendDtls(ReadOnlyMemory<byte> record)
    {
        if (selected is { } to && !IsDisposed)
        {
            Send(record, to);
        }
    }

    private void Send(ReadOnlyMemory<byte> data, SocketAddress to)
    {
        try
        {
            send(data, to);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // UDP: a lost datagram is retransmitted by ICE or DTLS.
        }
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.CopyTo(copy.Buffer);
        return copy;
    }
}
