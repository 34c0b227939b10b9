namespace Dialer.Worker.Sip.Messages;

/// <summary>One Via value: "SIP/2.0/UDP host:port;branch=...;rport" (RFC 3261 §20.42); LWS around '/' allowed.</summary>
public sealed class SipVia
{
    public const string MagicCookie = "z9hG4bK";

    public required string Transport { get; init; }

    public required string Host { get; init; }

    public int? Port { get; init; }

    public SipParameters Parameters { get; init; } = new();

    public string? Branch => Parameters["branch"];

    public static bool TryParse(string text, out SipVia via)
    {
        via = null!;
        var parts = text.Split('/', 3);
        if (parts.Length != 3 || !parts[0].Trim().Equals("SIP", StringComparison.OrdinalIgnoreCase) || parts[1].Trim() != "2.0")
        {
            return false;
        }

        var rest = parts[2].TrimStart();
        var pos = 0;
        while (pos < rest.Length && SipText.IsTokenChar(rest[pos]))
        {
            pos++;
        }

        var transport = rest[..pos].ToUpperInvariant();
        if (transport.Length == 0)
        {
            return false;
        }

        while (pos < rest.Length && (rest[pos] == ' ' || rest[pos] == '\t'))
        {
            pos++;
        }

        var hostStart = pos;
        if (pos < rest.Length && rest[pos] == '[')
        {
            var close = rest.IndexOf(']', pos);
            if (close < 0)
            {
                return false;
            }

            pos = close + 1;
        }
        else
        {
            while (pos < rest.Length && rest[pos] != ':' && rest[pos] != ';' && rest[pos] != ' ' && rest[pos] != '\t')
            {
                pos++;
            }
        }

        var host = rest[hostStart..pos];
        if (host.Length == 0 || host.Any(c => !(SipText.IsTokenChar(c) || c is ':' or '[' or ']')))
        {
            return false;
        }

        while (pos < rest.Length && (rest[pos] == ' ' || rest[pos] == '\t'))
        {
            pos++;
        }

        int? port = null;
        if (pos < rest.Length && rest[pos] == ':')
        {
            pos++;
            while (pos < rest.Length && (rest[pos] == ' ' || rest[pos] == '\t'))
            {
                pos++;
            }

            var portStart = pos;
            while (pos < rest.Length && char.IsAsciiDigit(rest[pos]))
            {
                pos++;
            }

            if (pos == portStart || pos - portStart > 5 || !int.TryParse(rest.AsSpan(portStart, pos - portStart), out var p) || p > 65535)
            {
                return false;
            }

            port = p;
        }

        if (!SipParameters.TryParse(rest, pos, out var parameters))
        {
            return false;
        }

        via = new SipVia { Transport = transport, Host = host, Port = port, Parameters = parameters };
        return true;
    }

    public override string ToString() =>
        "SIP/2.0/" + Transport + " " + Host + (Port is { } p ? ":" + p : string.Empty) + Parameters.ToString();
}
