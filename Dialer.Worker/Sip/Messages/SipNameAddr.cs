namespace Dialer.Worker.Sip.Messages;

/// <summary>From, To, Contact, Route values: optional display name, URI, header parameters (RFC 3261 §20.10).</summary>
public sealed class SipNameAddr
{
    public string? DisplayName { get; set; }

    public required string Uri { get; set; }

    public SipParameters Parameters { get; init; } = new();

    public string? Tag
    {
        get => Parameters["tag"];
        set
        {
            if (value is null)
            {
                Parameters.Remove("tag");
            }
            else
            {
                Parameters["tag"] = value;
            }
        }
    }

    public static SipNameAddr Parse(string text) =>
        TryParse(text, out var value) ? value : throw new SipParseException($"bad address '{(text.Length > 60 ? text[..60] : text)}'");

    public static bool TryParse(string text, out SipNameAddr value)
    {
        value = null!;
        var s = text.Trim();
        var pos = 0;
        string? display = null;
        if (s.StartsWith('"'))
        {
            display = SipText.ReadQuoted(s, ref pos);
            if (display is null)
            {
                return false;
            }

            while (pos < s.Length && (s[pos] == ' ' || s[pos] == '\t'))
            {
                pos++;
            }

            if (pos >= s.Length || s[pos] != '<')
            {
                return false;
            }
        }
        else
        {
            var angle = s.IndexOf('<');
            var semi = s.IndexOf(';');
            if (angle >= 0 && (semi < 0 || angle < semi))
            {
                var name = s[..angle].Trim();
                display = name.Length == 0 ? null : name;
                pos = angle;
            }
        }

        string uri;
        if (pos < s.Length && s[pos] == '<')
        {
            var close = s.IndexOf('>', pos);
            if (close < 0)
            {
                return false;
            }

            uri = s[(pos + 1)..close].Trim();
            pos = close + 1;
        }
        else
        {
            var end = s.IndexOf(';');
            if (end < 0)
            {
                end = s.Length;
            }

            uri = s[..end].Trim();
            pos = end;
        }

        if (uri.Length == 0 || uri.IndexOf(':') <= 0 || uri.Any(c => c is ' ' or '<' or '>' or '"'))
        {
            if (uri != "*")
            {
                return false;
            }
        }

        if (!SipParameters.TryParse(s, pos, out var parameters))
        {
            return false;
        }

        value = new SipNameAddr { DisplayName = display, Uri = uri, Parameters = parameters };
        return true;
    }

    public override string ToString()
    {
        var head = DisplayName is null ? "<" + Uri + ">" : SipText.Quote(DisplayName) + " <" + Uri + ">";
        return head + Parameters.ToString();
    }
}
