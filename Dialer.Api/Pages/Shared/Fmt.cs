using System.Globalization;

namespace Dialer.Api.Pages.Shared;

/// <summary>Numbers, times and durations in the current culture.</summary>
public static class Fmt
{
    public static string N(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string N(double value, int decimals = 1) => value.ToString("N" + decimals, CultureInfo.CurrentCulture);

    /// <summary>A ratio (0–1) as a percentage, or a dash when there is nothing to divide.</summary>
    public static string Pct(double? ratio, int decimals = 1) =>
        ratio is null || double.IsNaN(ratio.Value) ? "–" : (ratio.Value * 100).ToString("N" + decimals, CultureInfo.CurrentCulture) + "%";

    public static double? Ratio(double part, double whole) => whole <= 0 ? null : part / whole;

    /// <summary>Seconds as h:mm:ss or m:ss.</summary>
    public static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, Math.Round(seconds)));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes}:{t.Seconds:00}";
    }

    /// <summary>Epoch ms as a date and time in the zone, in the current culture.</summary>
    public static string Time(long? ms, TimeZoneInfo zone) =>
        ms is null ? "" : TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms.Value), zone).ToString("g", CultureInfo.CurrentCulture);
}
