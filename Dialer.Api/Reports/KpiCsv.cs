using System.Globalization;
using static Dialer.Api.Pages.Localization.Strings;

namespace Dialer.Api.Reports;

/// <summary>
/// The KPI report as CSV (through <see cref="Csv"/>: UTF-8 with a byte-order mark), headings in the current UI
/// language: a row per day and the range's total; ratios as fractions (0.0312), times in seconds to one decimal.
/// </summary>
public static class KpiCsv
{
    public static byte[] Build(CampaignKpiReport report)
    {
        var rows = new List<IEnumerable<object?>>
        {
            new object?[]
            {
                T("kpi.day"), T("kpi.attempts"), T("kpi.csvFinished"), T("kpi.csvLive"), T("kpi.csvAbandoned"),
                T("kpi.csvSignedIn"), T("kpi.csvEligible"), T("kpi.signIn"), T("kpi.occupancy"), T("kpi.csvAvgTalk"), T("kpi.csvAvgWrap"),
                T("kpi.answerRate"), T("kpi.busyHour"), T("kpi.csvBusyHour"), T("kpi.abandonDay"), T("kpi.abandon30"), T("kpi.csvCap"),
                T("kpi.csvOverCap"), T("kpi.csvOverCap30"),
            },
        };
        rows.AddRange(report.Days.Append(report.Total).Select(d => Row(d, report.Cap)));
        return Csv.Build(rows);
    }

    private static object?[] Row(KpiDay d, double cap) =>
    [
        d.Day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? T("kpi.total"),
        d.Attempts, d.Finished, d.LiveAnswered, d.Abandoned, d.SignedIn, d.Eligible,
        Round(d.SignInRate, 4), Round(d.Occupancy, 4), Round(d.AverageTalkSeconds, 1), Round(d.AverageWrapSeconds, 1),
        Round(d.AnswerRate, 4), Round(d.BusyHourMinAnswerRate, 4), d.BusyHour is { } h ? $"{h:00}:00" : null,
        Round(d.AbandonRate, 4), Round(d.AbandonRate30Days, 4), cap,
        d.OverCap ? T("common.yes") : T("common.no"), d.OverCap30Days ? T("common.yes") : T("common.no"),
    ];

    private static double? Round(double? value, int decimals) => value is { } v ? Math.Round(v, decimals) : null;
}
