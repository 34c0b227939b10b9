using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Media;

/// <summary>The receive side: one asynchronous loop per socket, decoding, DTMF events, statistics, relay.</summary>
public sealed partial class RtpSession
{
    private const int MaxDatagram = 2048;
    private int? receiveTelephoneEventPayloadType;
    private long rejected;

    // RFC 4733 receive state: the event being received (identified by its RTP timestamp).
    private bool eventActive;
    private uint eventTimestamp;
    private int eventCode;
    private bool eventReported;
    private long eventLastPacket;
    private bool anyEventSeen;
    private uint eventSsrc;

    private const int StopReceiving = -1;
    private const int SkipDatagram = -2;

    /// <summary>
    /// One datagram from a session socket: its length, <see cref="SkipDatagram"/> for an ICMP error from an
    /// earlier send or an oversize datagram (not fatal for UDP), or <see cref="StopReceiving"/> once the
    /// session is closing.
    /// </summary>
    private async ValueTask<int> ReceiveDatagramAsync(Socket socket, byte[] buffer, SocketAddress from, CancellationToken cancellationToken)
    {
        try
        {
            return await socket.ReceiveFromAsync(buffer, SocketFlags.None, from, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return StopReceiving;
        }
        catch (ObjectDisposedException)
        {
            return StopReceiving;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize or SocketError.ConnectionRefused)
        {
            return SkipDatagram;
        }
        catch (SocketException) when (IsDisposed)
        {
            return StopReceiving;
        }
    }

    private async Task ReceiveRtpAsync(CancellationToken cancellationToken)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram);
        var from = new SocketAddress(rtpSocket.AddressFamily);
        var packets = new List<RtcpPacket>(4);
        while (!cancellationToken.IsCancellationRequested)
        {
            var length = await ReceiveDatagramAsync(rtpSocket, buffer, from, cancellationToken).ConfigureAwait(false);
            if (length == StopReceiving)
            {
                return;
            }

            if (length == SkipDatagram)
            {
                continue;
            }

            try
            {
                if (webRtc is { } transport)
                {
                    OnWebRtcDatagram(transport, buffer.AsSpan(0, length), from, packets);
                }
                else
                {
                    OnRtp(buffer.AsSpan(0, length), from);
                }
            }
            catch (Exception e)
            {
                logger.LogError(e, "RTP session {Port}: failed to handle a packet", LocalPort);
            }
        }
    }

    private void OnRtp(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        if (!RtpHeader.TryParse(datagram, out var header))
        {
            Interlocked.Increment(ref rejected);
            return;
        }

        var payload = datagram.Slice(header.HeaderLength, header.PayloadLength);
        char? digit = null;
        string? queued = null;
        G711Law? law = null;
        lock (gate)
        {
            if (IsDisposed || !Direction.CanReceive())
            {
                return;
            }

            if (!AcceptSource(from, header))
            {
                Interlocked.Increment(ref rejected);
                return;
            }

            var isEvent = header.PayloadType == receiveTelephoneEventPayloadType || header.PayloadType == TelephoneEventPayloadType;
            if (!receiveStats.Update(header, TimestampUnitsNow(), countForJitter: !isEvent))
            {
                return;
            }

            LastReceivedAt = time.GetUtcNow();
            lastPacketTimestamp = time.GetTimestamp();
            if (isEvent)
            {
                digit = OnTelephoneEvent(header, payload);
                queued = TakePendingDigits();
            }
            else
            {
                law = header.PayloadType switch
                {
                    0 => G711Law.MuLaw,
                    8 => G711Law.ALaw,
                    _ when Codec is not null && header.PayloadType == Codec.PayloadType => Codec.Law,
                    _ => null,
                };
            }
        }

        if (digit is { } d)
        {
            RaiseDigit(d);
        }

        RaiseDigits(queued);
        if (law is not { } l || payload.Length == 0)
        {
            return;
        }

        // Decode only for those who listen; a bridge between equal codecs passes the payload through.
        var tap = AudioReceived;
        var other = peer;
        bool listening;
        lock (gate)
        {
            listening = recorder is not null || detector is not null || beep is not null || WantsInBandDtmf;
        }

        var fill = HasFeeds;
        var decode = tap is not null || listening || fill || (other is not null && other.NeedsPcm(l));
        Span<short> pcm = decode ? stackalloc short[payload.Length] : [];
        if (decode)
        {
            G711.Decode(l, payload, pcm);
        }

        if (fill)
        {
            FillFeeds(pcm);
        }

        if (tap is not null)
        {
            try
            {
                tap(this, pcm);
            }
            catch (Exception e)
            {
                logger.LogError(e, "RTP session {Port}: audio handler failed", LocalPort);
            }
        }

        if (listening)
        {
            string? found;
            lock (gate)
            {
                recorder?.PushReceived(pcm);
                if (detector is not null)
                {
                    detector.Process(pcm);
                    detectorHeard = time.GetTimestamp();
                }

                beep?.Process(pcm);
                if (WantsInBandDtmf)
                {
                    DetectInBand(pcm);
                }

                found = TakePendingDigits();
            }

            RaiseDigits(found);
            ReportMachineResultIfAny();
            ReportBeepIfAny(timedOut: false);
        }

        // On hold the customer is not relayed to the agent (whose session sends silence meanwhile).
        if (!held)
        {
            other?.Relay(payload, l, pcm, header.Timestamp, header.Marker);
        }
    }

    /// <summary>
    /// One RFC 4733 packet. An event is reported once: at its first end packet, or when a newer event starts
    /// or <see cref="RtpSessionOptions.DtmfEndTimeout"/> passes without its end (end packets lost).
    /// </summary>
    private char? OnTelephoneEvent(in RtpHeader header, ReadOnlySpan<byte> payload)
    {
        if (!TelephoneEvent.TryRead(payload, out var code, out var end, out _))
        {
            return null;
        }

        var now = time.GetTimestamp();
        if (anyEventSeen && header.Ssrc != eventSsrc)
        {
            // Another source: its timestamps have nothing to do with the last one's.
            eventActive = false;
            anyEventSeen = false;
        }

        eventSsrc = header.Ssrc;
        if (eventActive && header.Timestamp == eventTimestamp)
        {
            eventLastPacket = now;
            if (end && !eventReported)
            {
                eventReported = true;
                return TelephoneEvent.DigitOf(eventCode);
            }

            return null;
        }

        if (anyEventSeen && (int)(header.Timestamp - eventTimestamp) < 0)
        {
            // A late packet of an event before the current one.
            return null;
        }

        char? previous = eventActive && !eventReported ? TelephoneEvent.DigitOf(eventCode) : null;
        eventActive = true;
        anyEventSeen = true;
        eventTimestamp = header.Timestamp;
        eventCode = code;
        eventLastPacket = now;
        eventReported = end;
        if (previous is not null)
        {
            // Report the earlier event now; the new one is reported at its own end.
            if (end && TelephoneEvent.DigitOf(code) is { } next)
            {
                pendingDigits.Enqueue(next);
            }

            return previous;
        }

        return end ? TelephoneEvent.DigitOf(code) : null;
    }

    private readonly Queue<char> pendingDigits = new();
    private long lastPacketTimestamp;

    /// <summary>Digits found while the gate was held (in-band, or a second event in one packet), taken to raise them outside it.</summary>
    private string? TakePendingDigits()
    {
        if (pendingDigits.Count == 0)
        {
            return null;
        }

        var digits = string.Concat(pendingDigits);
        pendingDigits.Clear();
        return digits;
    }

    /// <summary>On the clock: an event whose end never came is reported after the timeout.</summary>
    private char? CheckEventTimeout()
    {
        if (eventActive && !eventReported && time.GetElapsedTime(eventLastPacket) >= options.DtmfEndTimeout)
        {
            eventReported = true;
            return TelephoneEvent.DigitOf(eventCode);
        }

        return null;
    }

    private void RaiseDigits(string? digits)
    {
        if (digits is null)
        {
            return;
        }

        foreach (var c in digits)
        {
            RaiseDigit(c);
        }
    }

    /// <summary>Reports a key; while bridged, an out-of-band key also goes on to the other session (see <see cref="RtpSessionOptions.RelayDtmf"/>).</summary>
    private void RaiseDigit(char digit)
    {
        SafeInvoke(DtmfReceived, digit);
        if (options.RelayDtmf && !WantsInBandDtmf && peer is { } other)
        {
            other.SendDtmf(digit);
        }
    }

    private async Task ReceiveRtcpAsync(CancellationToken cancellationToken)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram);
        var from = new SocketAddress(rtcpSocket.AddressFamily);
        var packets = new List<RtcpPacket>(4);
        while (!cancellationToken.IsCancellationRequested)
        {
            var length = await ReceiveDatagramAsync(rtcpSocket, buffer, from, cancellationToken).ConfigureAwait(false);
            if (length == StopReceiving)
            {
                return;
            }

            if (length == SkipDatagram)
            {
                continue;
            }

            packets.Clear();
            if (webRtc is not null || !AcceptRtcpSource(from) || !RtcpPacket.TryParseCompound(buffer.AsSpan(0, length), packets))
            {
                Interlocked.Increment(ref rejected);
                continue;
            }

            try
            {
                OnRtcp(packets);
            }
            catch (Exception e)
            {
                logger.LogError(e, "RTP session {Port}: failed to handle RTCP", LocalPort);
            }
        }
    }
}
