using Dialer.Worker.Media;

namespace Dialer.Worker.Sip.Telephony;

/// <summary>Where RTP sessions for calls are opened.</summary>
/// <param name="Ports">RTP port range.</param>
/// <param name="Clock">Media clock (null: the shared clock of the time provider).</param>
/// <param name="AgentRing">How long an agent's phone may ring before the agent leg fails.</param>
/// <param name="MediaFolder">
/// The media folder prompts are played from (<c>DataDir/media</c>): a campaign's WAV names are resolved inside it,
/// and one that leads outside it is refused (its text is spoken instead). Null: no recorded prompts are played.
/// </param>
public sealed record SipMediaSettings(RtpPortRange Ports, MediaClock? Clock = null, TimeSpan? AgentRing = null, string? MediaFolder = null)
{
    public TimeSpan AgentRingTimeout => AgentRing ?? TimeSpan.FromSeconds(30);
}
