using Dialer.Db;

namespace Dialer.Worker.Sip.Trunk;

/// <summary>The carrier trunk (configuration section <c>Telephony:Trunk</c>; environment <c>Telephony__Trunk__Host</c> and so on).</summary>
public sealed class SipTrunkOptions : IValidatedOptions
{
    public const string Section = "Telephony:Trunk";

    /// <summary>Trunk host name or IP address; empty means no trunk (the simulated carrier is used).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 5060;

    /// <summary>"udp" or "tcp".</summary>
    public string Transport { get; set; } = "udp";

    /// <summary>Digest user name for the trunk's 401/407 challenges and for registration.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Default caller id (user part of From) when a call does not bring its own.</summary>
    public string? CallerId { get; set; }

    /// <summary>Register with the trunk (and refresh the registration).</summary>
    public bool Register { get; set; }

    public int RegisterExpiresSeconds { get; set; } = 3600;

    /// <summary>OPTIONS keepalive interval; 0 turns the keepalive off.</summary>
    public int KeepaliveSeconds { get; set; } = 30;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    /// <summary>Checks the values; returns the problems (empty when valid).</summary>
    public IEnumerable<string> Problems() => Validate();

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!IsConfigured)
        {
            problems.Add("Telephony:Trunk:Host is required");
        }

        if (Port is < 1 or > 65535)
        {
            problems.Add("Telephony:Trunk:Port must be 1-65535");
        }

        if (Transport.ToLowerInvariant() is not ("udp" or "tcp"))
        {
            problems.Add("Telephony:Trunk:Transport must be udp or tcp");
        }

        if (Register && string.IsNullOrWhiteSpace(Username))
        {
            problems.Add("Telephony:Trunk:Username is required when Register is true");
        }

        return problems;
    }
}
