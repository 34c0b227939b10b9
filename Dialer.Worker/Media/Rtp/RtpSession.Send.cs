using System.Net;
using System.Net.Sockets;

namespace Dialer.Worker.Media;

/// <summary>The send side: clock-paced prompts, idle audio and DTMF, relayed audio from a bridged session, recording.</summary>
public sealed partial class RtpSession
{
    private const int FrameSamples = MediaClock.SamplesPerFrame;
    private const int ComfortTonePeriodFrames = 200;
    private const int ComfortToneOnFrames = 10;
    private readonly uint timestampBase;
    private ushort sequence;
    private uint lastTimestamp;
    private bool sentAny;
    private bool markNext = true;
    private long packetsSent;
    private long octetsSent;
    private long sendErrors;
    private WavPrompt? prompt;
    private int promptPosition;
    private Action? promptDone;
    private IdleAudio idle = IdleAudio.Silence;
    private long idleFrames;
    private CallRecorder? recorder;
    private bool relaySourceValid;
    private uint relaySourceTimestamp;
    private volatile bool held;
    private volatile bool muted;
    private long holdFrames;

    /// <summary>What the session sends when it plays nothing and is not bridged.</summary>
    public IdleAudio Idle
    {
        get
        {
            lock (gate)
            {
                return idle;
            }
        }
    }

    /// <summary>
    /// Plays a prompt in real time, 20 ms per packet; it replaces a prompt already playing (whose callback is
    /// then not called) and takes precedence over bridged audio. <paramref name="done"/> runs once the last
    /// frame went out, on the clock thread: keep it short.
    /// </summary>
    public void Play(WavPrompt prompt, Action? done = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        lock (gate)
        {
            this.prompt = prompt;
            promptPosition = 0;
            promptDone = done;
            markNext = true;
        }
    }

    /// <summary>Stops the prompt without calling its callback.</summary>
    public void StopPlayback()
    {
        lock (gate)
        {
            prompt = null;
            promptDone = null;
            markNext = true;
        }
    }

    /// <summary>Between customers: a soft beep every few seconds instead of silence.</summary>
    public void PlayComfortTone()
    {
        lock (gate)
        {
            idle = IdleAudio.ComfortTone;
            idleFrames = 0;
        }
    }

    /// <summary>Between customers: silence.</summary>
    public void PlaySilence()
    {
        lock (gate)
        {
            idle = IdleAudio.Silence;
        }
    }

    /// <summary>
    /// The agent desk's hold, on the customer's session of a bridge: the customer hears <see cref="HoldMusic"/> instead
    /// of the bridged party, and the bridged party (the agent) gets silence instead of the customer. Off: both ways again.
    /// A new <see cref="BridgeTo"/> starts unheld.
    /// </summary>
    public void Hold(bool on)
    {
        lock (gate)
        {
            held = on;
            holdFrames = 0;
            relaySourceValid = false;
            markNext = true;
        }
    }

    /// <summary>
    /// The agent desk's mute, on the customer's session of a bridge: the bridged party's audio (the agent's) is not sent
    /// here, silence is; the customer is still relayed to the agent. A new <see cref="BridgeTo"/> starts unmuted.
    /// </summary>
    public void Mute(bool on)
    {
        lock (gate)
        {
            muted = on;
            relaySourceValid = false;
            markNext = true;
        }
    }

    /// <summary>Whether <see cref="Hold"/> is on.</summary>
    public bool IsHeld => held;

    /// <summary>Whether <see cref="Mute"/> is on.</summary>
    public bool IsMuted => muted;

    /// <summary>
    /// Records both directions mixed (what arrives and what is sent: prompts, tones and the bridged party)
    /// to an 8 kHz 16-bit mono WAV. A recording already running is closed first.
    /// </summary>
    public void StartRecording(string wavPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(wavPath);
        var next = new CallRecorder(wavPath);
        lock (gate)
        {
            if (IsDisposed)
            {
                next.Dispose();
                throw new ObjectDisposedException(nameof(RtpSession));
            }

            CloseRecorder();
            recorder = next;
        }
    }

    /// <summary>Closes the recording, leaving a complete WAV file. Does nothing when not recording.</summary>
    public void StopRecording()
    {
        lock (gate)
        {
            CloseRecorder();
        }
    }

    void IMediaClockClient.OnFrame(long frame)
    {
        if (IsDisposed)
        {
            return;
        }

        webRtc?.Tick();

        Action? done = null;
        char? digit;
        string? queued;
        bool inactive;
        lock (gate)
        {
            var canSend = remoteRtpAddress is not null && Codec is not null && Direction.CanSend();
            Span<short> pcm = stackalloc short[FrameSamples];
            if (!DtmfFrame(frame, canSend, pcm))
            {
                if (prompt is not null)
                {
                    var samples = prompt.Samples.Span;
                    var n = Math.Min(FrameSamples, samples.Length - promptPosition);
                    samples.Slice(promptPosition, n).CopyTo(pcm);
                    pcm[n..].Clear();
                    promptPosition += n;
                    if (canSend)
                    {
                        SendAudio(pcm, NextClockTimestamp(frame));
                    }

                    recorder?.PushSent(pcm);
                    if (promptPosition >= samples.Length)
                    {
                        done = promptDone;
                        prompt = null;
                        promptDone = null;
                        markNext = true;
                    }
                }
                else if (held && canSend)
                {
                    // On hold: the generated music instead of the bridged party.
                    HoldMusic.Fill(pcm, holdFrames++);
                    recorder?.PushSent(pcm);
                    SendAudio(pcm, NextClockTimestamp(frame));
                }
                else if ((muted || peer?.held == true) && canSend)
                {
                    // Muted, or the bridged party is on hold: silence instead of its audio (the stream goes on).
                    pcm.Clear();
                    SendAudio(pcm, NextClockTimestamp(frame));
                }
                else if (MixFrame(pcm))
                {
                    if (canSend)
                    {
                        SendAudio(pcm, NextClockTimestamp(frame));
                    }

                    recorder?.PushSent(pcm);
                }
                else if (peer is null && canSend)
                {
                    if (idle == IdleAudio.ComfortTone && idleFrames % ComfortTonePeriodFrames < ComfortToneOnFrames)
                    {
                        ToneGenerator.Fill(pcm, 440, 1200, (idleFrames % ComfortTonePeriodFrames) * FrameSamples);
                        recorder?.PushSent(pcm);
                    }
                    else
                    {
                        pcm.Clear();
                    }

                    idleFrames++;
                    SendAudio(pcm, NextClockTimestamp(frame));
                }
            }

            recorder?.OnFrame();
            digit = CheckEventTimeout();
            queued = TakePendingDigits();
            inactive = CheckInactivity();
            MaybeSendRtcp();
        }

        if (digit is { } d)
        {
            RaiseDigit(d);
        }

        RaiseDigits(queued);
        if (inactive)
        {
            SafeInvoke(MediaTimeout);
        }

        SafeInvoke(done);
        CheckMachineTimeout();
    }

    /// <summary>Whether relayed audio in <paramref name="law"/> must arrive decoded: another codec, or a recording.</summary>
    private bool NeedsPcm(G711Law law)
    {
        lock (gate)
        {
            return recorder is not null || (Codec is not null && Codec.Law != law);
        }
    }

    /// <summary>
    /// Audio from the bridged session: passed through when codecs match, re-encoded when they differ.
    /// <paramref name="pcm"/> is empty unless <see cref="NeedsPcm"/> asked for it (it may have changed since).
    /// </summary>
    private void Relay(ReadOnlySpan<byte> payload, G711Law sourceLaw, ReadOnlySpan<short> pcm, uint sourceTimestamp, bool sourceMarker)
    {
        lock (gate)
        {
            if (IsDisposed || remoteRtpAddress is null || Codec is null || !Direction.CanSend() || prompt is not null || dtmfCode >= 0 || held || muted || mixInputs is not null)
            {
                return;
            }

            uint timestamp;
            var delta = (int)(sourceTimestamp - relaySourceTimestamp);
            if (relaySourceValid && delta is > 0 and <= 8000)
            {
                timestamp = lastTimestamp + (uint)delta;
            }
            else
            {
                timestamp = NextClockTimestamp(clock.Frame);
            }

            relaySourceTimestamp = sourceTimestamp;
            relaySourceValid = true;
            if (sourceMarker)
            {
                markNext = true;
            }

            Span<byte> packet = stackalloc byte[RtpHeader.FixedLength + payload.Length];
            WriteHeader(packet, Codec.PayloadType, timestamp);
            var body = packet[RtpHeader.FixedLength..];
            if (Codec.Law == sourceLaw)
            {
                payload.CopyTo(body);
            }
            else if (pcm.Length == payload.Length)
            {
                G711.Encode(Codec.Law, pcm, body);
            }
            else
            {
                G711.Transcode(sourceLaw, Codec.Law, payload, body);
            }

            Send(packet, payload.Length);
            if (recorder is not null)
            {
                if (pcm.Length != payload.Length)
                {
                    Span<short> decoded = stackalloc short[payload.Length];
                    G711.Decode(sourceLaw, payload, decoded);
                    recorder.PushSent(decoded);
                }
                else
                {
                    recorder.PushSent(pcm);
                }
            }
        }
    }

    /// <summary>The clock timestamp of a frame, kept ahead of the last one sent (relay may have advanced it).</summary>
    private uint NextClockTimestamp(long frame)
    {
        var timestamp = timestampBase + (uint)(frame * FrameSamples);
        if (sentAny && (int)(timestamp - lastTimestamp) < FrameSamples)
        {
            timestamp = lastTimestamp + FrameSamples;
        }

        return timestamp;
    }

    private void SendAudio(ReadOnlySpan<short> pcm, uint timestamp)
    {
        Span<byte> packet = stackalloc byte[RtpHeader.FixedLength + pcm.Length];
        WriteHeader(packet, Codec!.PayloadType, timestamp);
        G711.Encode(Codec.Law, pcm, packet[RtpHeader.FixedLength..]);
        relaySourceValid = false;
        Send(packet, pcm.Length);
    }

    private void WriteHeader(Span<byte> packet, int payloadType, uint timestamp)
    {
        RtpHeader.WriteSimple(packet, markNext, payloadType, sequence++, timestamp, Ssrc);
        markNext = false;
        lastTimestamp = timestamp;
    }

    private void Send(ReadOnlySpan<byte> packet, int payloadLength)
    {
        if (webRtc is { } transport)
        {
            SendSecureRtp(transport, packet, payloadLength);
            return;
        }

        SendDatagram(packet, remoteRtpAddress!, payloadLength);
    }

    /// <summary>Sends one RTP datagram (already protected in WebRTC mode) and counts it.</summary>
    private void SendDatagram(ReadOnlySpan<byte> datagram, SocketAddress to, int payloadLength)
    {
        try
        {
            rtpSocket.SendTo(datagram, SocketFlags.None, to);
            packetsSent++;
            octetsSent += payloadLength;
            sentAny = true;
            sentSinceReport = true;
        }
        catch (SocketException)
        {
            sendErrors++;
        }
        catch (ObjectDisposedException)
        {
            // Closing: nothing more to send.
        }
    }

    private void CloseRecorder()
    {
        recorder?.Dispose();
        recorder = null;
    }
}
