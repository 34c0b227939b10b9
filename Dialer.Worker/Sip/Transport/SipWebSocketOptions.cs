using System.Net;
using Dialer.Db;

namespace Dialer.Worker.Sip.Transport;

/// <summary>
/// SIP over WebSocket (RFC 7118) for agents' browser phones (section <c>Telephony:Sip:WebSocket</c>). Off unless a
/// port is given. Without a certificate it is plain ws, allowed only on loopback (development, or a TLS proxy on the
/// same host); with <see cref="CertificatePath"/> it is wss.
/// </summary>
public sealed class SipWebSocketOptions : IValidatedOptions
{
    public const string Section = "Telephony:Sip:WebSocket";

    /// <summary>TCP port for ws/wss; -1 (the default) turns SIP over WebSocket off, 0 picks a free port.</summary>
    public int Port { get; set; } = -1;

    /// <summary>Local address to bind; plain ws (no certificate) must stay on a loopback address.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The server certificate: a PEM file (with <see cref="CertificateKeyPath"/>, or the key inside) or a PKCS#12 (.pfx/.p12) file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The certificate's private key as PEM, when it is not in <see cref="CertificatePath"/>.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The password of a PKCS#12 file or an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// The URL browsers connect to (wss://host:port), written for the pages on this Worker's row of the workers table.
    /// Default: ws(s)://&lt;Telephony:Sip:PublicAddress or the listen address&gt;:&lt;the bound port&gt;. Set it when the
    /// certificate's name or a proxy differs from that.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Largest SIP message accepted in one WebSocket message; larger ones close the connection (1009).</summary>
    public int MaxMessageBytes { get; set; } = 65535;

    /// <summary>At most this many WebSocket connections at once; more are refused with 503.</summary>
    public int MaxConnections { get; set; } = 2000;

    public bool Enabled => Port >= 0;

    public bool Secure => !string.IsNullOrWhiteSpace(CertificatePath);

    public IEnumerable<string> Problems()
    {
        var address = IPAddress.TryParse(ListenAddress, out var parsed) ? parsed : null;
        return DialerOptions.Check(Port is >= -1 and <= 65535, $"{Section}:Port", "-1 (off), 0 (any free port) or 1-65535", Port)
            .Concat(DialerOptions.Check(address is not null, $"{Section}:ListenAddress", "an IP address", ListenAddress))
            .Concat(DialerOptions.Check(!Enabled || Secure || address is null || IPAddress.IsLoopback(address), $"{Section}:ListenAddress",
                "a loopback address for plain ws (give CertificatePath for wss on other addresses)", ListenAddress))
            .Concat(DialerOptions.Check(!Secure || File.Exists(CertificatePath), $"{Section}:CertificatePath", "an existing certificate file", CertificatePath))
            .Concat(DialerOptions.Check(string.IsNullOrWhiteSpace(CertificateKeyPath) || File.Exists(CertificateKeyPath), $"{Section}:CertificateKeyPath",
                "an existing PEM key file", CertificateKeyPath))
            .Concat(DialerOptions.Check(PublicUrl is null || (Uri.TryCreate(PublicUrl, UriKind.Absolute, out var url) && url.Scheme is "ws" or "wss"),
                $"{Section}:PublicUrl", "a ws:// or wss:// URL", PublicUrl))
            .Concat(DialerOptions.Check(MaxMessageBytes is >= 1024 and <= Messages.SipParser.MaxMessageSize, $"{Section}:MaxMessageBytes", "1024-65535", MaxMessageBytes))
            .Concat(DialerOptions.Check(MaxConnections >= 1, $"{Section}:MaxConnections", "at least 1", MaxConnections));
    }
}
