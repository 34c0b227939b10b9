using System.Globalization;
using Dialer.Api.Auth;
using Dialer.Api.Pages.Localization;
using Dialer.Api.Reports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

/// <summary>
/// Report exports for managers as CSV in UTF-8 with a byte-order mark: a campaign's day by hour, and the agents'
/// daily metrics. <c>day</c> is yyyy-MM-dd (default today); <c>lang=zh</c> gives Chinese column headings.
/// </summary>
public static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(Policies.Manager);
        group.MapGet("/campaigns/{id:long}/hourly.csv", CampaignHourlyCsv).Produces<FileContentHttpResult>(200, "text/csv");
        group.MapGet("/agents.csv", AgentsCsv).Produces<FileContentHttpResult>(200, "text/csv");
        return app;
    }

    public static async Task<Results<FileContentHttpResult, NotFound<ProblemDetails>, ValidationProblem>> CampaignHourlyCsv(
        long id, string? day, string? lang, ReportService reports, CancellationToken ct)
    {
        if (day is not null && ReportService.ParseDay(day) is null)
        {
            return DayProblem();
        }

        var report = await reports.CampaignHourlyAsync(id, ReportService.ParseDay(day), ct);
        if (report is null)
        {
            return TypedResults.NotFound(Problems.NotFound($"No campaign {id}."));
        }

        using var _ = Language(lang);
        var header = new List<object?> { Strings.T("report.hour"), Strings.T("report.attempts") };
        header.AddRange(Outcomes.Columns.Select(o => (object?)Strings.Code("outcome", o)));
        header.AddRange([Strings.T("report.contactRate"), Strings.T("report.abandonRate")]);
        header.AddRange(report.DispositionCodes);
        var rows = new List<IEnumerable<object?>> { header };
        foreach (var line in report.Hours.Append(report.Total))
        {
            var row = new List<object?> { line.Hour < 0 ? Strings.T("report.total") : $"{line.Hour:00}:00", line.Attempts };
            row.AddRange(Outcomes.Columns.Select(o => (object?)line.Outcomes.GetValueOrDefault(o)));
            row.AddRange([line.ContactRate, line.AbandonRate]);
            row.AddRange(report.DispositionCodes.Select(d => (object?)line.Dispositions.GetValueOrDefault(d)));
            rows.Add(row);
        }

        return TypedResults.File(Csv.Build(rows), "text/csv; charset=utf-8", $"campaign-{id}-{report.Day:yyyy-MM-dd}.csv");
    }

    public static async Task<Results<FileContentHttpResult, ValidationProblem>> AgentsCsv(
        string? day, string? lang, ReportService reports, CancellationToken ct)
    {
        if (day is not null && ReportService.ParseDay(day) is null)
        {
            return DayProblem();
        }

        var report = await reports.AgentDailyAsync(ReportService.ParseDay(day), ct);
        using var _ = Language(lang);
        var rows = new List<IEnumerable<object?>>
        {
            new object?[]
            {
                Strings.T("report.agent"), Strings.T("report.signedIn"), Strings.T("report.ready"), Strings.T("report.talk"),
                Strings.T("report.avgTalk"), Strings.T("report.wrap"), Strings.T("report.paused"), Strings.T("report.occupancy"),
                Strings.T("report.calls"), Strings.T("report.callsPerHour"),
            },
        };
        rows.AddRange(report.Agents.Select(a => new object?[]
        {
            a.Agent, Math.Round(a.SignedInSeconds), Math.Round(a.ReadySeconds), Math.Round(a.TalkSeconds),
            a.AverageTalkSeconds is { } avg ? Math.Round(avg, 1) : null, Math.Round(a.WrapSeconds), Math.Round(a.PausedSeconds),
            a.Occupancy, a.Calls, a.CallsPerHour is { } cph ? Math.Round(cph, 2) : null,
        }));
        return TypedResults.File(Csv.Build(rows), "text/csv; charset=utf-8", $"agents-{report.Day:yyyy-MM-dd}.csv");
    }

    private static ValidationProblem DayProblem() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["day"] = ["day must be a date yyyy-MM-dd."] });

    /// <summary>Headings in the asked language for the rest of this request.</summary>
    private static CultureScope Language(string? lang) => new(lang is "zh" or "zh-CN" ? "zh-CN" : "en");

    private sealed class CultureScope : IDisposable
    {
        private readonly CultureInfo previous = CultureInfo.CurrentUICulture;

        public CultureScope(string culture) => CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);

        public void Dispose() => CultureInfo.CurrentUICulture = previous;
    }
}
