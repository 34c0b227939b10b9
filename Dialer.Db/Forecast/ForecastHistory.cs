using System.Text.Json.Serialization;
using Dialer.Db.Model;

namespace Dialer.Db.Forecast;

/// <summary>One call attempt as the forecast reads it (a call_attempts row).</summary>
public sealed record AttemptSample(DateTimeOffset DialedAt, DateTimeOffset? EndedAt, string? Outcome, long? AgentId, double? TalkSeconds, double? WrapSeconds);

/// <summary>
/// What a campaign's history says: the outcome shares per attempt, the live share by hour of day, talk and wrap-up
/// means, live contacts per agent-hour and the hours of the day it was worked. Built from the attempts
/// (<see cref="FromAttempts"/>) or, before a campaign has any, from its type's defaults (<see cref="Defaults"/>).
/// </summary>
public sealed record ForecastHistory
{
    /// <summary>Fewer attempts than this and the campaign type's defaults are used.</summary>
    public const int MinAttempts = 50;

    /// <summary>An hour of day needs this many attempts for its own live share to be used.</summary>
    public const int MinAttemptsPerHour = 30;

    public bool FromDefaults { get; init; }

    public int Days { get; init; }

    public long Attempts { get; init; }

    public double LiveShare { get; init; }

    public double AbandonedShare { get; init; }

    public double MachineShare { get; init; }

    public double BusyShare { get; init; }

    public double NoAnswerShare { get; init; }

    public double InvalidShare { get; init; }

    /// <summary>Failed and declined attempts (retried as failed or busy).</summary>
    public double OtherShare { get; init; }

    public double TalkMeanSeconds { get; init; }

    public double WrapMeanSeconds { get; init; }

    /// <summary>Live share of the attempts dialled in each local hour of day (NaN: too few attempts that hour).</summary>
    [JsonIgnore]
    public IReadOnlyList<double> LiveShareByHour { get; init; } = Enumerable.Repeat(double.NaN, 24).ToArray();

    /// <summary>As <see cref="LiveShareByHour"/> for JSON: null where an hour had too few attempts.</summary>
    [JsonPropertyName("liveShareByHour")]
    public IReadOnlyList<double?> LiveShareByHourOrNull => LiveShareByHour.Select(h => double.IsNaN(h) ? (double?)null : h).ToList();

    /// <summary>Connected calls per agent-hour worked (agents with calls that day × that day's span of calls).</summary>
    public double LivePerAgentHour { get; init; }

    /// <summary>Mean local hour of day (fractional) the campaign's calls began and ended; null from defaults.</summary>
    public double? DayStartHour { get; init; }

    public double? DayEndHour { get; init; }

    /// <summary>Agents with calls on the last day of history.</summary>
    public int LastDayAgents { get; init; }

    /// <summary>The live share in a local hour of day: its own when enough attempts were made then, else the overall share.</summary>
    public double LiveShareAt(int hour) => LiveShareByHour[hour] is var h && !double.IsNaN(h) ? h : LiveShare;

    public static ForecastHistory FromAttempts(IEnumerable<AttemptSample> attempts, TimeZoneInfo zone, CampaignDefinition campaign)
    {
        var list = attempts.Where(a => a.Outcome is not null).ToList();
        if (list.Count < MinAttempts)
        {
            return Defaults(campaign);
        }

        double Share(params string[] outcomes) => (double)list.Count(a => outcomes.Contains(a.Outcome)) / list.Count;
        var live = list.Where(a => a.Outcome == "connected").ToList();
        var byHour = new double[24];
        foreach (var group in list.GroupBy(a => TimeZoneInfo.ConvertTime(a.DialedAt, zone).Hour))
        {
            byHour[group.Key] = group.Count() >= MinAttemptsPerHour ? (double)group.Count(a => a.Outcome == "connected") / group.Count() : double.NaN;
        }

        for (var h = 0; h < 24; h++)
        {
            if (!list.Any(a => TimeZoneInfo.ConvertTime(a.DialedAt, zone).Hour == h))
            {
                byHour[h] = double.NaN;
            }
        }

        var days = list.GroupBy(a => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(a.DialedAt, zone).DateTime)).OrderBy(g => g.Key).ToList();
        double agentHours = 0, starts = 0, ends = 0;
        foreach (var day in days)
        {
            var first = day.Min(a => a.DialedAt);
            var last = day.Max(a => a.EndedAt ?? a.DialedAt);
            var agents = day.Where(a => a.AgentId is not null).Select(a => a.AgentId).Distinct().Count();
            agentHours += agents * (last - first).TotalHours;
            starts += TimeZoneInfo.ConvertTime(first, zone).TimeOfDay.TotalHours;
            ends += TimeZoneInfo.ConvertTime(last, zone).TimeOfDay.TotalHours;
        }

        var shares = Defaults(campaign);
        var talk = live.Where(a => a.TalkSeconds is > 0).Select(a => a.TalkSeconds!.Value).DefaultIfEmpty(shares.TalkMeanSeconds).Average();
        var wrap = live.Where(a => a.WrapSeconds is >= 0).Select(a => a.WrapSeconds!.Value).DefaultIfEmpty(shares.WrapMeanSeconds).Average();
        return new ForecastHistory
        {
            Days = days.Count,
            Attempts = list.Count,
            LiveShare = Share("connected"),
            AbandonedShare = Share("abandoned"),
            MachineShare = Share("machine"),
            BusyShare = Share("busy"),
            NoAnswerShare = Share("no_answer"),
            InvalidShare = Share("invalid"),
            OtherShare = Share("failed", "declined"),
            TalkMeanSeconds = talk,
            WrapMeanSeconds = wrap,
            LiveShareByHour = byHour,
            LivePerAgentHour = agentHours > 0 ? live.Count / agentHours : Productivity(campaign.Mode, talk, wrap),
            DayStartHour = starts / days.Count,
            DayEndHour = ends / days.Count,
            LastDayAgents = days[^1].Where(a => a.AgentId is not null).Select(a => a.AgentId).Distinct().Count(),
        };
    }

    /// <summary>The campaign type's defaults (industry rates for the type), used before a campaign has history.</summary>
    public static ForecastHistory Defaults(CampaignDefinition campaign)
    {
        var (live, machine, busy, noAnswer, invalid, talk) = campaign.Type switch
        {
            CampaignTypes.Care => (0.30, 0.15, 0.05, 0.42, 0.05, 180.0),
            CampaignTypes.Survey => (0.25, 0.15, 0.05, 0.48, 0.05, 240.0),
            CampaignTypes.Retention => (0.28, 0.15, 0.05, 0.45, 0.05, 300.0),
            CampaignTypes.BillingReminder => (0.35, 0.15, 0.05, 0.38, 0.05, 90.0),
            _ => (0.20, 0.18, 0.05, 0.50, 0.05, 150.0),
        };
        var wrap = Math.Min(campaign.WrapUpSeconds, 30.0);
        var abandoned = live * AbandonRatio(campaign);
        return new ForecastHistory
        {
            FromDefaults = true,
            LiveShare = live,
            AbandonedShare = abandoned,
            MachineShare = machine,
            BusyShare = busy,
            NoAnswerShare = noAnswer,
            InvalidShare = invalid,
            OtherShare = Math.Max(0, 1 - live - abandoned - machine - busy - noAnswer - invalid),
            TalkMeanSeconds = talk,
            WrapMeanSeconds = wrap,
            LivePerAgentHour = Productivity(campaign.Mode, talk, wrap),
        };
    }

    /// <summary>
    /// Abandoned calls per connected call a mode is expected to run at: a predictive campaign's pacer settles where abandons
    /// run at 85 % of its cap (the campaign's, never above its compliance profile's legal cap; abandon rate = abandoned ÷
    /// live answered), so a lower cap means fewer abandons; progressive, preview and agentless calls are never abandoned.
    /// </summary>
    public static double AbandonRatio(CampaignDefinition campaign)
    {
        if (campaign.Mode != CampaignModes.Predictive)
        {
            return 0;
        }

        var legal = (ComplianceProfile.Find(campaign.ComplianceProfile) ?? ComplianceProfile.Cn).LegalAbandonCapPercent;
        var rate = 0.85 * (double)Math.Min(campaign.AbandonCapPercent, legal) / 100;
        return rate / (1 - rate);
    }

    /// <summary>Live contacts per agent-hour from the handle time and the occupancy a dialing mode usually reaches.</summary>
    public static double Productivity(string mode, double talkSeconds, double wrapSeconds)
    {
        var occupancy = mode switch
        {
            CampaignModes.Predictive => 0.85,
            CampaignModes.Progressive => 0.70,
            _ => 0.50,
        };
        return occupancy * 3600 / Math.Max(1, talkSeconds + wrapSeconds);
    }
}
