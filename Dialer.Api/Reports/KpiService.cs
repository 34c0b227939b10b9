using Dialer.Api.Pages.Data;

namespace Dialer.Api.Reports;

/// <summary>Builds a campaign's daily KPI report over a range of local days in the campaign's time zone.</summary>
public sealed class KpiService(KpiStore store, ConsoleQueries campaigns, ReportService reports, TimeProvider time)
{
    /// <summary>
    /// The report for local days from..to as given (yyyy-MM-dd; to defaults to today in the campaign's zone, from to the
    /// <see cref="CampaignKpiReport.DefaultDays"/> days ending with to). Found is false when there is no such campaign;
    /// Errors (text keys by field, see <see cref="RangeErrors"/>) when the range is wrong, and then no report.
    /// </summary>
    public async Task<(bool Found, CampaignKpiReport? Report, Dictionary<string, string> Errors)> ReportAsync(
        long campaignId, string? from, string? to, CancellationToken ct)
    {
        var campaign = await campaigns.CampaignAsync(campaignId, ct);
        if (campaign is null)
        {
            return (false, null, []);
        }

        var definition = CampaignConfig.Parse(campaign.ConfigJson);
        var zone = CampaignConfig.Zone(definition.TimeZone);
        var today = reports.Today(zone);
        var errors = RangeErrors(from, to, today);
        if (errors.Count > 0)
        {
            return (true, null, errors);
        }

        var (first, last) = Range(ReportService.ParseDay(from), ReportService.ParseDay(to), today);
        var start = ReportService.DayWindow(first, zone).From;
        var end = ReportService.DayWindow(last, zone).To;
        var rollingStart = ReportService.DayWindow(first.AddDays(-(CampaignKpiReport.RollingDays - 1)), zone).From;
        var slots = await store.SlotsAsync(campaignId, rollingStart, end, ct);
        var changes = await store.StateChangesAsync(campaignId, start, end, ct);
        var eligible = await store.EligibleAgentsAsync(campaignId, ct);
        return (true, CampaignKpiReport.Build(first, last, zone, (double)definition.AbandonCapPercent / 100, slots, changes, eligible,
            time.GetUtcNow().ToUnixTimeMilliseconds()), errors);
    }

    /// <summary>The range asked for with its defaults: to is today, from the 30 days ending with to.</summary>
    public static (DateOnly From, DateOnly To) Range(DateOnly? from, DateOnly? to, DateOnly today)
    {
        var last = to ?? (from is { } f && f > today ? f : today);
        return (from ?? last.AddDays(-(CampaignKpiReport.DefaultDays - 1)), last);
    }

    /// <summary>
    /// What is wrong with the range's texts, by field: a date must be yyyy-MM-dd; from must not be after to, and the range
    /// is at most <see cref="ReportService.MaxDays"/> days. Empty when it is fine.
    /// </summary>
    public static Dictionary<string, string> RangeErrors(string? from, string? to, DateOnly today)
    {
        var errors = new Dictionary<string, string>();
        var (fromDay, toDay) = (ReportService.ParseDay(from), ReportService.ParseDay(to));
        if (!string.IsNullOrEmpty(from) && fromDay is null)
        {
            errors["from"] = "kpi.badDate";
        }

        if (!string.IsNullOrEmpty(to) && toDay is null)
        {
            errors["to"] = "kpi.badDate";
        }

        if (errors.Count == 0)
        {
            var (first, last) = Range(fromDay, toDay, today);
            if (last < first)
            {
                errors["to"] = "kpi.toBeforeFrom";
            }
            else if (last.DayNumber - first.DayNumber >= ReportService.MaxDays)
            {
                errors["to"] = "kpi.tooLong";
            }
        }

        return errors;
    }
}
