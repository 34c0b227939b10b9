namespace Dialer.Worker.Media;

/// <summary>Sending DTMF: RFC 4733 events when the peer has telephone-event, in-band dual tones otherwise.</summary>
public sealed partial class RtpSession
{
    /// <summary>Frames of tone per key (100 ms).</summary>
    private const int DtmfToneFrames = 5;

    /// <summary>End packets sent per event (RFC 4733 section 2.5.1.4 recommends three).</summary>
    private const int DtmfEndPackets = 3;

    /// <summary>Frames of normal audio between keys (60 ms).</summary>
    private const int DtmfGapFrames = 3;

    private const int DtmfVolume = 10;
    private readonly Queue<char> dtmfQueue = new();
    private int dtmfCode = -1;
    private char dtmfDigit;
    private bool dtmfInBand;
    private uint dtmfTimestamp;
    private int dtmfFrames;
    private int dtmfEndsSent;
    private int dtmfGap;

    /// <summary>Queues one key (0-9, *, #, A-D) to send after any keys already queued.</summary>
    public void SendDtmf(char digit)
    {
        if (TelephoneEvent.CodeOf(digit) < 0)
        {
            throw new ArgumentException($"'{digit}' is not a DTMF key (0-9, *, #, A-D)", nameof(digit));
        }

        lock (gate)
        {
            dtmfQueue.Enqueue(char.ToUpperInvariant(digit));
        }
    }

    /// <summary>Queues several keys; rejects the whole string if any character is not a DTMF key.</summary>
    public void SendDtmf(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        foreach (var c in digits)
        {
            if (TelephoneEvent.CodeOf(c) < 0)
            {
                throw new ArgumentException($"'{c}' is not a DTMF key (0-9, *, #, A-D)", nameof(digits));
            }
        }

        foreach (var c in digits)
        {
            SendDtmf(c);
        }
    }

    /// <summary>Keys queued or being sent.</summary>
    public int PendingDtmf
    {
        get
        {
            lock (gate)
            {
                return dtmfQueue.Count + (dtmfCode >= 0 ? 1 : 0);
            }
        }
    }

    /// <summary>One frame of DTMF; true when the frame was used (normal audio is muted during a key).</summary>
    private bool DtmfFrame(long frame, bool canSend, Span<short> pcm)
    {
        if (!canSend)
        {
            dtmfQueue.Clear();
            dtmfCode = -1;
            return false;
        }

        if (dtmfCode < 0)
        {
            if (dtmfGap > 0)
            {
                dtmfGap--;
                return false;
            }

            if (!dtmfQueue.TryDequeue(out dtmfDigit))
            {
                return false;
            }

            dtmfCode = TelephoneEvent.CodeOf(dtmfDigit);
            dtmfInBand = TelephoneEventPayloadType is null;
            dtmfTimestamp = NextClockTimestamp(frame);
            dtmfFrames = 0;
            dtmfEndsSent = 0;
            markNext = true;
        }

        if (dtmfInBand)
        {
            if (dtmfFrames < DtmfToneFrames)
            {
                var (low, high) = ToneGenerator.DtmfFrequencies(dtmfDigit)!.Value;
                ToneGenerator.FillDual(pcm, low, high, 7000, dtmfFrames * (long)FrameSamples);
                SendAudio(pcm, dtmfFrames == 0 ? dtmfTimestamp : NextClockTimestamp(frame));
                recorder?.PushSent(pcm);
                dtmfFrames++;
                return true;
            }

            dtmfCode = -1;
            dtmfGap = DtmfGapFrames;
            return false;
        }

        dtmfFrames++;
        var end = dtmfFrames > DtmfToneFrames;
        var duration = (ushort)(Math.Min(dtmfFrames, DtmfToneFrames) * FrameSamples);
        Span<byte> packet = stackalloc byte[RtpHeader.FixedLength + TelephoneEvent.PayloadLength];
        WriteHeader(packet, TelephoneEventPayloadType!.Value, dtmfTimestamp);
        TelephoneEvent.Write(packet[RtpHeader.FixedLength..], dtmfCode, end, DtmfVolume, duration);
        Send(packet, TelephoneEvent.PayloadLength);
        if (end && ++dtmfEndsSent >= DtmfEndPackets)
        {
            dtmfCode = -1;
            dtmfGap = DtmfGapFrames;
            markNext = true;
        }

        return true;
    }
}
