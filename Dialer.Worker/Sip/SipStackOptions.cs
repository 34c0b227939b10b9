using Dialer.Db;

namespace Dialer.Worker.Sip;

/// <summary>Where the dialer's SIP stack listens (configuration section <c>Telephony:Sip</c>).</summary>
public sealed class SipStackOptions : IValidatedOptions
{
    public const string Section = "Telephony:Sip";

    /// <summary>Local address to bind (UDP and TCP). "0.0.0.0" listens on all interfaces.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>Local port for UDP and TCP; agents' phones register here. 0 picks a free port.</summary>
    public int Port { get; set; } = 5060;

    /// <summary>Address written in Via and Contact when it differs from the one seen locally (NAT); optional.</summary>
    public string? PublicAddress { get; set; }

    public string UserAgent { get; set; } = "Dialer";

    /// <summary>RTP ports (even, RTCP on the next odd one) for calls; 0 and 0 let the system choose.</summary>
    public int RtpMinPort { get; set; } = 20000;

    public int RtpMaxPort { get; set; } = 39999;

    /// <summary>How long an agent's phone may ring before the agent leg fails.</summary>
    public int AgentRingSeconds { get; set; } = 30;

    public IEnumerable<string> Problems() =>
        DialerOptions.Check(System.Net.IPAddress.TryParse(ListenAddress, out _), $"{Section}:ListenAddress", "an IP address", ListenAddress)
            .Concat(DialerOptions.Check(Port is >= 0 and <= 65535, $"{Section}:Port", "0-65535 (0: any free port)", Port))
            .Concat(DialerOptions.Check(RtpMinPort == 0 || (RtpMinPort is >= 1024 and <= 65534 && RtpMaxPort > RtpMinPort && RtpMaxPort <= 65535),
                $"{Section}:RtpMinPort and RtpMaxPort", "0 (any port) or a range within 1024-65535", $"{RtpMinPort}-{RtpMaxPort}"))
            .Concat(DialerOptions.Check(AgentRingSeconds >= 1, $"{Section}:AgentRingSeconds", "at least 1", AgentRingSeconds));
}
