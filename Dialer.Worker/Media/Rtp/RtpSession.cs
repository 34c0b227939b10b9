using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Media;

/// <summary>
/// One RTP stream with its RTCP: a UDP socket pair (even port, RTCP on the next), one asynchronous receive
/// loop per socket, sending paced by the shared <see cref="MediaClock"/>. Plays prompts, sends and
/// receives RFC 4733 DTMF, records to WAV, relays audio and RFC 4733 keys to a bridged session and keeps
/// RFC 3550 statistics.
/// Thread-safe; events are raised on socket or clock threads and must return quickly.
/// </summary>
public sealed partial class RtpSession : IAsyncDisposable, IMediaClockClient
{
    private readonly Socket rtpSocket;
    private readonly Socket rtcpSocket;
    private readonly TimeProvider time;
    private readonly MediaClock clock;
    private readonly RtpSessionOptions options;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly long started;
    private readonly ReceiveStatistics receiveStats = new();
    private Task receiveLoops = Task.CompletedTask;
    private SocketAddress? remoteRtpAddress;
    private SocketAddress? remoteRtcpAddress;
    private volatile RtpSession? peer;
    private int disposed;

    private RtpSession(Socket rtp, Socket rtcp, TimeProvider time, RtpSessionOptions options)
    {
        rtpSocket = rtp;
        rtcpSocket = rtcp;
        this.time = time;
        this.options = options;
        clock = options.Clock ?? MediaClock.For(time);
        logger = options.Logger ?? NullLogger.Instance;
        started = time.GetTimestamp();
        LocalEndPoint = (IPEndPoint)rtp.LocalEndPoint!;
        Ssrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
        sequence = (ushort)Random.Shared.Next(0, 0x8000);
        timestampBase = (uint)Random.Shared.NextInt64(0, uint.MaxValue);
        nextRtcp = started + (long)(time.TimestampFrequency * options.RtcpInterval.TotalSeconds * (0.25 + (Random.Shared.NextDouble() * 0.5)));
    }

    /// <summary>Raised once per DTMF key the peer sends (RFC 4733 events, duplicates and redundant end packets removed).</summary>
    public event Action<char>? DtmfReceived;

    /// <summary>Raised for every audio packet received, decoded to 8 kHz 16-bit samples. Must not keep the span.</summary>
    public event AudioFrameHandler? AudioReceived;

    /// <summary>Raised when the peer sends an RTCP BYE.</summary>
    public event Action? ByeReceived;

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The RTP port; RTCP is on <c>LocalPort + 1</c>.</summary>
    public int LocalPort => LocalEndPoint.Port;

    /// <summary>Our synchronisation source identifier.</summary>
    public uint Ssrc { get; }

    public IPEndPoint? RemoteRtp { get; private set; }

    public IPEndPoint? RemoteRtcp { get; private set; }

    /// <summary>The codec we send (and expect), null before <see cref="SetRemote(IPEndPoint, MediaFormat, int?)"/>.</summary>
    public MediaFormat? Codec { get; private set; }

    /// <summary>Telephone-event payload type we send DTMF with, null for in-band tones.</summary>
    public int? TelephoneEventPayloadType { get; private set; }

    public MediaDirection Direction { get; private set; } = MediaDirection.SendRecv;

    /// <summary>The session this one relays audio with, if any.</summary>
    public RtpSession? BridgedTo => peer;

    /// <summary>When the last RTP packet arrived, null before the first (for media timeouts).</summary>
    public DateTimeOffset? LastReceivedAt { get; private set; }

    public bool IsPlaying
    {
        get
        {
            lock (gate)
            {
                return prompt is not null;
            }
        }
    }

    public bool IsRecording
    {
        get
        {
            lock (gate)
            {
                return recorder is not null;
            }
        }
    }

    /// <summary>
    /// Binds an even UDP port from <paramref name="range"/> on <paramref name="bind"/> for RTP and the port
    /// above for RTCP, and starts receiving. Throws <see cref="SocketException"/> when no pair is free.
    /// </summary>
    public static RtpSession Open(IPAddress bind, RtpPortRange range, TimeProvider time, RtpSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(time);
        var (rtp, rtcp) = BindPair(bind, range);
        var session = new RtpSession(rtp, rtcp, time, options ?? new RtpSessionOptions());
        session.receiveLoops = Task.WhenAll(
            Task.Run(() => session.ReceiveRtpAsync(session.stopping.Token)),
            Task.Run(() => session.ReceiveRtcpAsync(session.stopping.Token)));
        session.clock.Add(session);
        return session;
    }

    /// <summary>Where to send and what codec to use, from the SDP; may be called again (re-INVITE, 183 then 200).</summary>
    public void SetRemote(IPEndPoint rtp, MediaFormat codec, int? telephoneEventPayloadType) =>
        SetRemote(rtp, codec, telephoneEventPayloadType, null, null);

    /// <summary>Applies an offer/answer result: remote RTP and RTCP, codec, telephone-event types and direction.</summary>
    public void SetRemote(SdpNegotiation negotiation)
    {
        ArgumentNullException.ThrowIfNull(negotiation);
        SetRemote(negotiation.RemoteRtp, negotiation.Codec, negotiation.TelephoneEventPayloadType, negotiation.LocalTelephoneEventPayloadType, negotiation.RemoteRtcp);
        SetDirection(negotiation.LocalDirection);
    }

    /// <summary>Full form: also the telephone-event type we receive on, and the RTCP destination (default RTP port + 1).</summary>
    public void SetRemote(IPEndPoint rtp, MediaFormat codec, int? telephoneEventPayloadType, int? receiveTelephoneEventPayloadType, IPEndPoint? rtcp)
    {
        ArgumentNullException.ThrowIfNull(rtp);
        ArgumentNullException.ThrowIfNull(codec);
        if (!codec.IsG711)
        {
            throw new ArgumentException($"codec {codec} is not supported; only PCMU and PCMA", nameof(codec));
        }

        lock (gate)
        {
            var changed = !rtp.Equals(RemoteRtp) || codec != Codec;
            RemoteRtp = rtp;
            RemoteRtcp = rtcp ?? new IPEndPoint(rtp.Address, Math.Min(rtp.Port + 1, 65535));
            remoteRtpAddress = rtp.Serialize();
            remoteRtcpAddress = RemoteRtcp.Serialize();
            Codec = codec;
            TelephoneEventPayloadType = telephoneEventPayloadType;
            this.receiveTelephoneEventPayloadType = receiveTelephoneEventPayloadType ?? telephoneEventPayloadType;
            ResetSource();
            timeoutRaised = false;
            lastActivity = 0;
            if (changed)
            {
                markNext = true;
            }
        }
    }

    /// <summary>Hold and resume: sendonly or inactive stop our sending; recvonly and inactive ignore what arrives.</summary>
    public void SetDirection(MediaDirection direction)
    {
        lock (gate)
        {
            Direction = direction;
            markNext = true;
        }
    }

    /// <summary>Relays audio with <paramref name="other"/> both ways until <see cref="Unbridge"/> or disposal.</summary>
    public void BridgeTo(RtpSession other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            throw new ArgumentException("a session cannot be bridged to itself", nameof(other));
        }

        Unbridge();
        other.Unbridge();
        peer = other;
        other.peer = this;
        lock (gate)
        {
            relaySourceValid = false;
            markNext = true;
            held = false;
            muted = false;
        }

        lock (other.gate)
        {
            other.relaySourceValid = false;
            other.markNext = true;
            other.held = false;
            other.muted = false;
        }
    }

    /// <summary>Stops relaying; both sessions go back to their idle audio.</summary>
    public void Unbridge()
    {
        var other = peer;
        peer = null;
        if (other is not null && ReferenceEquals(other.peer, this))
        {
            other.peer = null;
        }
    }

    /// <summary>A snapshot of the counters.</summary>
    public RtpStatistics Statistics
    {
        get
        {
            lock (gate)
            {
                return new RtpStatistics(
                    packetsSent,
                    octetsSent,
                    receiveStats.Received,
                    receiveStats.Octets,
                    receiveStats.Lost,
                    receiveStats.Late,
                    receiveStats.Duplicate,
                    rejected,
                    TimeSpan.FromSeconds(receiveStats.Jitter / 8000),
                    rtcpSent,
                    rtcpReceived,
                    remoteReport,
                    roundTrip);
            }
        }
    }

    /// <summary>Stops the loops, sends RTCP BYE, closes the recording and the sockets.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        clock.Remove(this);
        Unbridge();
        lock (gate)
        {
            SendRtcpReport(bye: true);
            prompt = null;
            promptDone = null;
            CloseRecorder();
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        rtpSocket.Dispose();
        rtcpSocket.Dispose();
        try
        {
            await receiveLoops.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The loops end by cancellation or by their socket closing.
        }

        webRtc?.Dispose();

        stopping.Dispose();
    }

    private bool IsDisposed => Volatile.Read(ref disposed) == 1;

    private uint TimestampUnitsNow() => (uint)(time.GetElapsedTime(started).Ticks * 8000 / TimeSpan.TicksPerSecond);

    private static (Socket Rtp, Socket Rtcp) BindPair(IPAddress bind, RtpPortRange range)
    {
        var attempts = range.IsAny ? 64 : range.Count;
        SocketException? last = null;
        for (var i = 0; i < attempts; i++)
        {
            var port = range.IsAny ? 0 : range.NextCandidate();
            var rtp = NewSocket(bind);
            try
            {
                rtp.Bind(new IPEndPoint(bind, port));
                port = ((IPEndPoint)rtp.LocalEndPoint!).Port;
                if (port % 2 != 0 || port == 65535)
                {
                    rtp.Dispose();
                    continue;
                }
            }
            catch (SocketException e)
            {
                last = e;
                rtp.Dispose();
                continue;
            }

            var rtcp = NewSocket(bind);
            try
            {
                rtcp.Bind(new IPEndPoint(bind, port + 1));
                return (rtp, rtcp);
            }
            catch (SocketException e)
            {
                last = e;
                rtp.Dispose();
                rtcp.Dispose();
            }
        }

        throw last ?? new SocketException((int)SocketError.AddressAlreadyInUse);
    }

    private static Socket NewSocket(IPAddress bind)
    {
        var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = 256 * 1024;
        }
        catch (SocketException)
        {
            // The system limit applies; the default buffer is still usable.
        }

        return socket;
    }

    private void SafeInvoke<T>(Action<T>? handler, T value)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(value);
        }
        catch (Exception e)
        {
            logger.LogError(e, "RTP session {Port}: event handler failed", LocalPort);
        }
    }

    private void SafeInvoke(Action? handler)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler();
        }
        catch (Exception e)
        {
            logger.LogError(e, "RTP session {Port}: callback failed", LocalPort);
        }
    }
}
