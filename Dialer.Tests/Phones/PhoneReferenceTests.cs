extern alias libphonenumber;

using System.Globalization;
using Dialer.Db.Phones;
using Lib = libphonenumber::PhoneNumbers;

namespace Dialer.Tests.Phones;

/// <summary>
/// Our rules for China and North America swept against libphonenumber (the package's numbering metadata):
/// every Chinese mobile block, every area code with every subscriber length and first digit, every NANP area
/// code. A disagreement fails unless it is in the written lists below, each with its reason; so a newer
/// libphonenumber that knows an area code or block we do not fails here until our tables follow.
/// </summary>
public sealed class PhoneReferenceTests
{
    private static readonly Lib.PhoneNumberUtil Util = Lib.PhoneNumberUtil.GetInstance();

    /// <summary>Chinese number ranges where we and libphonenumber 9.0.43 disagree on purpose.</summary>
    private static readonly (string What, Func<string, bool> Matches, bool WeAccept, string Reason)[] ChinaDifferences =
    [
        ("mobile 149", n => n.StartsWith("149", StringComparison.Ordinal) && n.Length == 11, true,
            "149 is an assigned MIIT block (China Telecom); libphonenumber's CN mobile pattern lists 145 and 147 but not 149 (issue 16 keeps it)"),
        ("landline subscriber starting 0", n => Subscriber(n) is ['0', ..], false,
            "libphonenumber accepts e.g. 0571-02345678; a subscriber number never starts with 0, the trunk prefix"),
        ("landline subscriber starting 1", n => Subscriber(n) is ['1', ..], false,
            "libphonenumber accepts e.g. 0519-15672256 and 010-12345678; subscriber numbers never start with 1 (1 starts service codes such as 10x, 11x, 12x)"),
        ("area code + 95/96 local service number", n => Subscriber(n) is ['9', '5' or '6', ..] && Subscriber(n)!.Length is < 7 or > 8, false,
            "libphonenumber accepts 5- to 9-digit local service numbers after an area code (0571-95xxx, 0571-96xxx); they are not subscriber lines and cannot be reached from an outbound trunk as written"),
        ("premium-rate 160/168 + 5 digits", n => n.Length == 8 && (n.StartsWith("160", StringComparison.Ordinal) || n.StartsWith("168", StringComparison.Ordinal)), false,
            "libphonenumber's CN premium-rate range (information services); an outbound campaign does not call paid information lines"),
        ("950 + 7 or 8 digits", n => n.StartsWith("950", StringComparison.Ordinal) && n.Length is 10 or 11, false,
            "libphonenumber's CN shared-cost range of companies' national service numbers; like the 95xxx short codes they answer calls, they are not customers to call"),
    ];

    /// <summary>NANP area codes where our table and libphonenumber 9.0.43 disagree on purpose.</summary>
    private static readonly Dictionary<int, string> NanpDifferences = new()
    {
        [387] = "Ontario overlay (613/343/753) in the Canadian area code lists (CNAC); not in libphonenumber 9.0.43",
        [436] = "Ohio overlay for 440 (NANPA planning letter PL-610, reported missing from libphonenumber in 2026); not in libphonenumber 9.0.43",
        [624] = "New York overlay for 716, assigned in NANPA's NPA database; not in libphonenumber 9.0.43",
        [861] = "Illinois overlay for 815/779, in service since 24 February 2023 (reported missing from libphonenumber); not in libphonenumber 9.0.43",
        [457] = "in our table before issue 16 as an assigned overlay; not in libphonenumber 9.0.43 and not verified here against NANPA (no network): check when libphonenumber is updated",
        [679] = "Michigan overlay for 313 in our table before issue 16; not in libphonenumber 9.0.43 and not verified here against NANPA (no network)",
        [837] = "California overlay for 559 in our table before issue 16; not in libphonenumber 9.0.43 and not verified here against NANPA (no network)",
        [924] = "Minnesota overlay for 507 in our table before issue 16; not in libphonenumber 9.0.43 and not verified here against NANPA (no network)",
    };

    /// <summary>NANP area codes whose zone we keep against libphonenumber's single zone (issue 16).</summary>
    private static readonly Dictionary<int, string> NanpZoneDifferences = new()
    {
        [219] = "northwest Indiana (Gary, Hammond) keeps Chicago time; libphonenumber says New_York",
        [270] = "western Kentucky is mostly on Central time; libphonenumber says New_York",
        [364] = "overlay of 270, western Kentucky, Central time; libphonenumber says New_York",
        [423] = "east Tennessee (Chattanooga, Johnson City) is on Eastern time; libphonenumber says Chicago",
        [474] = "Saskatchewan overlay: Regina time, no daylight saving; libphonenumber says Winnipeg, which changes its clocks",
        [448] = "overlay of 850 (Florida panhandle, mostly Central: Pensacola, Panama City): we give it 850's zone; libphonenumber says New_York",
        [689] = "Orlando overlay of 407/321, Eastern time; libphonenumber says Chicago",
        [867] = "Yukon, Northwest Territories and Nunavut span four zones: we give none (the campaign's); libphonenumber says Fort_Nelson",
    };

    [Fact]
    public void EveryChineseMobileBlockAgreesWithLibphonenumberOrIsAKnownDifference()
    {
        var numbers = Enumerable.Range(1000, 1000).Select(b => b.ToString(CultureInfo.InvariantCulture) + "1234567")
            .Concat(Enumerable.Range(17400, 10).Select(b => b.ToString(CultureInfo.InvariantCulture) + "123456"));
        AssertChinaAgrees(numbers, minimumChecked: 1000);
    }

    [Fact]
    public void EveryChineseAreaCodeAndSubscriberLengthAgreesWithLibphonenumberOrIsAKnownDifference()
    {
        var areas = Enumerable.Range(10, 20).Concat(Enumerable.Range(300, 700)).Select(a => a.ToString(CultureInfo.InvariantCulture));
        var numbers = from area in areas
                      from length in new[] { 5, 6, 7, 8, 9 }
                      from first in "0123456789"
                      select area + first + "23456789".Substring(0, length - 1);
        AssertChinaAgrees(numbers, minimumChecked: 30_000);

        foreach (var service in new[] { "4008123456", "8008108888" })
        {
            Assert.True(PhoneNumbers.Normalize("+86" + service, "CN").Ok, service);
            Assert.True(Util.IsValidNumber(Util.Parse("+86" + service, null)), service);
        }
    }

    [Fact]
    public void OurChineseAreaCodeTableIsLibphonenumbersOwn()
    {
        // The table was built from the library's CN fixed-line pattern; a newer library that adds, drops or
        // re-lengths an area code fails here (only subscribers starting 2–8, outside every known difference).
        var ours = China.AllAreaCodes.ToDictionary(a => a.Area, a => a.Lengths);
        var disagreements = new List<string>();
        foreach (var area in Enumerable.Range(10, 20).Concat(Enumerable.Range(300, 700)).Select(a => a.ToString(CultureInfo.InvariantCulture)))
        {
            var lib = new[] { 7, 8 }.Where(l => "2345678".Any(first => IsFixedLine("+86" + area + first + "234567890"[..(l - 1)]))).ToArray();
            var mine = ours.GetValueOrDefault(area) ?? [];
            if (!lib.SequenceEqual(mine))
            {
                disagreements.Add($"0{area}: ours {string.Join("/", mine)}, libphonenumber {string.Join("/", lib)}");
            }
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.Equal(8, ours["571"].Single());
        Assert.Equal(7, ours["335"].Single());
        Assert.False(ours.ContainsKey("26"));
        Assert.False(ours.ContainsKey("331"));
    }

    [Fact]
    public void EveryNanpAreaCodeAgreesWithLibphonenumberOrIsAKnownDifference()
    {
        var disagreements = new List<string>();
        var used = new HashSet<int>();
        for (var npa = 200; npa < 1000; npa++)
        {
            var ours = PhoneNumbers.Normalize($"+1{npa}2345678", "US").Ok;
            var lib = LibKnowsAreaCode(npa);
            if (ours == lib)
            {
                continue;
            }

            if (ours && NanpDifferences.ContainsKey(npa))
            {
                used.Add(npa);
                continue;
            }

            disagreements.Add(ours
                ? $"{npa}: in our table, not in libphonenumber (remove it, or list it with its reason)"
                : $"{npa}: libphonenumber has it, our table does not: the table is older than libphonenumber's data");
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.True(used.SetEquals(NanpDifferences.Keys), "known differences no longer needed: " + string.Join(", ", NanpDifferences.Keys.Except(used)));
    }

    [Fact]
    public void NanpZonesAgreeWithLibphonenumberOrAreKnownDifferences()
    {
        var mapper = Lib.PhoneNumberToTimeZonesMapper.GetInstance();
        var disagreements = new List<string>();
        foreach (var npa in NanpAreaCodes.All)
        {
            var number = FirstValid(npa);
            if (number is null)
            {
                continue;
            }

            var zones = mapper.GetTimeZonesForNumber(number);
            var ours = NanpAreaCodes.ZoneOf(npa);
            if (zones.Count != 1 || zones[0] == ours || NanpZoneDifferences.ContainsKey(npa))
            {
                continue;
            }

            // America/Detroit and America/New_York, Halifax and Moncton: other names, the same clocks.
            if (ours is null || !SameClocks(ours, zones[0]))
            {
                disagreements.Add($"{npa}: ours {ours ?? "none"}, libphonenumber {zones[0]}");
            }
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    [Fact]
    public void Exchanges555AndN11AreOursAloneToReject()
    {
        // libphonenumber's NANP patterns take any exchange [2-9]XX; ours refuse 555 and N11 on purpose.
        foreach (var raw in new[] { "+12125551234", "+12124111234", "+12129111234" })
        {
            Assert.True(IsValid(raw), raw);
            Assert.False(PhoneNumbers.Normalize(raw, "US").Ok, raw);
        }
    }

    private static void AssertChinaAgrees(IEnumerable<string> nationals, int minimumChecked)
    {
        var disagreements = new List<string>();
        var checkedCount = 0;
        foreach (var national in nationals)
        {
            checkedCount++;
            var ours = PhoneNumbers.Normalize("+86" + national, "CN").Ok;
            var lib = IsValid("+86" + national);
            if (ours == lib)
            {
                continue;
            }

            var known = ChinaDifferences.FirstOrDefault(d => d.Matches(national) && d.WeAccept == ours);
            if (known.What is null)
            {
                disagreements.Add($"+86 {national}: ours {(ours ? "valid" : "invalid")}, libphonenumber {(lib ? "valid" : "invalid")}");
            }
        }

        Assert.True(checkedCount >= minimumChecked);
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreements:\n" + string.Join("\n", disagreements.Take(60)));
    }

    /// <summary>The subscriber part of a landline (after its area code), or null when the area code is not ours.</summary>
    private static string? Subscriber(string national)
    {
        var areas = China.AllAreaCodes.Select(a => a.Area);
        var area = areas.FirstOrDefault(a => national.StartsWith(a, StringComparison.Ordinal) && (a.Length == 2 || national[0] >= '3'));
        return area is null ? null : national[area.Length..];
    }

    private static bool IsValid(string e164) => Util.IsValidNumber(Util.Parse(e164, null));

    private static bool IsFixedLine(string e164)
    {
        var number = Util.Parse(e164, null);
        return Util.IsValidNumber(number) && Util.GetNumberType(number) is Lib.PhoneNumberType.FIXED_LINE or Lib.PhoneNumberType.FIXED_LINE_OR_MOBILE;
    }

    private static bool LibKnowsAreaCode(int npa) => FirstValid(npa) is not null;

    private static Lib.PhoneNumber? FirstValid(int npa)
    {
        for (var exchange = 200; exchange < 1000; exchange++)
        {
            var number = new Lib.PhoneNumber.Builder().SetCountryCode(1).SetNationalNumber((ulong)((npa * 10_000_000L) + (exchange * 10_000L) + 5678)).Build();
            if (Util.IsValidNumber(number))
            {
                return number;
            }
        }

        return null;
    }

    /// <summary>True when two zones show the same time every day of 2026 and 2027 (the years this table serves).</summary>
    private static bool SameClocks(string a, string b)
    {
        var za = TimeZoneInfo.FindSystemTimeZoneById(a);
        var zb = TimeZoneInfo.FindSystemTimeZoneById(b);
        for (var day = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc); day.Year < 2028; day = day.AddHours(6))
        {
            if (za.GetUtcOffset(day) != zb.GetUtcOffset(day))
            {
                return false;
            }
        }

        return true;
    }
}
