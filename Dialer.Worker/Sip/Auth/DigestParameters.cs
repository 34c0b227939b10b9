using Dialer.Worker.Sip.Messages;

namespace Dialer.Worker.Sip.Auth;

/// <summary>Parses "Digest a=b, c="d"" auth-param lists (RFC 7616 §3.3, §3.4).</summary>
public static class DigestParameters
{
    public static Dictionary<string, string>? Parse(string header)
    {
        var s = header.Trim();
        if (!s.StartsWith("Digest", StringComparison.OrdinalIgnoreCase) || (s.Length > 6 && !char.IsWhiteSpace(s[6])))
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var pos = 6;
        while (pos < s.Length)
        {
            while (pos < s.Length && (char.IsWhiteSpace(s[pos]) || s[pos] == ','))
            {
                pos++;
            }

            if (pos >= s.Length)
            {
                break;
            }

            var nameStart = pos;
            while (pos < s.Length && s[pos] != '=' && !char.IsWhiteSpace(s[pos]) && s[pos] != ',')
            {
                pos++;
            }

            var name = s[nameStart..pos];
            while (pos < s.Length && char.IsWhiteSpace(s[pos]))
            {
                pos++;
            }

            if (pos >= s.Length || s[pos] != '=')
            {
                return null;
            }

            pos++;
            while (pos < s.Length && char.IsWhiteSpace(s[pos]))
            {
                pos++;
            }

            string value;
            if (pos < s.Length && s[pos] == '"')
            {
                var quoted = SipText.ReadQuoted(s, ref pos);
                if (quoted is null)
                {
                    return null;
                }

                value = quoted;
            }
            else
            {
                var valueStart = pos;
                while (pos < s.Length && s[pos] != ',' && !char.IsWhiteSpace(s[pos]))
                {
                    pos++;
                }

                value = s[valueStart..pos];
            }

            if (name.Length == 0)
            {
                return null;
            }

            result[name] = value;
        }

        return result;
    }
}
