using System.Text;
using Dialer.Db.Model;

namespace Dialer.Db.Imports;

/// <summary>Which CSV column holds what: phone (required), name, account id, time zone; the rest are custom fields.</summary>
public sealed class ImportColumns
{
    public static readonly IReadOnlyList<string> PhoneHeaders =
    [
        "phone", "mobile", "tel", "电话", "手机", "号码", "联系电话",
        "phone_number", "phone_no", "mobile_number", "mobile_phone", "cell", "cell_phone", "telephone",
        "手机号", "手机号码", "电话号码", "联系号码", "移动电话",
    ];

    public static readonly IReadOnlyList<string> NameHeaders = ["name", "姓名", "full_name", "customer_name", "客户姓名", "客户名称", "名字"];
    public static readonly IReadOnlyList<string> AccountHeaders =
        ["account", "account_id", "账号", "账户", "帐号", "帐户", "account_number", "account_no", "客户编号", "户号"];
    public static readonly IReadOnlyList<string> TimeZoneHeaders = ["timezone", "time_zone", "时区"];
    public static readonly IReadOnlyList<string> SourceHeaders = ["source", "来源"];
    public static readonly IReadOnlyList<string> ExpiresHeaders = ["expiresat", "expires_at", "expires", "到期"];

    private ImportColumns(IReadOnlyList<string> headers)
    {
        Headers = headers;
    }

    public IReadOnlyList<string> Headers { get; }

    public int Count => Headers.Count;

    public int Phone { get; private init; } = -1;

    public int Name { get; private init; } = -1;

    public int Account { get; private init; } = -1;

    public int TimeZone { get; private init; } = -1;

    public int Source { get; private init; } = -1;

    public int Expires { get; private init; } = -1;

    /// <summary>Other columns: index and the JSON-escaped key (unique: a repeated header gets " (2)").</summary>
    public IReadOnlyList<(int Index, string JsonKey)> Custom { get; private init; } = [];

    /// <summary>
    /// True when record <paramref name="r"/> has the header's columns; empty fields after the last column
    /// (a trailing comma, as some exports write on every row) are ignored, a missing column is not.
    /// </summary>
    public bool Fits(CsvBatch csv, int r)
    {
        var fields = csv.Fields(r);
        if (fields < Count)
        {
            return false;
        }

        for (var f = Count; f < fields; f++)
        {
            if (!csv.Field(r, f).IsWhiteSpace())
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Maps the header record; the error names the headers seen when no phone column is found.</summary>
    public static (ImportColumns? Columns, string? Error) Resolve(IReadOnlyList<string> rawHeaders, string? phoneColumn, bool customFields = true)
    {
        var headers = rawHeaders.Select(h => h.Trim().Trim('\uFEFF').Trim()).ToList();
        var phone = -1;
        if (!string.IsNullOrWhiteSpace(phoneColumn))
        {
            phone = headers.FindIndex(h => h.Equals(phoneColumn.Trim(), StringComparison.OrdinalIgnoreCase));
            if (phone < 0)
            {
                return (null, Texts.Pick(
                    $"phoneColumn '{phoneColumn}' is not among the headers: {Seen(headers)}",
                    $"电话列（phoneColumn）“{phoneColumn}”不在表头中；表头为：{Seen(headers)}"));
            }
        }
        else
        {
            phone = Find(headers, PhoneHeaders);
            if (phone < 0)
            {
                return (null, Texts.Pick(
                    $"no phone column found (looked for {string.Join(", ", PhoneHeaders)}; pass phoneColumn); headers seen: {Seen(headers)}",
                    $"找不到电话列（查找的列名：{string.Join("、", PhoneHeaders)}；或指定电话列 phoneColumn）；文件的表头为：{Seen(headers)}"));
            }
        }

        var name = Find(headers, NameHeaders);
        var account = Find(headers, AccountHeaders);
        var zone = Find(headers, TimeZoneHeaders);
        var source = customFields ? -1 : Find(headers, SourceHeaders);
        var expires = customFields ? -1 : Find(headers, ExpiresHeaders);
        var custom = new List<(int, string)>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Count; i++)
        {
            if (!customFields || i == phone || i == name || i == account || i == zone)
            {
                continue;
            }

            var key = headers[i].Length == 0 ? $"column{i + 1}" : headers[i];
            var unique = key;
            for (var n = 2; !used.Add(unique); n++)
            {
                unique = $"{key} ({n})";
            }

            custom.Add((i, JsonText.Escape(unique)));
        }

        return (new ImportColumns(headers)
        {
            Phone = phone,
            Name = name,
            Account = account,
            TimeZone = zone,
            Source = source,
            Expires = expires,
            Custom = custom,
        }, null);
    }

    /// <summary>The first header that is one of <paramref name="names"/>, case, spaces, '_', '-' and '.' aside ("Phone Number" is phone_number).</summary>
    private static int Find(List<string> headers, IReadOnlyList<string> names) =>
        headers.FindIndex(h => names.Any(n => Key(n) == Key(h)));

    private static string Key(string header)
    {
        var key = new StringBuilder(header.Length);
        foreach (var c in header)
        {
            if (c is not (' ' or '_' or '-' or '.' or '\u3000'))
            {
                key.Append(char.ToLowerInvariant(c));
            }
        }

        return key.ToString();
    }

    private static string Seen(List<string> headers) =>
        headers.Count == 0 ? Texts.Pick("(none)", "（无）") : string.Join(", ", headers.Select(h => $"'{h}'"));
}

/// <summary>Minimal JSON string escaping that keeps every non-ASCII character as it is (Chinese stays readable).</summary>
public static class JsonText
{
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        Append(sb, text);
        return sb.ToString();
    }

    public static void Append(StringBuilder sb, ReadOnlySpan<char> text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '"' or '\\' || c < ' ')
            {
                sb.Append(text[start..i]);
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default: sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)); break;
                }

                start = i + 1;
            }
        }

        sb.Append(text[start..]);
    }
}
