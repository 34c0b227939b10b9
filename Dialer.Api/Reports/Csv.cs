using System.Globalization;
using System.Text;

namespace Dialer.Api.Reports;

/// <summary>
/// CSV as spreadsheet programs read it: UTF-8 with a byte-order mark (so Chinese survives Excel), CRLF, quoted where
/// needed, and no formulas from data. Every CSV export of the Api writes its cells through here.
/// </summary>
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

    /// <summary>
    /// Formula injection guard (OWASP "CSV Injection"): text starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or
    /// CR gets a leading <c>'</c> so that a spreadsheet shows it as text instead of running it. That includes an
    /// E.164 phone such as <c>+8613812340001</c>, which a spreadsheet would otherwise turn into the number 8.61E+12.
    /// </summary>
    public static string Neutralize(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static string Cell(object? value)
    {
        var s = value switch
        {
            null => "",
            double d => d.ToString("0.####", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        // Numbers are formatted here, not taken from data: a negative one stays a number.
        if (!IsNumber(value))
        {
            s = Neutralize(s);
        }

        return s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }

    private static bool IsNumber(object? value) =>
        value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal;
}
