namespace Dialer.Worker.Sip.Messages;

/// <summary>";name=value;flag" parameters of a header or URI; names case-insensitive, order kept.</summary>
public sealed class SipParameters
{
    private readonly List<KeyValuePair<string, string?>> items = [];

    public int Count => items.Count;

    public IEnumerable<KeyValuePair<string, string?>> Items => items;

    public bool Contains(string name) => IndexOf(name) >= 0;

    public string? this[string name]
    {
        get
        {
            var i = IndexOf(name);
            return i >= 0 ? items[i].Value : null;
        }

        set
        {
            var i = IndexOf(name);
            if (i >= 0)
            {
                items[i] = new(items[i].Key, value);
            }
            else
            {
                items.Add(new(name, value));
            }
        }
    }

    public void Remove(string name)
    {
        var i = IndexOf(name);
        if (i >= 0)
        {
            items.RemoveAt(i);
        }
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Parses ";a=b ; c ;d = "q s"" starting at <paramref name="pos"/>; stops at <paramref name="stop"/> (or the end). Returns false if malformed.</summary>
    public static bool TryParse(string s, int pos, out SipParameters parameters, char stop = '\0')
    {
        parameters = new SipParameters();
        while (true)
        {
            pos = SkipSpace(s, pos);
            if (pos >= s.Length || s[pos] == stop)
            {
                return true;
            }

            if (s[pos] != ';')
            {
                return false;
            }

            pos = SkipSpace(s, pos + 1);
            var nameStart = pos;
            while (pos < s.Length && s[pos] != '=' && s[pos] != ';' && s[pos] != stop && !char.IsWhiteSpace(s[pos]))
            {
                pos++;
            }

            var name = s[nameStart..pos];
            if (name.Length == 0)
            {
                // Tolerate empty parameters such as ";;" as RFC 4475 "UnknownHeaderWithUnusualValue" shows for unknown headers.
                continue;
            }

            pos = SkipSpace(s, pos);
            string? value = null;
            if (pos < s.Length && s[pos] == '=')
            {
                pos = SkipSpace(s, pos + 1);
                if (pos < s.Length && s[pos] == '"')
                {
                    value = SipText.ReadQuoted(s, ref pos);
                    if (value is null)
                    {
                        return false;
                    }
                }
                else
                {
                    var valueStart = pos;
                    while (pos < s.Length && s[pos] != ';' && s[pos] != stop && !char.IsWhiteSpace(s[pos]))
                    {
                        pos++;
                    }

                    value = s[valueStart..pos];
                }
            }

            parameters.items.Add(new(name, value));
        }
    }

    private static int SkipSpace(string s, int pos)
    {
        while (pos < s.Length && (s[pos] == ' ' || s[pos] == '\t'))
        {
            pos++;
        }

        return pos;
    }

    public override string ToString()
    {
        if (items.Count == 0)
        {
            return string.Empty;
        }

        var sb = new System.Text.StringBuilder();
        foreach (var (k, v) in items)
        {
            sb.Append(';').Append(k);
            if (v is not null)
            {
                sb.Append('=').Append(v);
            }
        }

        return sb.ToString();
    }
}
