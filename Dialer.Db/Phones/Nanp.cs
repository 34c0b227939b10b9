namespace Dialer.Db.Phones;

/// <summary>
/// North American Numbering Plan (+1): NPA-NXX-XXXX. Area code (NPA) [2-9][0-8]X, not N11, not the
/// reserved 37X and 96X; exchange (NXX) [2-9]XX, not N11; 555 is not a subscriber exchange (555-01XX is
/// reserved for fiction). Nationally a leading 1 may precede the 10 digits.
/// </summary>
internal static class Nanp
{
    public static PhoneResult Normalize(ReadOnlySpan<char> d, bool international)
    {
        if (!international && d.Length == 11 && d[0] == '1')
        {
            d = d[1..];
        }

        if (d.Length != 10)
        {
            return PhoneResult.Invalid($"North American numbers have 10 digits (area code, exchange, line), not {d.Length}", $"北美号码为 10 位（区号、局号、线号），而不是 {d.Length} 位");
        }

        if (d[0] < '2')
        {
            return PhoneResult.Invalid($"North American area codes start with 2–9, not {d[0]}", $"北美区号以 2–9 开头，而不是 {d[0]}");
        }

        if (d[1] == '1' && d[2] == '1')
        {
            return PhoneResult.Invalid($"{d[..3]} is a service code (N11), not an area code", $"{d[..3]} 是服务代码（N11），不是区号");
        }

        if (d[1] == '9')
        {
            return PhoneResult.Invalid($"area code {d[..3]} is reserved for expansion (N9X)", $"区号 {d[..3]} 为扩展保留（N9X）");
        }

        if (d.StartsWith("37") || d.StartsWith("96"))
        {
            return PhoneResult.Invalid($"area code {d[..3]} is reserved (37X and 96X)", $"区号 {d[..3]} 为保留区号（37X 和 96X）");
        }

        if (d[3] < '2')
        {
            return PhoneResult.Invalid($"North American exchanges start with 2–9, not {d[3]}", $"北美局号以 2–9 开头，而不是 {d[3]}");
        }

        if (d[4] == '1' && d[5] == '1')
        {
            return PhoneResult.Invalid($"exchange {d.Slice(3, 3)} is a service code (N11)", $"局号 {d.Slice(3, 3)} 是服务代码（N11）");
        }

        if (d.Slice(3, 3).SequenceEqual("555"))
        {
            return d.Slice(6, 2).SequenceEqual("01")
                ? PhoneResult.Invalid("555-01XX numbers are reserved for fiction", "555-01XX 号码保留给影视作品使用")
                : PhoneResult.Invalid("the 555 exchange is not assigned to subscribers", "555 局号未分配给用户");
        }

        var npa = ((d[0] - '0') * 100) + ((d[1] - '0') * 10) + (d[2] - '0');
        if (!NanpAreaCodes.InService(npa))
        {
            return PhoneResult.Invalid($"area code {npa} is not in service", $"区号 {npa} 未启用");
        }

        return PhoneResult.Valid(string.Concat("+1", d), NanpAreaCodes.CountryOf(npa)!, KindOf(npa));
    }

    private static string KindOf(int npa) => npa switch
    {
        800 or 833 or 844 or 855 or 866 or 877 or 888 => PhoneKinds.TollFree,
        900 => PhoneKinds.PremiumRate,
        (>= 500 and < 600) or 600 or 622 or 633 => PhoneKinds.PersonalNumber,
        _ => PhoneKinds.FixedLineOrMobile,
    };
}
