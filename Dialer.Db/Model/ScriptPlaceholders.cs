using System.Globalization;
using System.Text;

namespace Dialer.Db.Model;

/// <summary>
/// Scripts and messages carry <c>{field}</c> placeholders filled from the contact: name, account, phone and
/// any custom field (which may be Chinese, e.g. <c>{欠费金额}</c>). A field name is letters, digits and '_'
/// (not starting with a digit). <c>{{</c> and <c>}}</c> stand for literal braces.
/// </summary>
public static class ScriptPlaceholders
{
    /// <summary>Null when the text is well formed; otherwise what is wrong and where (1-based character position).</summary>
    public static string? Check(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '}')
            {
                if (i + 1 < text.Length && text[i + 1] == '}')
                {
                    i++;
                    continue;
                }

                return $"Unmatched '}}' at position {i + 1}; write '}}}}' for a literal brace.";
            }

            if (c != '{')
            {
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '{')
            {
                i++;
                continue;
            }

            var close = text.IndexOf('}', i + 1);
            if (close < 0)
            {
                return $"Placeholder at position {i + 1} is not closed with '}}'.";
            }

            var name = text.AsSpan(i + 1, close - i - 1);
            if (!IsFieldName(name))
            {
                return $"Placeholder '{{{name}}}' at position {i + 1} is not a field name (letters, digits and '_', not starting with a digit).";
            }

            i = close;
        }

        return null;
    }

    /// <summary>The field names used by a well-formed text, in order of first use.</summary>
    public static IReadOnlyList<string> Fields(string text)
    {
        var fields = new List<string>();
        Walk(text, literal: null, field: f =>
        {
            if (!fields.Contains(f))
            {
                fields.Add(f);
            }
        });
        return fields;
    }

    /// <summary>A contact's value for a placeholder: name, account, phone, or one of the list's other columns (any case).</summary>
    public static string? ContactValue(string? name, string? accountId, string phone, string? customJson, string field) => field switch
    {
        "name" => name,
        "account" or "account_id" or "accountId" => accountId,
        "phone" => phone,
        _ => CustomFields.Parse(customJson).FirstOrDefault(p => string.Equals(p.Key, field, StringComparison.OrdinalIgnoreCase)).Value,
    };

    /// <summary>Fills the placeholders; a field without a value is left as written, so that an agent sees it is missing.</summary>
    public static string Fill(string text, Func<string, string?> value)
    {
        var sb = new StringBuilder(text.Length + 32);
        Walk(text, literal: ch => sb.Append(ch), field: f => sb.Append(value(f) ?? "{" + f + "}"));
        return sb.ToString();
    }

    private static void Walk(string text, Action<char>? literal, Action<string> field)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c)
            {
                literal?.Invoke(c);
                i++;
                continue;
            }

            var close = c == '{' ? text.IndexOf('}', i + 1) : -1;
            if (close > i && IsFieldName(text.AsSpan(i + 1, close - i - 1)))
            {
                field(text[(i + 1)..close]);
                i = close;
                continue;
            }

            literal?.Invoke(c);
        }
    }

    private static bool IsFieldName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 64 || char.IsDigit(name[0]))
        {
            return false;
        }

        foreach (var ch in name)
        {
            var category = char.GetUnicodeCategory(ch);
            var ok = ch == '_' || char.IsLetterOrDigit(ch) || category == UnicodeCategory.NonSpacingMark;
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
