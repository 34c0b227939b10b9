namespace Dialer.Db.Phones;

/// <summary>
/// Chinese numbers (+86). Mobiles: 11 digits, 1[3-9] and 9 more. Landlines: trunk 0 nationally, then an
/// area code (2 digits for 10 and 2x, whose subscriber numbers have 8 digits; 3 digits elsewhere, with 7 or
/// 8 digit subscriber numbers that start with 2–9).
/// </summary>
internal static class China
{
    public const string TimeZone = "Asia/Shanghai";

    /// <summary>First two digits of the 3-digit area codes that are assigned (0311…0999 without the gaps).</summary>
    private static readonly bool[] ThreeDigitAreaPrefixes = Prefixes(
        31, 33, 34, 35, 37, 39, 41, 42, 43, 45, 46, 47, 48, 51, 52, 53, 54, 55, 56, 57, 58, 59, 63, 66, 69,
        70, 71, 72, 73, 74, 75, 76, 77, 79, 81, 82, 83, 85, 87, 88, 89, 90, 91, 93, 94, 95, 97, 99);

    /// <param name="digits">The number after +86 (international) or as written nationally.</param>
    public static PhoneResult Normalize(ReadOnlySpan<char> digits, bool international)
    {
        if (digits.IsEmpty)
        {
            return PhoneResult.Invalid("no digits after the country code +86");
        }

        if (digits[0] == '0')
        {
            // Nationally the trunk 0 starts a landline; "0" before a mobile is a habit from calling other
            // cities; after +86 the 0 is a slip. All three mean the same number without the 0.
            digits = digits[1..];
            if (digits.IsEmpty)
            {
                return PhoneResult.Invalid("no digits after the trunk prefix 0");
            }

            return digits[0] == '1' && !digits.StartsWith("10")
                ? Mobile(digits)
                : Landline(digits);
        }

        if (digits[0] == '1' && !(international && digits.StartsWith("10")))
        {
            return Mobile(digits);
        }

        if (international)
        {
            return Landline(digits);
        }

        return digits.Length <= 8
            ? PhoneResult.Invalid("Chinese landline numbers need the area code (0 + area code + number)")
            : PhoneResult.Invalid("not a Chinese mobile (11 digits starting 13–19) or landline (0 + area code + number)");
    }

    private static PhoneResult Mobile(ReadOnlySpan<char> d)
    {
        if (d.Length != 11)
        {
            return PhoneResult.Invalid($"Chinese mobile numbers have 11 digits, not {d.Length}");
        }

        if (d[1] < '3')
        {
            return PhoneResult.Invalid($"Chinese mobile numbers start 13–19, not 1{d[1]}");
        }

        return PhoneResult.Valid(string.Concat("+86", d), "CN");
    }

    /// <param name="d">Area code and subscriber number, without the trunk 0.</param>
    private static PhoneResult Landline(ReadOnlySpan<char> d)
    {
        int areaLength;
        if (d.StartsWith("10") || d[0] == '2')
        {
            areaLength = 2;
        }
        else if (d[0] >= '3' && d.Length >= 3 && ThreeDigitAreaPrefixes[((d[0] - '0') * 10) + (d[1] - '0')])
        {
            areaLength = 3;
        }
        else
        {
            return PhoneResult.Invalid($"unknown Chinese area code 0{d[..Math.Min(3, d.Length)]}");
        }

        var subscriber = d[areaLength..];
        var area = d[..areaLength];
        if (areaLength == 2 && subscriber.Length != 8)
        {
            return PhoneResult.Invalid($"landline numbers in area 0{area} have 8 digits after the area code, not {subscriber.Length}");
        }

        if (subscriber.Length is < 7 or > 8)
        {
            return PhoneResult.Invalid($"landline numbers in area 0{area} have 7 or 8 digits after the area code, not {subscriber.Length}");
        }

        if (subscriber[0] is '0' or '1')
        {
            return PhoneResult.Invalid($"landline subscriber numbers start with 2–9, not {subscriber[0]}");
        }

        return PhoneResult.Valid(string.Concat("+86", d), "CN");
    }

    private static bool[] Prefixes(params int[] prefixes)
    {
        var table = new bool[100];
        foreach (var p in prefixes)
        {
            table[p] = true;
        }

        return table;
    }
}
