using System.Globalization;
using Dialer.Api.Auth;
using Dialer.Api.Pages.Localization;
using Dialer.Api.Reports;
using Dialer.Db.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

/// <summary>
/// Report exports for managers as CSV in UTF-8 with a byte-order mark: a campaign's day by hour, its calls one by
/// one, its daily KPIs over a range, and the agents' daily metrics. <c>day</c>, <c>from</c> and <c>to</c> are yyyy-MM-dd (default today);
/// <c>lang=zh</c> gives Chinese column headings.
/// </summary>
public static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(Policies.Manager);
        group.MapGet("/campaigns/{id:long}/hourly.csv", CampaignHourlyCsv).Produces<FileContentHttpResult>(200, "text/csv");
        group.MapGet("/campaigns/{id:long}/calls.csv", CampaignCallsCsv).Produces(200, contentType: "text/csv")
            .ProducesValidationProblem().ProducesProblem(404);
        group.MapGet("/campaigns/{id:long}/survey", CampaignSurvey);
        group.MapGet("/campaigns/{id:long}/kpi.csv", CampaignKpiCsv).Produces<FileContentHttpResult>(200, "text/csv")
            .ProducesValidationProblem().ProducesProblem(404);
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
        header.AddRange(CallOutcomes.Columns.Select(o => (object?)Strings.Code("outcome", o)));
        header.AddRange([Strings.T("report.contactRate"), Strings.T("report.abandonRate")]);
        header.AddRange(report.DispositionCodes);
        var rows = new List<IEnumerable<object?>> { header };
        foreach (var line in report.Hours.Append(report.Total))
        {
            var row = new List<object?> { line.Hour < 0 ? Strings.T("report.total") : $"{line.Hour:00}:00", line.Attempts };
            row.AddRange(CallOutcomes.Columns.Select(o => (object?)line.Outcomes.GetValueOrDefault(o)));
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

    /// <summary>
    /// Every attempt of a campaign queued from the start of <paramref name="from"/> to the end of <paramref name="to"/>
    /// (local days in the campaign's zone, at most 366), one row each with its contact, agent, outcome, timings,
    /// disposition, keys, survey answers (a column per survey question, then the whole answer object) and recording.
    /// Written as it is read, so the length of the export does not matter.
    /// </summary>
    public static async Task<IResult> CampaignCallsCsv(
        long id, string? from, string? to, string? lang, ReportService reports, ReportStore store, HttpContext http, CancellationToken ct)
    {
        var (fromDay, toDay) = (ReportService.ParseDay(from), ReportService.ParseDay(to));
        if (DaysProblem(from, fromDay, to, toDay) is { } bad)
        {
            return bad;
        }

        var window = await reports.CallsWindowAsync(id, fromDay, toDay, ct);
        if (window is null)
        {
            return TypedResults.NotFound(Problems.NotFound($"No campaign {id}."));
        }

        var (definition, zone, first, last, start, end) = window.Value;

        using var _ = Language(lang);
        var questions = definition.SurveyQuestions;
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"campaign-{id}-calls-{first:yyyy-MM-dd}-{last:yyyy-MM-dd}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16);
        var header = new List<object?>
        {
            Strings.T("calls.attempt"), Strings.T("calls.time"), Strings.T("calls.phone"), Strings.T("calls.name"), Strings.T("calls.account"),
            Strings.T("report.agent"), Strings.T("calls.outcome"), Strings.T("calls.sipCode"), Strings.T("calls.sipReason"), Strings.T("calls.machine"), Strings.T("calls.voicemail"),
            Strings.T("calls.ring"), Strings.T("calls.talk"), Strings.T("calls.wrap"), Strings.T("calls.disposition"), Strings.T("calls.notes"),
            Strings.T("calls.keys"),
        };
        header.AddRange(questions.Select(q => (object?)(string.IsNullOrWhiteSpace(q.Text) ? q.Id : q.Text)));
        header.AddRange([Strings.T("calls.survey"), Strings.T("calls.recording"), Strings.T("calls.contactState")]);
        await writer.WriteAsync(Csv.Line(header));
        var (yes, no) = (Strings.T("calls.yes"), Strings.T("calls.no"));
        await foreach (var call in store.CallsAsync(id, start, end, ct))
        {
            var answers = SurveyReport.Answers(call.SurveyJson);
            var row = new List<object?>
            {
                call.Id,
                TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(call.DialedAt ?? call.QueuedAt), zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                call.Phone, call.Name, call.AccountId, call.Agent,
                call.Outcome is { } o ? Strings.Code("outcome", o) : null,
                call.SipCode, Strings.Code("sipReason", call.SipReason),
                call.Machine switch { 1 => yes, 0 => no, _ => null },
                call.VoicemailLeft == 1 ? yes : no,
                RingSeconds(call), call.TalkSeconds is { } talk ? Math.Round(talk, 1) : null, call.WrapSeconds is { } wrap ? Math.Round(wrap, 1) : null,
                call.Disposition, call.Notes, call.Dtmf,
            };
            row.AddRange(questions.Select(q => (object?)answers?.GetValueOrDefault(q.Id)));
            row.AddRange([call.SurveyJson, call.RecordingPath, call.ContactState]);
            await writer.WriteAsync(Csv.Line(row));
        }

        await writer.FlushAsync(ct);
        return TypedResults.Empty;
    }

    /// <summary>
    /// The campaign's daily KPIs over local days <paramref name="from"/> to <paramref name="to"/> (default: the 30 days
    /// ending today in the campaign's zone), a row per day and the range's total, as the KPI page shows them.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, NotFound<ProblemDetails>, ValidationProblem>> CampaignKpiCsv(
        long id, string? from, string? to, string? lang, KpiService kpis, CancellationToken ct)
    {
        var (found, report, errors) = await kpis.ReportAsync(id, from, to, ct);
        if (!found)
        {
            return TypedResults.NotFound(Problems.NotFound($"No campaign {id}."));
        }

        if (report is null)
        {
            using var english = Language("en");
            return TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => new[] { $"{e.Key}: {Strings.T(e.Value, ReportService.MaxDays)}" }));
        }

        using var _ = Language(lang);
        return TypedResults.File(KpiCsv.Build(report), "text/csv; charset=utf-8", $"campaign-{id}-kpi-{report.From:yyyy-MM-dd}-{report.To:yyyy-MM-dd}.csv");
    }

    /// <summary>The campaign's survey answers tallied per question over local days from..to (today by default).</summary>
    public static async Task<Results<Ok<SurveyReport>, NotFound<ProblemDetails>, ValidationProblem>> CampaignSurvey(
        long id, string? from, string? to, ReportService reports, CancellationToken ct)
    {
        var (fromDay, toDay) = (ReportService.ParseDay(from), ReportService.ParseDay(to));
        if (DaysProblem(from, fromDay, to, toDay) is { } bad)
        {
            return bad;
        }

        var report = await reports.SurveyAsync(id, fromDay, toDay, ct);
        if (report is null)
        {
            return TypedResults.NotFound(Problems.NotFound($"No campaign {id}."));
        }

        return TypedResults.Ok(report);
    }

    /// <summary>Seconds from the start of ringing (or the dial) to the answer (or the end).</summary>
    private static double? RingSeconds(CallRow call) =>
        (call.RingingAt ?? call.DialedAt) is { } start && (call.AnsweredAt ?? call.EndedAt) is { } stop && stop >= start
            ? Math.Round((stop - start) / 1000.0, 1)
            : null;

    /// <summary>
    /// from and to, when given, must be dates (each bad one is named), and together run forwards over at most
    /// <see cref="ReportService.MaxDays"/> days; one left out takes the other's day.
    /// </summary>
    private static ValidationProblem? DaysProblem(string? from, DateOnly? fromDay, string? to, DateOnly? toDay)
    {
        var errors = new Dictionary<string, string[]>();
        if (from is not null && fromDay is null)
        {
            errors["from"] = ["from must be a date yyyy-MM-dd."];
        }

        if (to is not null && toDay is null)
        {
            errors["to"] = ["to must be a date yyyy-MM-dd."];
        }

        if (fromDay is { } first && toDay is { } last && (last < first || last.DayNumber - first.DayNumber >= ReportService.MaxDays))
        {
            errors["to"] = [$"to must be on or after from ({first:yyyy-MM-dd}) and at most {ReportService.MaxDays} days later."];
        }

        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : null;
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
