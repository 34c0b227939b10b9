using System.Globalization;
using Dialer.Db.Model;

namespace Dialer.Db.Compliance;

/// <summary>The calling window (local start/end, days, holidays) evaluated in a contact's own time zone.</summary>
public sealed class CallingWindowRules
{
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private readonly TimeOnly start;
    private readonly TimeOnly end;
    private readonly bool[] days = new bool[7];
    private readonly HashSet<DateOnly> holidays = [];

    public CallingWindowRules(CallingWindow window)
    {
        start = TimeOnly.ParseExact(window.Start, "HH:mm", CultureInfo.InvariantCulture);
        end = TimeOnly.ParseExact(window.End, "HH:mm", CultureInfo.InvariantCulture);
        if (window.Days.Count == 0)
        {
            Array.Fill(days, true);
        }

        foreach (var day in window.Days)
        {
            var index = Array.FindIndex(DayNames, d => d.Equals(day, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                days[index] = true;
            }
        }

        foreach (var holiday in window.Holidays)
        {
            holidays.Add(DateOnly.ParseExact(holiday, "yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Null when <paramref name="at"/> is inside the window; else why not.</summary>
    public string? Why(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        var date = DateOnly.FromDateTime(local);
        if (holidays.Contains(date))
        {
            return "holiday";
        }

        if (!days[(int)local.DayOfWeek])
        {
            return "day_not_allowed";
        }

        var time = TimeOnly.FromDateTime(local);
        return time >= start && time < end ? null : "outside_window";
    }

    public bool IsOpen(DateTimeOffset at, TimeZoneInfo zone) => Why(at, zone) is null;

    /// <summary>The next moment at or after <paramref name="at"/> inside the window (searching 60 days), or null.</summary>
    public DateTimeOffset? NextOpen(DateTimeOffset at, TimeZoneInfo zone)
    {
        if (IsOpen(at, zone))
        {
            return at;
        }

        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        for (var i = 0; i <= 60; i++)
        {
            var date = DateOnly.FromDateTime(local).AddDays(i);
            if (holidays.Contains(date) || !days[(int)date.DayOfWeek])
            {
                continue;
            }

            var candidate = date.ToDateTime(start);
            if (i == 0 && TimeOnly.FromDateTime(local) >= start)
            {
                continue;
            }

            // A start time skipped by a daylight-saving jump opens at the first valid minute after it.
            while (zone.IsInvalidTime(candidate))
            {
                candidate = candidate.AddMinutes(1);
            }

            return new DateTimeOffset(candidate, zone.GetUtcOffset(candidate));
        }

        return null;
    }
}
