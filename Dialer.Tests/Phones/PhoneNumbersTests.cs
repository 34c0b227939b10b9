using Dialer.Db.Phones;

namespace Dialer.Tests.Phones;

public sealed class PhoneNumbersTests
{
    [Theory]
    [InlineData("13812345678", "+8613812345678")]
    [InlineData("138 1234 5678", "+8613812345678")]
    [InlineData("138-1234-5678", "+8613812345678")]
    [InlineData("+86 138 1234 5678", "+8613812345678")]
    [InlineData("+86-138-1234-5678", "+8613812345678")]
    [InlineData("0086 13812345678", "+8613812345678")]
    [InlineData("8613812345678", "+8613812345678")]
    [InlineData("013812345678", "+8613812345678")]
    [InlineData("+86 013812345678", "+8613812345678")]
    [InlineData("１３８１２３４５６７８", "+8613812345678")]
    [InlineData("＋８６ １９９ ００００ １１１１", "+8619900001111")]
    [InlineData("(0571) 8888 8888", "+8657188888888")]
    [InlineData("0335-8888888", "+863358888888")]
    [InlineData("0335 3456789", "+863353456789")]
    [InlineData("571-45259816", "+8657145259816")]
    [InlineData("1062345678", "+861062345678")]
    [InlineData("8862345678", "+868862345678")]
    [InlineData("0433-2345678", "+864332345678")]
    [InlineData("0433-23456789", "+8643323456789")]
    [InlineData("010-62345678", "+861062345678")]
    [InlineData("021 6234 5678", "+862162345678")]
    [InlineData("+86 10 6234 5678", "+861062345678")]
    [InlineData("+86 (0)755 2345 6789", "+8675523456789")]
    [InlineData("0086 591 87654321", "+8659187654321")]
    [InlineData("0898-66123456", "+8689866123456")]
    [InlineData("\u00A0 13912345678 \t", "+8613912345678")]
    [InlineData("'13812345678", "+8613812345678")]
    [InlineData("'+86 138 1234 5678", "+8613812345678")]
    [InlineData("Tel: 138-1234-5678", "+8613812345678")]
    [InlineData("tel:+8613812345678", "+8613812345678")]
    [InlineData("TEL.13812345678", "+8613812345678")]
    [InlineData("电话：0571-88888888", "+8657188888888")]
    [InlineData("电话:13812345678", "+8613812345678")]
    [InlineData("手机号：13812345678", "+8613812345678")]
    [InlineData("13812345678\r", "+8613812345678")]
    [InlineData("13812345678\r\n", "+8613812345678")]
    [InlineData("14512345678", "+8614512345678")]
    [InlineData("14712345678", "+8614712345678")]
    [InlineData("14912345678", "+8614912345678")]
    [InlineData("16212345678", "+8616212345678")]
    [InlineData("16101234567", "+8616101234567")]
    [InlineData("17001234567", "+8617001234567")]
    [InlineData("17400123456", "+8617400123456")]
    [InlineData("19212345678", "+8619212345678")]
    [InlineData("400-812-3456", "+864008123456")]
    [InlineData("800 810 8888", "+868008108888")]
    [InlineData("+86 400 812 3456", "+864008123456")]
    public void ChineseNumbersNormalise(string raw, string e164)
    {
        var result = PhoneNumbers.Normalize(raw, "CN");
        Assert.True(result.Ok, result.Reason);
        Assert.Equal(e164, result.E164);
        Assert.Equal("CN", result.Country);
    }

    [Theory]
    [InlineData("1381234567", "11 digits, not 10")]
    [InlineData("138123456789", "11 digits, not 12")]
    [InlineData("12812345678", "start 13–19, not 12")]
    [InlineData("+86 12812345678", "start 13–19")]
    [InlineData("010-6234567", "8 digits after the area code, not 7")]
    [InlineData("021-623456789", "8 digits after the area code, not 9")]
    [InlineData("0571-888888", "area 0571 have 8 digits after the area code, not 6")]
    [InlineData("0571-888888888", "area 0571 have 8 digits after the area code, not 9")]
    [InlineData("0571-8888888", "area 0571 have 8 digits after the area code, not 7")]
    [InlineData("0335-88888888", "area 0335 have 7 digits after the area code, not 8")]
    [InlineData("0433-888888", "area 0433 have 7 or 8 digits after the area code, not 6")]
    [InlineData("0571-18888888", "start with 2–9, not 1")]
    [InlineData("0519-15672256", "start with 2–9, not 1")]
    [InlineData("026-88888888", "026 is not an assigned Chinese area code")]
    [InlineData("0331-8888888", "0331 is not an assigned Chinese area code")]
    [InlineData("14012345678", "140 is a data and IoT block")]
    [InlineData("14412345678", "144 is a data and IoT block")]
    [InlineData("14612345678", "146 is a data and IoT block")]
    [InlineData("14812345678", "148 is a data and IoT block")]
    [InlineData("15412345678", "154 is not an assigned Chinese mobile prefix")]
    [InlineData("16012345678", "160 is not an assigned")]
    [InlineData("16112345678", "161 is not an assigned")]
    [InlineData("16312345678", "163 is not an assigned")]
    [InlineData("16812345678", "168 is not an assigned")]
    [InlineData("16912345678", "169 is not an assigned")]
    [InlineData("17412345678", "1741 is not an assigned")]
    [InlineData("17491234567", "1749 is not an assigned")]
    [InlineData("17912345678", "179 is not an assigned")]
    [InlineData("19412345678", "194 is not an assigned")]
    [InlineData("95588", "95588 is a Chinese short service code")]
    [InlineData("10086", "10086 is a Chinese short service code")]
    [InlineData("12345", "12345 is a Chinese short service code")]
    [InlineData("110", "110 is a Chinese short service code")]
    [InlineData("+86 95588", "95588 is a Chinese short service code")]
    [InlineData("+86 950 1234 5678", "950 numbers are companies' service numbers")]
    [InlineData("16823456", "premium-rate information service")]
    [InlineData("138-1234-5678 x123", "extensions")]
    [InlineData("13812345678转123", "extensions")]
    [InlineData("0571-88888888 ext. 12", "extensions")]
    [InlineData("0571-88888888 分机 12", "extensions")]
    [InlineData("13812345678/13912345678", "two phone numbers in one cell")]
    [InlineData("13812345678, 13912345678", "two phone numbers in one cell")]
    [InlineData("13812345678；13912345678", "two phone numbers in one cell")]
    [InlineData("13812345678、0571-88888888", "two phone numbers in one cell")]
    [InlineData("13812345678 13912345678", "two phone numbers in one cell")]
    [InlineData("+86 138 1234 5678 +86 139 1234 5678", "two phone numbers in one cell")]
    [InlineData("13812345678\n13912345678", "two phone numbers in one cell")]
    [InlineData("13812345678,123", "dialling pauses")]
    [InlineData("0571-08888888", "start with 2–9, not 0")]
    [InlineData("0301-8888888", "0301 is not an assigned Chinese area code")]
    [InlineData("0841-8888888", "0841 is not an assigned Chinese area code")]
    [InlineData("88888888", "need the area code")]
    [InlineData("5718888888", "area 0571 have 8 digits after the area code, not 7")]
    [InlineData("571888888", "not a Chinese mobile")]
    [InlineData("+86", "no digits")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("138abc45678", "unexpected character 'a'")]
    [InlineData("13812345678 ext 12", "extensions")]
    [InlineData("138+12345678", "'+' may only stand at the start")]
    [InlineData("+0 138", "do not start with 0")]
    [InlineData("1381234567812345678901234567", "too many digits")]
    public void BadChineseNumbersAreRejectedWithAReason(string raw, string reasonPart)
    {
        var result = PhoneNumbers.Normalize(raw, "CN");
        Assert.False(result.Ok);
        Assert.Null(result.E164);
        Assert.Contains(reasonPart, result.Reason);
    }

    [Theory]
    [InlineData("(212) 734-1234", "US", "+12127341234", "US")]
    [InlineData("212.734.1234", "US", "+12127341234", "US")]
    [InlineData("1-212-734-1234", "US", "+12127341234", "US")]
    [InlineData("+1 416 736 2100", "CN", "+14167362100", "CA")]
    [InlineData("001 604 822 2211", "CN", "+16048222211", "CA")]
    [InlineData("011 44 20 7946 0958", "US", "+442079460958", "GB")]
    [InlineData("+1 787 722 2121", "US", "+17877222121", "PR")]
    [InlineData("+1 876 922 1234", "US", "+18769221234", "JM")]
    [InlineData("+1 800 642 7676", "US", "+18006427676", "US")]
    [InlineData("+1 212 555 1000", "US", null, null)]
    [InlineData("738 734 1234", "US", "+17387341234", "US")]
    [InlineData("273 734 1234", "CA", "+12737341234", "CA")]
    [InlineData("748 734 1234", "US", "+17487341234", "US")]
    [InlineData("840 734 1234", "US", "+18407341234", "US")]
    [InlineData("700 734 1234", "US", null, null)]
    [InlineData("710 734 1234", "US", null, null)]
    public void NorthAmericanNumbersNormalise(string raw, string country, string? e164, string? expectedCountry)
    {
        var result = PhoneNumbers.Normalize(raw, country);
        Assert.Equal(e164 is not null, result.Ok);
        Assert.Equal(e164, result.E164);
        Assert.Equal(expectedCountry, result.Country);
    }

    [Theory]
    [InlineData("212 555 0123", "reserved for fiction")]
    [InlineData("212 555 1212", "555 exchange")]
    [InlineData("212 411 1234", "exchange 411 is a service code")]
    [InlineData("212 134 1234", "exchanges start with 2–9, not 1")]
    [InlineData("212 034 1234", "exchanges start with 2–9, not 0")]
    [InlineData("112 734 1234", "area codes start with 2–9, not 1")]
    [InlineData("012 734 1234", "area codes start with 2–9, not 0")]
    [InlineData("911 734 1234", "service code (N11)")]
    [InlineData("297 734 1234", "reserved for expansion")]
    [InlineData("375 734 1234", "reserved (37X and 96X)")]
    [InlineData("965 734 1234", "reserved (37X and 96X)")]
    [InlineData("286 734 1234", "area code 286 is not in service")]
    [InlineData("700 734 1234", "area code 700 is not in service")]
    [InlineData("710 734 1234", "area code 710 is not in service")]
    [InlineData("212 734 123", "10 digits")]
    [InlineData("2 212 734 1234", "10 digits")]
    [InlineData("+1 212 734 12345", "10 digits")]
    public void BadNorthAmericanNumbersAreRejectedWithAReason(string raw, string reasonPart)
    {
        var result = PhoneNumbers.Normalize(raw, "US");
        Assert.False(result.Ok);
        Assert.Contains(reasonPart, result.Reason);
    }

    [Theory]
    [InlineData("020 7946 0958", "GB", "+442079460958", "GB")]
    [InlineData("+44 (0)20 7946 0958", "CN", "+442079460958", "GB")]
    [InlineData("07400 123456", "GB", "+447400123456", "GB")]
    [InlineData("030 1234567", "DE", "+49301234567", "DE")]
    [InlineData("+39 06 1234 5678", "CN", "+390612345678", "IT")]
    [InlineData("06 1234 5678", "IT", "+390612345678", "IT")]
    [InlineData("+81 3-1234-5678", "CN", "+81312345678", "JP")]
    [InlineData("+852 2123 4567", "CN", "+85221234567", "HK")]
    [InlineData("+886 2 2345 6789", "CN", "+886223456789", "TW")]
    [InlineData("8 912 345 67 89", "RU", "+79123456789", "RU")]
    [InlineData("+33 1 23 45 67 89", "CN", "+33123456789", "FR")]
    [InlineData("+61 2 9374 4000", "CN", "+61293744000", "AU")]
    [InlineData("04 1234 5678", "AU", "+61412345678", "AU")]
    [InlineData("85221234567", "CN", "+85221234567", "HK")]
    [InlineData("852 9123 4567", "CN", "+85291234567", "HK")]
    [InlineData("85366123456", "CN", "+85366123456", "MO")]
    [InlineData("886 912 345 678", "CN", "+886912345678", "TW")]
    [InlineData("886223456789", "CN", "+886223456789", "TW")]
    public void OtherCountriesNormaliseWithLibphonenumber(string raw, string country, string e164, string expectedCountry)
    {
        var result = PhoneNumbers.Normalize(raw, country);
        Assert.True(result.Ok, result.Reason);
        Assert.Equal(e164, result.E164);
        Assert.Equal(expectedCountry, result.Country);
    }

    [Theory]
    [InlineData("+44 20 7946 09", "CN", "GB (+44) have 7, 9 or 10 digits after the country code, not 8")]
    [InlineData("+852 2123 456", "CN", "2123456 is not in a range assigned in HK (+852)")]
    [InlineData("+999 1234 5678", "CN", "unknown country code (+999…)")]
    [InlineData("+49 123456789012345", "CN", "at most 15 digits")]
    [InlineData("+44 10 7946 0958", "CN", "is not in a range assigned in GB (+44)")]
    [InlineData("+800 1234 5678", "CN", "international services")]
    [InlineData("12345678", "ZZ", "unknown default country 'ZZ'")]
    public void OtherCountriesRejectWhatLibphonenumberRejects(string raw, string country, string reasonPart)
    {
        var result = PhoneNumbers.Normalize(raw, country);
        Assert.False(result.Ok);
        Assert.Contains(reasonPart, result.Reason);
    }

    [Theory]
    [InlineData("+8613812345678", "Asia/Shanghai")]
    [InlineData("+861062345678", "Asia/Shanghai")]
    [InlineData("+12127341234", "America/New_York")]
    [InlineData("+13125550000", "America/Chicago")]
    [InlineData("+13037341234", "America/Denver")]
    [InlineData("+16027341234", "America/Phoenix")]
    [InlineData("+14157341234", "America/Los_Angeles")]
    [InlineData("+19077341234", "America/Anchorage")]
    [InlineData("+18087341234", "Pacific/Honolulu")]
    [InlineData("+13137341234", "America/Detroit")]
    [InlineData("+13177341234", "America/Indiana/Indianapolis")]
    [InlineData("+14167362100", "America/Toronto")]
    [InlineData("+16048222211", "America/Vancouver")]
    [InlineData("+17097341234", "America/St_Johns")]
    [InlineData("+18006427676", null)]
    [InlineData("+442079460958", "Europe/London")]
    [InlineData("+85221234567", "Asia/Hong_Kong")]
    [InlineData("+61293744000", "Australia/Sydney")]
    [InlineData("+61412345678", null)]
    [InlineData("+79123456789", null)]
    [InlineData("+74951234567", "Europe/Moscow")]
    [InlineData("+33123456789", "Europe/Paris")]
    [InlineData("+12197341234", "America/Chicago")]
    [InlineData("+12707341234", "America/Chicago")]
    [InlineData("+13647341234", "America/Chicago")]
    [InlineData("+14237341234", "America/New_York")]
    [InlineData("+14747341234", "America/Regina")]
    [InlineData("+16897341234", "America/New_York")]
    [InlineData("+18677341234", null)]
    [InlineData("not a number", null)]
    public void TimeZoneComesFromTheNumber(string e164, string? zone) =>
        Assert.Equal(zone, PhoneNumbers.TimeZoneFor(e164));

    [Fact]
    public void EveryZoneInTheNanpTableIsAKnownIanaZone()
    {
        foreach (var zone in NanpAreaCodes.All.Select(NanpAreaCodes.ZoneOf).Append("Asia/Shanghai").OfType<string>().Distinct())
        {
            Assert.True(TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _), $"unknown time zone {zone}");
        }
    }

    [Fact]
    public void NanpTableCoversTheLargeAreaCodesAndOnlyValidOnes()
    {
        var all = NanpAreaCodes.All.ToList();
        Assert.True(all.Count > 400, $"only {all.Count} area codes");
        foreach (var npa in new[] { 212, 213, 305, 312, 404, 415, 512, 617, 702, 713, 718, 206, 303, 416, 514, 604, 403, 902 })
        {
            Assert.True(NanpAreaCodes.InService(npa), $"{npa} missing");
        }

        foreach (var npa in all)
        {
            Assert.InRange(npa, 200, 999);
            Assert.False(npa % 100 == 11, $"{npa} is N11");
            Assert.NotEqual(9, npa / 10 % 10);
        }
    }

    [Theory]
    [InlineData("13812345678", "CN", "mobile")]
    [InlineData("0571-88888888", "CN", "fixed_line")]
    [InlineData("4008123456", "CN", "shared_cost")]
    [InlineData("8008108888", "CN", "toll_free")]
    [InlineData("+1 212 734 1234", "CN", "fixed_line_or_mobile")]
    [InlineData("+1 800 642 7676", "CN", "toll_free")]
    [InlineData("+44 7400 123456", "CN", "mobile")]
    [InlineData("+44 20 7946 0958", "CN", "fixed_line")]
    public void NumbersCarryTheirKind(string raw, string country, string kind) =>
        Assert.Equal(kind, PhoneNumbers.Normalize(raw, country).Kind);

    [Fact]
    public void NormalisedNumbersNormaliseToThemselves()
    {
        foreach (var raw in new[] { "13812345678", "0571-88888888", "+1 212 734 1234", "+44 20 7946 0958", "4008123456", "85221234567", "+61 2 9374 4000" })
        {
            var once = PhoneNumbers.Normalize(raw, "CN");
            var twice = PhoneNumbers.Normalize(once.E164, "US");
            Assert.Equal(once, twice);
        }
    }
}
