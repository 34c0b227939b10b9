using System.Globalization;

namespace Dialer.Db.Phones;

/// <summary>
/// Chinese numbers (+86), after the MIIT numbering plan. Mobiles: 11 digits in the assigned blocks only.
/// Landlines: trunk 0 nationally, then an area code from <see cref="AreaCodes"/> and a subscriber number of
/// that area's length, starting 2–9. Service numbers 400 and 800 (10 digits). Short codes (10086, 95588,
/// 12345) are not dialable subscriber numbers.
/// </summary>
internal static class China
{
    public const string TimeZone = "Asia/Shanghai";

    /// <summary>
    /// Area codes (without the trunk 0) by the length of their subscriber numbers. Built from
    /// libphonenumber 9.0.43's CN fixed-line pattern (PhoneNumberMetadata.xml): each area code with the
    /// lengths its pattern takes for subscriber numbers starting 2–8. PhoneReferenceTests checks it against
    /// the library on every run.
    /// </summary>
    internal const string AreaCodes = """
        7: 310 312 313 314 315 316 317 318 319 335 349 350 351 352 353 354 355 356 357 358 359 370 372 373 374
        7: 375 376 391 392 393 394 395 396 398 412 415 416 417 418 419 421 427 429 434 436 437 438 439 452 453
        7: 454 455 456 457 458 459 464 467 468 469 470 471 472 473 474 475 476 477 478 479 482 483 530 533 534
        7: 535 536 537 538 539 543 546 550 552 553 554 555 556 557 558 559 561 562 563 564 566 570 572 578 580
        7: 592 593 594 596 597 598 599 631 632 633 635 660 662 663 668 691 692 701 710 711 712 713 714 715 716
        7: 717 718 719 722 724 728 730 734 735 736 737 738 739 743 744 745 746 750 751 752 753 756 758 759 762
        7: 763 766 768 770 771 772 773 774 775 776 777 778 779 790 792 793 794 795 796 797 798 799 812 813 816
        7: 817 818 825 826 827 830 831 832 833 834 835 836 837 838 839 854 855 856 857 858 859 870 872 873 874
        7: 875 876 877 878 879 883 886 887 888 891 892 893 894 895 896 897 901 902 903 906 908 909 911 912 913
        7: 914 915 916 917 919 930 931 932 933 934 935 936 937 938 939 941 943 951 952 953 954 955 970 971 972
        7: 973 974 975 976 977 978 979 990 991 992 993 994 995 996 997 998 999
        7-8: 433 435 754 851
        8: 10 20 21 22 23 24 25 27 28 29 311 371 377 379 411 431 432 451 510 511 512 513 514 515 516 517 518
        8: 519 523 527 531 532 551 571 573 574 575 576 577 579 591 595 731 755 757 760 769 791 871 898
        """;

    /// <summary>Mobile prefixes (first three digits) in service; 1610 and 17400–17405 are the finer blocks.</summary>
    internal const string MobilePrefixes = """
        130 131 132 133 134 135 136 137 138 139 145 147 149 150 151 152 153 155 156 157 158 159 162 165 166 167
        170 171 172 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 190 191 192 193 195 196 197 198 199
        """;

    private const byte Seven = 1;
    private const byte Eight = 2;

    /// <summary>Subscriber lengths by area code: index 10–29 for the 2-digit codes, 310–999 for the 3-digit ones.</summary>
    private static readonly byte[] Lengths = ReadAreaCodes();
    private static readonly bool[] Mobiles = ReadMobilePrefixes();

    /// <summary>Every area code (without the trunk 0) and the subscriber lengths it takes.</summary>
    public static IEnumerable<(string Area, int[] Lengths)> AllAreaCodes =>
        Enumerable.Range(10, 990).Where(c => Lengths[c] != 0).Select(c => (
            c.ToString(CultureInfo.InvariantCulture),
            new[] { 7, 8 }.Where(l => (Lengths[c] & (l == 7 ? Seven : Eight)) != 0).ToArray()));

    /// <param name="digits">The number after +86 (international) or as written nationally.</param>
    public static PhoneResult Normalize(ReadOnlySpan<char> digits, bool international)
    {
        if (digits.IsEmpty)
        {
            return PhoneResult.Invalid("no digits after the country code +86", "国家代码 +86 后没有数字");
        }

        if (digits[0] == '0')
        {
            // Nationally the trunk 0 starts a landline; "0" before a mobile is a habit from calling other
            // cities; after +86 the 0 is a slip. All three mean the same number without the 0.
            digits = digits[1..];
            if (digits.IsEmpty)
            {
                return PhoneResult.Invalid("no digits after the trunk prefix 0", "长途前缀 0 后没有数字");
            }

            return digits[0] == '1' && !digits.StartsWith("10")
                ? Mobile(digits)
                : Landline(digits);
        }

        if (IsShortCode(digits))
        {
            return PhoneResult.Invalid($"{digits} is a Chinese short service code (emergency, carriers, banks, hotlines), not a number to call from a list", $"{digits} 是国内特服短号（紧急、运营商、银行、热线），不能作为名单号码拨打");
        }

        if (digits.Length == 8 && (digits.StartsWith("160") || digits.StartsWith("168")))
        {
            return PhoneResult.Invalid($"{digits} is a premium-rate information service (160/168), not a number to call", $"{digits} 是声讯信息服务号（160/168），不能拨打");
        }

        if (digits[0] == '1')
        {
            // 10 + 8 digits is Beijing written without the trunk 0; no mobile starts with 10.
            return digits.StartsWith("10") && digits.Length == 10 ? Landline(digits) : Mobile(digits);
        }

        if ((digits.StartsWith("400") || digits.StartsWith("800")) && digits.Length == 10)
        {
            return PhoneResult.Valid(string.Concat("+86", digits), "CN", digits[0] == '4' ? PhoneKinds.SharedCost : PhoneKinds.TollFree);
        }

        if (international || digits.Length is 10 or 11)
        {
            // After +86 the area code comes without its 0; nationally "571-45259816" is the same number.
            return Landline(digits);
        }

        return digits.Length <= 8
            ? PhoneResult.Invalid("Chinese landline numbers need the area code (0 + area code + number)", "国内固话需要加区号（0 + 区号 + 号码）")
            : PhoneResult.Invalid("not a Chinese mobile (11 digits starting 13–19) or landline (0 + area code + number)", "既不是国内手机号（13–19 开头的 11 位）也不是固话（0 + 区号 + 号码）");
    }

    private static byte[] ReadAreaCodes()
    {
        var lengths = new byte[1000];
        foreach (var line in AreaCodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var mask = line[..colon] switch { "7" => Seven, "8" => Eight, _ => (byte)(Seven | Eight) };
            foreach (var code in line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                lengths[int.Parse(code, CultureInfo.InvariantCulture)] = mask;
            }
        }

        return lengths;
    }

    private static bool[] ReadMobilePrefixes()
    {
        var mobiles = new bool[1000];
        foreach (var prefix in MobilePrefixes.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            mobiles[int.Parse(prefix, CultureInfo.InvariantCulture)] = true;
        }

        return mobiles;
    }

    /// <summary>110, 119, 120, 122 (emergency), 112, 114; 5 and 6 digits: 1xxxx (10086, 12345), 95xxx (95588), 96xxx (local).</summary>
    private static bool IsShortCode(ReadOnlySpan<char> d) => d.Length switch
    {
        3 => d is "110" or "112" or "114" or "119" or "120" or "122",
        5 or 6 => d[0] == '1' || d.StartsWith("95") || d.StartsWith("96"),
        _ => false,
    };

    private static PhoneResult Mobile(ReadOnlySpan<char> d)
    {
        if (d.Length != 11)
        {
            return PhoneResult.Invalid($"Chinese mobile numbers have 11 digits, not {d.Length}", $"国内手机号为 11 位，而不是 {d.Length} 位");
        }

        if (d[1] < '3')
        {
            return PhoneResult.Invalid($"Chinese mobile numbers start 13–19, not 1{d[1]}", $"国内手机号以 13–19 开头，而不是 1{d[1]}");
        }

        var prefix = ((d[1] - '0') * 10) + (d[2] - '0') + 100;
        if (!Mobiles[prefix] && !d.StartsWith("1610") && !(d.StartsWith("1740") && d[4] <= '5'))
        {
            var assigned = d[..(d.StartsWith("174") ? 4 : 3)].ToString();
            return prefix is >= 140 and <= 148
                ? PhoneResult.Invalid($"{prefix} is a data and IoT block (machine numbers), not a mobile number to call", $"{prefix} 是数据和物联网号段（机器号码），不是可拨打的手机号")
                : PhoneResult.Invalid($"{assigned} is not an assigned Chinese mobile prefix", $"{assigned} 不是已分配的国内手机号段");
        }

        return PhoneResult.Valid(string.Concat("+86", d), "CN", PhoneKinds.Mobile);
    }

    /// <param name="d">Area code and subscriber number, without the trunk 0.</param>
    private static PhoneResult Landline(ReadOnlySpan<char> d)
    {
        if ((d.StartsWith("400") || d.StartsWith("800")) && d.Length == 10)
        {
            return PhoneResult.Valid(string.Concat("+86", d), "CN", d[0] == '4' ? PhoneKinds.SharedCost : PhoneKinds.TollFree);
        }

        int areaLength;
        byte lengths;
        if (d.Length >= 2 && d[0] is '1' or '2' && (lengths = Lengths[((d[0] - '0') * 10) + (d[1] - '0')]) != 0)
        {
            areaLength = 2;
        }
        else if (d.Length >= 3 && d[0] >= '3' && (lengths = Lengths[((d[0] - '0') * 100) + ((d[1] - '0') * 10) + (d[2] - '0')]) != 0)
        {
            areaLength = 3;
        }
        else if (d.StartsWith("950"))
        {
            return PhoneResult.Invalid($"{d} is not a landline: 950 numbers are companies' service numbers, not numbers to call", $"{d} 不是固话：950 号码是企业服务号，不能拨打");
        }
        else
        {
            var areaCode = d.Length < 3 ? "" : d[..(d[0] is '1' or '2' ? 2 : 3)].ToString();
            return d.Length < 3
                ? PhoneResult.Invalid("Chinese landline numbers need the area code (0 + area code + number)", "国内固话需要加区号（0 + 区号 + 号码）")
                : PhoneResult.Invalid($"0{areaCode} is not an assigned Chinese area code", $"0{areaCode} 不是已分配的国内区号");
        }

        var subscriber = d[areaLength..];
        var area = d[..areaLength];
        var fits = subscriber.Length switch { 7 => (lengths & Seven) != 0, 8 => (lengths & Eight) != 0, _ => false };
        if (!fits)
        {
            var expected = lengths switch { Seven => "7 digits", Eight => "8 digits", _ => "7 or 8 digits" };
            var expectedZh = lengths switch { Seven => "7 位", Eight => "8 位", _ => "7 或 8 位" };
            return PhoneResult.Invalid(
                $"landline numbers in area 0{area} have {expected} after the area code, not {subscriber.Length}",
                $"区号 0{area} 的固话在区号后应有 {expectedZh}，而不是 {subscriber.Length} 位");
        }

        if (subscriber[0] is '0' or '1')
        {
            return PhoneResult.Invalid($"landline subscriber numbers start with 2–9, not {subscriber[0]}", $"固话号码以 2–9 开头，而不是 {subscriber[0]}");
        }

        return PhoneResult.Valid(string.Concat("+86", d), "CN", PhoneKinds.FixedLine);
    }
}
