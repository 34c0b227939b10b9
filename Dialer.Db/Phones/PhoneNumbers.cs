namespace Dialer.Db.Phones;

/// <summary>
/// Normalises phone numbers as people write them (separators, +, 00, national forms, an Excel apostrophe, a
/// "Tel:" label) to E.164. China and North America are checked by our own numbering rules (fast, exact);
/// every other country by libphonenumber. Allocation-free until the answer for China and North America;
/// safe to call from many threads.
/// </summary>
public static class PhoneNumbers
{
    /// <summary>E.164: at most 15 digits after the +.</summary>
    public const int MaxE164Digits = 15;

    private const int MaxInputDigits = 24;

    /// <summary>Room for two numbers written in one cell, so that the reason can say so.</summary>
    private const int MaxScannedDigits = 40;

    /// <summary>Countries whose national numbers are NANP numbers (10 digits, optionally after a 1).</summary>
    private static readonly HashSet<string> NanpCountries = new(StringComparer.OrdinalIgnoreCase)
    {
        "US", "CA", "PR", "VI", "GU", "MP", "AS", "BS", "BB", "AI", "AG", "VG", "KY", "BM", "GD", "TC",
        "JM", "MS", "SX", "LC", "DM", "VC", "DO", "TT", "KN",
    };

    /// <summary>Labels written before the number in lists ("Tel: …", "电话：…"), compared without case.</summary>
    private static readonly string[] Labels = ["tel", "phone", "mobile", "mob", "电话", "手机", "联系电话", "手机号"];

    /// <summary>True when numbers can be written nationally for this ISO 3166 country (it is known here).</summary>
    public static bool IsKnownCountry(string? country) =>
        country is not null && (country.Equals("CN", StringComparison.OrdinalIgnoreCase)
                                || NanpCountries.Contains(country)
                                || OtherCountries.IsKnownRegion(country));

    /// <summary>
    /// Normalises <paramref name="raw"/>; numbers without + or 00 are read as national numbers of
    /// <paramref name="defaultCountry"/> (ISO 3166 alpha-2, e.g. CN, US, GB).
    /// </summary>
    public static PhoneResult Normalize(string? raw, string? defaultCountry) =>
        Normalize(raw.AsSpan(), defaultCountry);

    public static PhoneResult Normalize(ReadOnlySpan<char> raw, string? defaultCountry)
    {
        raw = Clean(raw);
        Span<char> buffer = stackalloc char[MaxScannedDigits];
        var n = 0;
        var plus = false;
        var any = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var ch = raw[i];
            var c = ch switch
            {
                >= '\uFF10' and <= '\uFF19' => (char)(ch - '\uFF10' + '0'), // full-width digits (Chinese input methods)
                '\uFF0B' => '+',
                _ => ch,
            };
            if (c is >= '0' and <= '9')
            {
                if (n == MaxScannedDigits)
                {
                    return PhoneResult.Invalid($"too many digits (more than {MaxInputDigits})", $"数字过多（超过 {MaxInputDigits} 位）");
                }

                buffer[n++] = c;
                any = true;
            }
            else if (c == '+')
            {
                if (any || plus)
                {
                    return n >= 5 && DigitsIn(raw[(i + 1)..]) >= 5
                        ? TwoNumbersResult
                        : PhoneResult.Invalid("'+' may only stand at the start", "“+”只能出现在开头");
                }

                plus = true;
                any = true;
            }
            else if (c is ' ' or '\t' or '\u00A0' or '\u3000')
            {
                continue;
            }
            else if (c == '/')
            {
                // "030/1234567" (an area code) is one number; "13812345678/13912345678" two.
                if (n >= 7 && DigitsIn(raw[(i + 1)..]) >= 7)
                {
                    return TwoNumbersResult;
                }
            }
            else if (IsSeparator(c))
            {
                continue;
            }
            else if (c is ',' or ';' or '，' or '；' or '、' or '|' or '或' or '\n' or '\r')
            {
                if (c == ',' && IsScientific(raw))
                {
                    return Scientific(raw);
                }

                if (n >= 5 && DigitsIn(raw[(i + 1)..]) >= 5)
                {
                    return TwoNumbersResult;
                }

                return c is ',' or ';' or '，' or '；'
                    ? PhoneResult.Invalid("dialling pauses (, ;) and extensions are not supported: keep only the number in the cell", "不支持拨号停顿（, ;）和分机：单元格中只保留号码")
                    : Unexpected(c);
            }
            else if (n > 0 && c is 'e' or 'E' && IsScientific(raw))
            {
                return Scientific(raw);
            }
            else if (n > 0 && IsExtension(raw[i..]))
            {
                return PhoneResult.Invalid("extensions (x123, ext. 123, 转123, 分机123) cannot be dialled: keep only the number in the cell", "分机（x123、ext. 123、转123、分机123）无法拨打：单元格中只保留号码");
            }
            else
            {
                return Unexpected(c);
            }
        }

        if (n == 0)
        {
            return (plus ? PhoneResult.Invalid("no digits after '+'", "“+”后没有数字") : PhoneResult.Invalid("empty phone number", "号码为空"));
        }

        var digits = buffer[..n];
        var result = n > MaxInputDigits
            ? PhoneResult.Invalid($"too many digits (more than {MaxInputDigits})", $"数字过多（超过 {MaxInputDigits} 位）")
            : Classify(digits, plus, defaultCountry);
        return result.Ok || !IsTwoNumbers(raw, digits, plus, defaultCountry) ? result : TwoNumbersResult;
    }

    /// <summary>"13812345678 13912345678": true when the digits split at a space into two numbers valid on their own.</summary>
    private static bool IsTwoNumbers(ReadOnlySpan<char> raw, ReadOnlySpan<char> digits, bool plus, string? defaultCountry)
    {
        var before = 0;
        var gap = false;
        foreach (var c in raw)
        {
            if (c is >= '0' and <= '9' or >= '\uFF10' and <= '\uFF19')
            {
                if (gap && before >= 5 && digits.Length - before >= 5
                    && Classify(digits[..before], plus, defaultCountry).Ok
                    && Classify(digits[before..], plus: false, defaultCountry).Ok)
                {
                    return true;
                }

                before++;
                gap = false;
            }
            else if (c is ' ' or '\t' or '\u00A0' or '\u3000')
            {
                gap = before > 0;
            }
        }

        return false;
    }

    /// <summary>
    /// "1.38001E+10" (or "1,38001E+10"): a spreadsheet showed the number in scientific notation and saved it so;
    /// the digits after the fifth or so are gone, so nothing can be dialled from it.
    /// </summary>
    private static bool IsScientific(ReadOnlySpan<char> raw)
    {
        var i = 0;
        var mantissa = 0;
        while (i < raw.Length && char.IsAsciiDigit(raw[i]))
        {
            i++;
            mantissa++;
        }

        if (mantissa == 0)
        {
            return false;
        }

        if (i < raw.Length && raw[i] is '.' or ',')
        {
            i++;
            while (i < raw.Length && char.IsAsciiDigit(raw[i]))
            {
                i++;
            }
        }

        if (i == raw.Length || raw[i] is not ('e' or 'E'))
        {
            return false;
        }

        i++;
        if (i < raw.Length && raw[i] is '+' or '-')
        {
            i++;
        }

        var exponent = i;
        while (i < raw.Length && char.IsAsciiDigit(raw[i]))
        {
            i++;
        }

        return i == raw.Length && i > exponent;
    }

    private static PhoneResult Scientific(ReadOnlySpan<char> raw) => Scientific(raw.Length <= 40 ? raw.ToString() : string.Concat(raw[..40], "…"));

    private static PhoneResult Scientific(string raw) => PhoneResult.Invalid(
        $"'{raw}' is a number in scientific notation: the spreadsheet rounded it and its last digits are lost; format the column as text and export the list again",
        $"“{raw}”是科学计数法的数字：表格软件已将其四舍五入，后几位数字已丢失；请把该列设为文本格式后重新导出");

    private static readonly PhoneResult TwoNumbersResult = PhoneResult.Invalid(
        "two phone numbers in one cell: put each number in a row of its own", "一个单元格中有两个号码：请每行只放一个号码");

    private static PhoneResult Unexpected(char c) => char.IsControl(c)
        ? PhoneResult.Invalid($"unexpected control character U+{(int)c:X4}", $"意外的控制字符 U+{(int)c:X4}")
        : PhoneResult.Invalid($"unexpected character '{c}'", $"意外的字符“{c}”");

    private static PhoneResult Classify(ReadOnlySpan<char> digits, bool plus, string? defaultCountry)
    {
        if (plus)
        {
            return International(digits);
        }

        if (digits.StartsWith("00"))
        {
            return International(digits[2..]);
        }

        var country = string.IsNullOrWhiteSpace(defaultCountry) ? "CN" : defaultCountry.Trim();
        if (digits.StartsWith("011") && NanpCountries.Contains(country))
        {
            return International(digits[3..]);
        }

        if (country.Equals("CN", StringComparison.OrdinalIgnoreCase))
        {
            // No Chinese national number starts with 86, 852 or 853 (no such area codes): they are the country
            // codes of China, Hong Kong and Macau written without + or 00. 886 is also an area code (Nujiang,
            // 7 digits): only 11 or 12 digits are Taiwan (+886 and 8 or 9 digits).
            if (digits.StartsWith("86") && digits.Length > 10)
            {
                return China.Normalize(digits[2..], international: true);
            }

            if (((digits.StartsWith("852") || digits.StartsWith("853")) && digits.Length == 11)
                || (digits.StartsWith("886") && digits.Length is 11 or 12))
            {
                return OtherCountries.Normalize(digits, international: true, region: null);
            }

            return China.Normalize(digits, international: false);
        }

        if (NanpCountries.Contains(country))
        {
            return Nanp.Normalize(digits, international: false);
        }

        return OtherCountries.IsKnownRegion(country)
            ? OtherCountries.Normalize(digits, international: false, country)
            : PhoneResult.Invalid($"unknown default country '{country}' for a number without country code", $"号码没有国家代码，且默认国家“{country}”未知");
    }

    /// <summary>
    /// The IANA time zone of an E.164 number: the NANP area code's, China's, else libphonenumber's when it
    /// knows exactly one for the number (one-zone countries, and the parts of several-zone countries that it
    /// can tell apart); null when the campaign's zone should be used.
    /// </summary>
    public static string? TimeZoneFor(string? e164)
    {
        if (e164 is null || e164.Length < 3 || e164[0] != '+')
        {
            return null;
        }

        var digits = e164.AsSpan(1);
        if (digits[0] == '1')
        {
            return digits.Length == 11 && int.TryParse(digits.Slice(1, 3), out var npa) ? NanpAreaCodes.ZoneOf(npa) : null;
        }

        if (digits.StartsWith("86"))
        {
            return China.TimeZone;
        }

        return OtherCountries.TimeZoneFor(e164);
    }

    private static PhoneResult International(ReadOnlySpan<char> digits)
    {
        if (digits.IsEmpty)
        {
            return PhoneResult.Invalid("no digits after the international prefix", "国际前缀后没有数字");
        }

        if (digits[0] == '0')
        {
            return PhoneResult.Invalid("country codes do not start with 0", "国家代码不以 0 开头");
        }

        if (digits[0] == '1')
        {
            return Nanp.Normalize(digits[1..], international: true);
        }

        if (digits.StartsWith("86"))
        {
            return China.Normalize(digits[2..], international: true);
        }

        return digits.Length > MaxE164Digits
            ? PhoneResult.Invalid($"E.164 numbers have at most {MaxE164Digits} digits, not {digits.Length}", $"E.164 号码最多 {MaxE164Digits} 位，而不是 {digits.Length} 位")
            : OtherCountries.Normalize(digits, international: true, region: null);
    }

    /// <summary>
    /// Without what spreadsheets and lists put around a number: surrounding whitespace, a trailing CR or LF,
    /// a leading apostrophe (Excel's mark for text) and a label such as "Tel:" or "电话：".
    /// </summary>
    private static ReadOnlySpan<char> Clean(ReadOnlySpan<char> raw)
    {
        raw = raw.Trim();
        if (raw.IsEmpty)
        {
            return raw;
        }

        if (raw[0] is '\'' or '\u2018' or '\u2019')
        {
            raw = raw[1..].TrimStart();
        }

        if (!raw.IsEmpty && !char.IsAsciiDigit(raw[0]) && raw[0] is not ('+' or '(' or '\uFF0B' or '\uFF08') && !(raw[0] is >= '\uFF10' and <= '\uFF19'))
        {
            foreach (var label in Labels)
            {
                if (raw.StartsWith(label, StringComparison.OrdinalIgnoreCase))
                {
                    var rest = raw[label.Length..].TrimStart();
                    if (!rest.IsEmpty && rest[0] is ':' or '：' or '.')
                    {
                        rest = rest[1..].TrimStart();
                    }

                    if (!rest.IsEmpty && (char.IsAsciiDigit(rest[0]) || rest[0] is '+' or '(' or '\uFF0B' or '\uFF08' or (>= '\uFF10' and <= '\uFF19')))
                    {
                        return rest;
                    }
                }
            }
        }

        return raw;
    }

    /// <summary>An extension marker at the start of <paramref name="s"/>: x, ext, 转, 分机 (and # or e after digits).</summary>
    private static bool IsExtension(ReadOnlySpan<char> s) =>
        s[0] is 'x' or 'X' or '#' or '转' or '轉'
        || s.StartsWith("ext", StringComparison.OrdinalIgnoreCase)
        || s.StartsWith("分机", StringComparison.Ordinal)
        || s[0] is 'e' or 'E';

    private static int DigitsIn(ReadOnlySpan<char> s)
    {
        var count = 0;
        foreach (var c in s)
        {
            if (c is >= '0' and <= '9' or >= '\uFF10' and <= '\uFF19')
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsSeparator(char c) => c is '-' or '.' or '(' or ')'
        or '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\uFF0D' or '\uFF08' or '\uFF09' or '\u200B' or '\uFEFF';
}
