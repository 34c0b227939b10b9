namespace Dialer.Worker.Sip.Messages;

/// <summary>A sip:/sips: URI split into its parts (RFC 3261 §19.1); other schemes keep only the scheme and raw text.</summary>
public sealed class SipUri
{
    public required string Scheme { get; init; }

    public string? User { get; init; }

    public required string Host { get; init; }

    public int? Port { get; init; }

    public SipParameters Parameters { get; init; } = new();

    public string? Headers { get; init; }

    public static SipUri Create(string? user, string host, int? port = null, string scheme = "sip") =>
        new() { Scheme = scheme, User = user, Host = host, Port = port };

    public static SipUri Parse(string text) =>
        TryParse(text, out var uri) ? uri : throw new SipParseException($"bad URI '{Truncate(text)}'");

    public static bool TryParse(string text, out SipUri uri)
    {
        uri = null!;
        var colon = text.IndexOf(':');
        if (colon <= 0 || !SipText.IsToken(text.AsSpan(0, colon)))
        {
            return false;
        }

        var scheme = text[..colon].ToLowerInvariant();
        var rest = text[(colon + 1)..];
        if (rest.Length == 0 || rest.Any(c => c is ' ' or '\t' or '<' or '>' or '\r' or '\n'))
        {
            return false;
        }

        if (scheme is not ("sip" or "sips"))
        {
            uri = new SipUri { Scheme = scheme, Host = rest };
            return true;
        }

        string? user = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            user = rest[..at];
            rest = rest[(at + 1)..];
            if (user.Length == 0)
            {
                return false;
            }
        }

        string? headers = null;
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            headers = rest[(q + 1)..];
            rest = rest[..q];
        }

        int hostEnd;
        if (rest.StartsWith('['))
        {
            hostEnd = rest.IndexOf(']');
            if (hostEnd < 0)
            {
                return false;
            }

            hostEnd++;
        }
        else
        {
            hostEnd = 0;
            while (hostEnd < rest.Length && rest[hostEnd] != ':' && rest[hostEnd] != ';')
            {
                hostEnd++;
            }
        }

        var host = rest[..hostEnd];
        if (host.Length == 0)
        {
            return false;
        }

        var pos = hostEnd;
        int? port = null;
        if (pos < rest.Length && rest[pos] == ':')
        {
            var portStart = ++pos;
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

        uri = new SipUri { Scheme = scheme, User = user, Host = host, Port = port, Parameters = parameters, Headers = headers };
        return true;
    }

    private static string Truncate(string s) => s.Length > 60 ? s[..60] : s;

    public override string ToString()
    {
        if (Scheme is not ("sip" or "sips"))
        {
            return Scheme + ":" + Host;
        }

        var sb = new System.Text.StringBuilder(Scheme).Append(':');
        if (User is not null)
        {
            sb.Append(User).Append('@');
        }

        sb.Append(Host);
        if (Port is { } port)
        {
            sb.Append(':').Append(port);
        }

        sb.Append(Parameters.ToString());
        if (Headers is not null)
        {
            sb.Append('?').Append(Headers);
        }

        return sb.ToString();
    }
}
