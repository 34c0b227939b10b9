namespace Dialer.Worker.Sip.Messages;

/// <summary>Small lexical helpers for SIP header values (RFC 3261 §25.1).</summary>
public static class SipText
{
    public static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
        or '-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~';

    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Splits a list header value on commas that are outside quotes and angle brackets.</summary>
    public static List<string> SplitList(string value)
    {
        var parts = new List<string>(1);
        var start = 0;
        var inQuotes = false;
        var inAngle = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuotes)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
            }
            else if (c == '"')
            {
                inQuotes = true;
            }
            else if (c == '<')
            {
                inAngle = true;
            }
            else if (c == '>')
            {
                inAngle = false;
            }
            else if (c == ',' && !inAngle)
            {
                AddTrimmed(parts, value, start, i);
                start = i + 1;
            }
        }

        AddTrimmed(parts, value, start, value.Length);
        return parts;
    }

    private static void AddTrimmed(List<string> parts, string value, int start, int end)
    {
        var part = value.AsSpan(start, end - start).Trim();
        if (!part.IsEmpty)
        {
            parts.Add(part.Length == value.Length ? value : part.ToString());
        }
    }

    /// <summary>Reads a quoted string starting at <paramref name="pos"/> (which holds the opening quote); returns the unescaped content.</summary>
    public static string? ReadQuoted(string s, ref int pos)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = pos + 1; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\')
            {
                if (i + 1 >= s.Length)
                {
                    return null;
                }

                sb.Append(s[++i]);
            }
            else if (c == '"')
            {
                pos = i + 1;
                return sb.ToString();
            }
            else
            {
                sb.Append(c);
            }
        }

        return null;
    }

    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
