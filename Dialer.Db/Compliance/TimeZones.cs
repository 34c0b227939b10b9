using System.Collections.Concurrent;

namespace Dialer.Db.Compliance;

/// <summary>IANA zones, looked up once each.</summary>
public static class TimeZones
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Cache = new(StringComparer.Ordinal);

    public static TimeZoneInfo? Find(string? id) => string.IsNullOrWhiteSpace(id)
        ? null
        : Cache.GetOrAdd(id, static z => TimeZoneInfo.TryFindSystemTimeZoneById(z, out var tz) ? tz : null);
}
