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
            text.AppendJoin(',', row.Select(Cell)).Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Cell(object? value)
    {
        var s = value switch
        {
            null => "",
            double d => d.ToString("0.####", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@' && value is string)
        {
            s = "'" + s; // no formulas from data
        }

        return s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }
}
