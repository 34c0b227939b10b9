using System.Globalization;
using System.Text;

namespace Dialer.Api.Reports;

/// <summary>CSV as spreadsheet programs read it: UTF-8 with a byte-order mark (so Chinese survives Excel), CRLF, quoted where needed.</summary>
public static class Csv
{
    public static byte[] Build(IEnumerable<IEnumerable<object?>> rows)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(Line(row));
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    /// <summary>One record with its CRLF, for exports written as they are read.</summary>
    public static string Line(IEnumerable<object?> row) => string.Join(',', row.Select(Cell)) + "\r\n";

    private static string Cell(object? value)
    {
        var s = value switch
        {
            null => "",
            double d => d.ToString("0.####", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        // A phone number (E.164, checked on the way in) keeps its '+'.
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@' && value is string && !IsE164(s))
        {
            s = "'" + s; // no formulas from data
        }

        return s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }

    private static bool IsE164(string s) => s.Length is >= 8 and <= 16 && s[0] == '+' && s[1] != '0' && s.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;
}
