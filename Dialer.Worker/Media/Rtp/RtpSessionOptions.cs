using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Media;

/// <summary>Receives decoded audio: 16-bit samples at 8 kHz, one RTP packet's worth (usually 160).</summary>
public delegate void AudioFrameHandler(RtpSession session, ReadOnlySpan<short> pcm);

/// <summary>Settings for <see cref="RtpSession.Open"/>.</summary>
public sealed record RtpSessionOptions
{
    /// <summary>The clock that paces sending; the shared clock of the time provider when null.</summary>
    public MediaClock? Clock { get; init; }

    public ILogger? Logger { get; init; }

    /// <summary>
    /// When the peer's RTP comes from another address than its SDP gave (NAT), send to that address too
    /// (symmetric RTP). Receiving from it happens either way once it is learned.
    /// </summary>
    public bool LatchToSource { get; init; }

    /// <summary>Interval between RTCP reports (randomised by ±50 %, RFC 3550 section 6.2).</summary>
    public TimeSpan RtcpInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>An unfinished RFC 4733 event whose end packets never came is reported after this long.</summary>
    public TimeSpan DtmfEndTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// While bridged, keys that arrive as RFC 4733 events are sent on to the bridged session (as events when its
    /// peer takes telephone-event, else as tones), so an agent can work a customer's IVR and the reverse. Keys
    /// sent as tones in the audio need nothing: the audio itself is relayed.
    /// </summary>
    public bool RelayDtmf { get; init; } = true;

    /// <summary>Raise <see cref="RtpSession.MediaTimeout"/> when no RTP arrives for this long; null (the default) never.</summary>
    public TimeSpan? InactivityTimeout { get; init; }
}

/// <summary>What a session sends when it plays nothing and is not bridged.</summary>
public enum IdleAudio
{
    /// <summary>Silence packets (keeps NAT bindings and the far end's jitter buffer alive).</summary>
    Silence,

    /// <summary>A soft 440 Hz beep of 200 ms every 4 s: "you are connected, waiting for a customer".</summary>
    ComfortTone,
}
