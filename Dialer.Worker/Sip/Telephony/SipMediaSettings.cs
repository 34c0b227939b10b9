using Dialer.Worker.Media;

namespace Dialer.Worker.Sip.Telephony;

/// <summary>Where RTP sessions for calls are opened.</summary>
/// <param name="Ports">RTP port range.</param>
/// <param name="Clock">Media clock (null: the shared clock of the time provider).</param>
/// <param name="AgentRingTimeout">How long an agent's phone may ring before the agent leg fails.</param>
public sealed record SipMediaSettings(RtpPortRange Ports, MediaClock? Clock = null, TimeSpan? AgentRing = null)
{
    public TimeSpan AgentRingTimeout => AgentRing ?? TimeSpan.FromSeconds(30);
}
