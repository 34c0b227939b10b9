extern alias libphonenumber;

using System.Collections.Frozen;
using System.Globalization;
using libphonenumber::PhoneNumbers;

namespace Dialer.Db.Phones;

/// <summary>
/// Numbers of every country but China and North America, checked by libphonenumber (Google's numbering
/// metadata): validity, E.164, number type, and the time zone when the library knows exactly one. About
/// 30 times slower than our own rules, so China and North America never come here.
/// </summary>
internal static class OtherCountries
{
    private const string UnknownZone = "Etc/Unknown";

    /// <summary>libphonenumber's region of +800, +808, +870, +881–+883, +888, +979 (international services).</summary>
    private const string NonGeographic = "001";

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper Zones = PhoneNumberToTimeZonesMapper.GetInstance();
    private static readonly FrozenSet<string> Regions = Util.GetSupportedRegions().ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Country calling codes the library knows, by value (1–999): an unknown one is answered without its exception.</summary>
    private static readonly bool[] CallingCodes = KnownCallingCodes();

    /// <summary>True for an ISO 3166 region that libphonenumber has numbering metadata for.</summary>
    public static bool IsKnownRegion(string country) => Regions.Contains(country);

    /// <param name="digits">After the international prefix (country code first), or as written nationally in <paramref name="region"/>.</param>
    public static PhoneResult Normalize(ReadOnlySpan<char> digits, bool international, string? region)
    {
        if (international && !StartsWithKnownCallingCode(digits))
        {
            return UnknownCountryCode(digits);
        }

        PhoneNumber number;
        try
        {
            number = international ? Util.Parse(string.Concat("+", digits), null) : Util.Parse(digits.ToString(), region!.ToUpperInvariant());
        }
        catch (NumberParseException e)
        {
            return e.ErrorType switch
            {
                ErrorType.INVALID_COUNTRY_CODE when international => UnknownCountryCode(digits),
                ErrorType.INVALID_COUNTRY_CODE => PhoneResult.Invalid(
                    $"unknown default country '{region}' for a number without country code", $"号码没有国家代码，且默认国家“{region}”未知"),
                ErrorType.TOO_SHORT_NSN or ErrorType.TOO_SHORT_AFTER_IDD => PhoneResult.Invalid("too few digits for a phone number", "号码位数太少"),
                ErrorType.TOO_LONG => PhoneResult.Invalid("too many digits for a phone number", "号码位数太多"),
                _ => PhoneResult.Invalid("not a phone number", "不是电话号码"),
            };
        }

        var code = number.CountryCode;
        var country = Util.GetRegionCodeForCountryCode(code);
        if (country == NonGeographic)
        {
            return PhoneResult.Invalid($"+{code} numbers are international services (no country), not supported", $"+{code} 号码是国际服务号（不属于任何国家），不支持");
        }

        if (!Util.IsValidNumber(number))
        {
            return WhyInvalid(number, country);
        }

        var kind = Util.GetNumberType(number);
        return PhoneResult.Valid(
            Util.Format(number, PhoneNumberFormat.E164),
            Util.GetRegionCodeForNumber(number) ?? country,
            kind.ToString().ToLowerInvariant());
    }

    /// <summary>The number's IANA zone when libphonenumber knows exactly one for it, else null.</summary>
    public static string? TimeZoneFor(string e164)
    {
        PhoneNumber number;
        try
        {
            number = Util.Parse(e164, null);
        }
        catch (NumberParseException)
        {
            return null;
        }

        var zones = Zones.GetTimeZonesForNumber(number);
        return zones.Count == 1 && zones[0] != UnknownZone ? zones[0] : null;
    }

    private static bool StartsWithKnownCallingCode(ReadOnlySpan<char> digits)
    {
        var code = 0;
        for (var i = 0; i < 3 && i < digits.Length; i++)
        {
            code = (code * 10) + (digits[i] - '0');
            if (CallingCodes[code])
            {
                return true;
            }
        }

        return false;
    }

    private static bool[] KnownCallingCodes()
    {
        var known = new bool[1000];
        foreach (var code in Util.GetSupportedCallingCodes())
        {
            known[code] = true;
        }

        return known;
    }

    private static PhoneResult UnknownCountryCode(ReadOnlySpan<char> digits)
    {
        var start = digits[..Math.Min(3, digits.Length)].ToString();
        return PhoneResult.Invalid($"unknown country code (+{start}…)", $"未知的国家代码（+{start}…）");
    }

    private static PhoneResult WhyInvalid(PhoneNumber number, string country)
    {
        var nsn = Util.GetNationalSignificantNumber(number);
        var code = number.CountryCode.ToString(CultureInfo.InvariantCulture);
        var where = $"{country} (+{code})";
        switch (Util.IsPossibleNumberWithReason(number))
        {
            case PhoneNumberUtil.ValidationResult.TOO_SHORT:
            case PhoneNumberUtil.ValidationResult.TOO_LONG:
            case PhoneNumberUtil.ValidationResult.INVALID_LENGTH:
            case PhoneNumberUtil.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
                var lengths = Util.GetMetadataForRegion(country)?.GeneralDesc.PossibleLengthList ?? new List<int>();
                return PhoneResult.Invalid(
                    $"numbers in {where} have {Lengths(lengths)} digits after the country code, not {nsn.Length}",
                    $"{where} 的号码在国家代码后应有 {Lengths(lengths).Replace(" or ", " 或 ", StringComparison.Ordinal).Replace("other", "其他", StringComparison.Ordinal)} 位，而不是 {nsn.Length} 位");
            default:
                return PhoneResult.Invalid($"{nsn} is not in a range assigned in {where} (libphonenumber)", $"{nsn} 不在 {where} 已分配的号段内（libphonenumber）");
        }
    }

    private static string Lengths(IList<int> lengths)
    {
        if (lengths.Count == 0)
        {
            return "other";
        }

        var sorted = lengths.Order().ToList();
        var contiguous = sorted[^1] - sorted[0] == sorted.Count - 1;
        return sorted.Count == 1 ? $"{sorted[0]}"
            : contiguous ? $"{sorted[0]}–{sorted[^1]}"
            : string.Join(", ", sorted.Take(sorted.Count - 1)) + $" or {sorted[^1]}";
    }
}
