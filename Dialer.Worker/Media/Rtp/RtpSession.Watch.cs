namespace Dialer.Worker.Media;

/// <summary>Watching the received stream: in-band DTMF when the peer has no telephone-event, and media inactivity.</summary>
public sealed partial class RtpSession
{
    private DtmfDetector? inBandDetector;
    private long lastActivity;
    private bool timeoutRaised;

    /// <summary>
    /// Raised once when no RTP has arrived for <see cref="RtpSessionOptions.InactivityTimeout"/> while the session
    /// expects media (remote set, direction receives). The SIP side usually hangs up.
    /// </summary>
    public event Action? MediaTimeout;

    /// <summary>In-band DTMF is listened for only when neither side's SDP named telephone-event.</summary>
    private bool WantsInBandDtmf => TelephoneEventPayloadType is null && receiveTelephoneEventPayloadType is null;

    private void DetectInBand(ReadOnlySpan<short> pcm)
    {
        inBandDetector ??= new DtmfDetector();
        inBandDetector.Process(pcm, pendingDigits.Enqueue);
    }

    /// <summary>Called on the clock with the gate held: true when the inactivity timeout has just passed.</summary>
    private bool CheckInactivity()
    {
        if (options.InactivityTimeout is not { } limit || timeoutRaised || remoteRtpAddress is null || !Direction.CanReceive())
        {
            lastActivity = 0;
            return false;
        }

        var last = Math.Max(lastActivity, lastPacketTimestamp);
        if (last == 0)
        {
            lastActivity = time.GetTimestamp();
            return false;
        }

        if (time.GetElapsedTime(last) < limit)
        {
            return false;
        }

        timeoutRaised = true;
        return true;
    }
}
