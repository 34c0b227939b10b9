using System.Collections.Concurrent;

namespace Dialer.Db.Imports;

/// <summary>IANA time zone ids, checked once each and remembered (a list repeats a handful of zones).</summary>
public static class TimeZones
{
    /// <summary>Each id seen, with the IANA id it stands for (null when it is none).</summary>
    private static readonly ConcurrentDictionary<string, string?> Known = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string?>.AlternateLookup<ReadOnlySpan<char>> KnownBySpan =
        Known.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The machine's IANA ids by their name in any case ("asia/shanghai" is Asia/Shanghai).</summary>
    private static readonly Lazy<Dictionary<string, string>> ByAnyCase = new(() =>
    {
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var zone in TimeZoneInfo.GetSystemTimeZones())
        {
            if (zone.HasIanaId)
            {
                ids.TryAdd(zone.Id, zone.Id);
            }
        }

        return ids;
    });

    /// <summary>True for an IANA id this machine knows, written in its proper case (Windows ids such as "China Standard Time" are not IANA).</summary>
    public static bool IsIana(string? id) => id is not null && Lookup(id) == id;

    /// <summary>
    /// The IANA id as a shared string when <paramref name="id"/> is one, in its proper case when written in another
    /// ("asia/shanghai" answers Asia/Shanghai); else null.
    /// </summary>
    public static string? Lookup(ReadOnlySpan<char> id)
    {
        if (KnownBySpan.TryGetValue(id, out _, out var known))
        {
            return known;
        }

        var text = id.ToString();
        var found = IsExactIana(text) ? text
            : text.Length is > 0 and < 64 && ByAnyCase.Value.TryGetValue(text, out var proper) && IsExactIana(proper) ? proper
            : null;
        if (Known.Count < 10_000)
        {
            Known.TryAdd(text, found);
        }

        return found;
    }

    private static bool IsExactIana(string text) =>
        text.Length is > 0 and < 64
        && TimeZoneInfo.TryFindSystemTimeZoneById(text, out var zone)
        && zone.HasIanaId
        && (zone.Id == text || TimeZoneInfo.TryConvertIanaIdToWindowsId(text, out _));
}
