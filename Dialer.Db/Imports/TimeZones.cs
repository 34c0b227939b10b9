using System.Collections.Concurrent;

namespace Dialer.Db.Imports;

/// <summary>IANA time zone ids, checked once each and remembered (a list repeats a handful of zones).</summary>
public static class TimeZones
{
    private static readonly ConcurrentDictionary<string, bool> Known = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, bool>.AlternateLookup<ReadOnlySpan<char>> KnownBySpan =
        Known.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>True for an IANA id this machine knows (Windows ids such as "China Standard Time" are not IANA).</summary>
    public static bool IsIana(string? id) => id is not null && Lookup(id) is not null;

    /// <summary>The id as a shared string when it is a known IANA id, else null.</summary>
    public static string? Lookup(ReadOnlySpan<char> id)
    {
        if (KnownBySpan.TryGetValue(id, out var key, out var ok))
        {
            return ok ? key : null;
        }

        var text = id.ToString();
        var valid = text.Length is > 0 and < 64
                    && TimeZoneInfo.TryFindSystemTimeZoneById(text, out var zone)
                    && zone.HasIanaId
                    && (zone.Id == text || TimeZoneInfo.TryConvertIanaIdToWindowsId(text, out _));
        if (Known.Count < 10_000)
        {
            Known.TryAdd(text, valid);
        }

        return valid ? text : null;
    }
}
