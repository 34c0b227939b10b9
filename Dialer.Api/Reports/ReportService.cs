using System.Globalization;
using Dialer.Api.Pages.Data;

namespace Dialer.Api.Reports;

/// <summary>Builds the reports for a local day: per campaign per hour, and per agent.</summary>
public sealed class ReportService(ReportStore store, ConsoleQueries campaigns, TimeProvider time, IConfiguration configuration)
{
    /// <summary>The longest window of days a report or export covers (the API refuses longer ones).</summary>
    public const int MaxDays = 366;

    /// <summary>The zone agent reports are cut in (Reports:TimeZone; default Asia/Shanghai).</summary>
    public TimeZoneInfo CentreZone => CampaignConfig.Zone(configuration["Reports:TimeZone"] ?? "Asia/Shanghai");

    public DateOnly Today(TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).Date);

    public async Task<CampaignHourlyReport?> CampaignHourlyAsync(long campaignId, DateOnly? day, CancellationToken ct)
    {
        var campaign = await campaigns.CampaignAsync(campaignId, ct);
        if (campaign is null)
        {
            return null;
        }

        var definition = CampaignConfig.Parse(campaign.ConfigJson);
        var zone = CampaignConfig.Zone(definition.TimeZone);
        var date = day ?? Today(zone);
        var (from, to) = DayWindow(date, zone);
        var attempts = await store.AttemptsAsync(campaignId, from, to, ct);
        return CampaignHourlyReport.Build(attempts, date, zone, definition.Dispositions);
    }

    /// <summary>
    /// The campaign's definition and zone and the window of local days <paramref name="from"/> to <paramref name="to"/>
    /// (each defaulting to the other, then to today) as epoch milliseconds [Start, End); null when there is no such campaign.
    /// </summary>
    public async Task<(Db.Model.CampaignDefinition Definition, TimeZoneInfo Zone, DateOnly From, DateOnly To, long Start, long End)?> CallsWindowAsync(
        long campaignId, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var campaign = await campaigns.CampaignAsync(campaignId, ct);
        if (campaign is null)
        {
            return null;
        }

        var definition = CampaignConfig.Parse(campaign.ConfigJson);
        var zone = CampaignConfig.Zone(definition.TimeZone);
        var first = from ?? to ?? Today(zone);
        var last = to ?? from ?? first;
        return (definition, zone, first, last, DayWindow(first, zone).From, DayWindow(last, zone).To);
    }

    /// <summary>The campaign's survey answers over local days from..to; null when there is no such campaign.</summary>
    public async Task<SurveyReport?> SurveyAsync(long campaignId, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var window = await CallsWindowAsync(campaignId, from, to, ct);
        if (window is not { } w)
        {
            return null;
        }

        var tally = new SurveyTally(w.Definition.SurveyQuestions);
        await foreach (var json in store.SurveyAnswersAsync(campaignId, w.Start, w.End, ct))
        {
            tally.Add(json);
        }

        return tally.Report(w.From, w.To, w.Zone.Id);
    }

    public async Task<AgentDailyReport> AgentDailyAsync(DateOnly? day, CancellationToken ct)
    {
        var zone = CentreZone;
        var date = day ?? Today(zone);
        var (from, to) = DayWindow(date, zone);
        var until = Math.Min(to, time.GetUtcNow().ToUnixTimeMilliseconds());
        var spans = StateTimeline.Spans(await store.StateChangesAsync(from, until, ct), from, until);
        var attempts = await store.AttemptsAsync(null, from, to, ct);
        return AgentDailyReport.Build(spans, attempts, await store.AgentNamesAsync(ct), date, zone);
    }

    public static (long From, long To) DayWindow(DateOnly day, TimeZoneInfo zone)
    {
        var start = day.ToDateTime(TimeOnly.MinValue);
        var end = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return (new DateTimeOffset(start, zone.GetUtcOffset(start)).ToUnixTimeMilliseconds(),
            new DateTimeOffset(end, zone.GetUtcOffset(end)).ToUnixTimeMilliseconds());
    }

    public static DateOnly? ParseDay(string? day) =>
        DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
