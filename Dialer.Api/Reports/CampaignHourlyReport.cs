using Dialer.Db.Model;

namespace Dialer.Api.Reports;

/// <summary>One hour (local to the campaign) of a campaign's calls.</summary>
public sealed record HourLine(
    int Hour,
    int Attempts,
    IReadOnlyDictionary<string, int> Outcomes,
    IReadOnlyDictionary<string, int> Dispositions,
    int LiveAnswered)
{
    /// <summary>People reached (connected or abandoned) per attempt that ended.</summary>
    public double? ContactRate => Attempts == 0 ? null : (double)LiveAnswered / Attempts;

    /// <summary>Abandoned per live answer (the regulators' definition).</summary>
    public double? AbandonRate => LiveAnswered == 0 ? null : (double)Outcomes.GetValueOrDefault(CallOutcomes.Abandoned) / LiveAnswered;
}

public sealed record CampaignHourlyReport(DateOnly Day, string TimeZone, IReadOnlyList<HourLine> Hours, HourLine Total, IReadOnlyList<string> DispositionCodes)
{
    /// <summary>Buckets the day's attempts by the local hour they were queued in; hours without calls are left out.</summary>
    public static CampaignHourlyReport Build(IEnumerable<AttemptFact> attempts, DateOnly day, TimeZoneInfo zone, IEnumerable<string> campaignDispositions)
    {
        var byHour = attempts
            .GroupBy(a => TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(a.QueuedAt), zone).Hour)
            .OrderBy(g => g.Key)
            .Select(g => Line(g.Key, g))
            .ToList();
        var all = attempts.ToList();
        var codes = campaignDispositions
            .Concat(all.Where(a => a.Disposition is not null).Select(a => a.Disposition!))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new CampaignHourlyReport(day, zone.Id, byHour, Line(-1, all), codes);
    }

    private static HourLine Line(int hour, IEnumerable<AttemptFact> attempts)
    {
        var list = attempts.ToList();
        return new HourLine(
            hour,
            list.Count,
            list.Where(a => a.Outcome is not null).GroupBy(a => CallOutcomes.Column(a.Outcome)).ToDictionary(g => g.Key, g => g.Count()),
            list.Where(a => a.Disposition is not null).GroupBy(a => a.Disposition!).ToDictionary(g => g.Key, g => g.Count()),
            list.Count(a => CallOutcomes.IsLiveAnswer(a.Outcome)));
    }
}
