using System.Security.Claims;
using System.Text;
using Dialer.Api.Auth;
using Dialer.Api.Imports;
using Dialer.Api.Reports;
using Dialer.Db.Imports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

public sealed record ImportAccepted(long Id, string Status, string Location);

/// <summary>A rejected row: its kind (invalid | duplicate | dnc), a stable code (RowReasons: invalid_phone, dnc_global, …; null for rows of older imports) and the reason in the caller's language.</summary>
public sealed record ImportErrorView(long Row, string Kind, string? Code, string Reason, string? Raw);

public sealed record ImportView(
    long Id, string Kind, long? CampaignId, long? ListId, string? FileName, string Status,
    long Total, long Imported, long Duplicates, long Invalid, long Dnc, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, long ErrorsOffset, IReadOnlyList<ImportErrorView> Errors, string ErrorsCsv);

/// <summary>Contact list imports: upload a CSV (answered 202 at once), then follow the import and read its per-row report.</summary>
public static class ImportsApi
{
    public const int DefaultErrorsLimit = 1000;
    public const int MaxErrorsLimit = 10_000;

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/campaigns/{id:long}/contacts/import", ImportContacts)
            .WithTags("Imports")
            .RequireAuthorization(Policies.Manager)
            .Accepts<ImportForm>("multipart/form-data")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        var group = app.MapGroup("/api/imports").WithTags("Imports").RequireAuthorization(Policies.Manager);
        group.MapGet("/{id:long}", GetImport);
        group.MapGet("/{id:long}/errors.csv", ErrorsCsv).Produces(200, contentType: "text/csv");
        return app;
    }

    public static async Task<Results<Accepted<ImportAccepted>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> ImportContacts(
        long id, HttpRequest request, ImportStore imports, ImportFiles files, ImportQueue queue, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await imports.CampaignAsync(id, ct) is null)
        {
            return TypedResults.NotFound(Problems.NotFound($"No campaign {id}."));
        }

        var (upload, errors, tooLarge) = await ImportUpload.ReadAsync(request, files, contacts: true, ct);
        if (tooLarge is not null)
        {
            return TypedResults.Problem(tooLarge);
        }

        if (upload is null)
        {
            return TypedResults.ValidationProblem(errors!);
        }

        var importId = await EnqueueAsync(upload, ImportKinds.Contacts, id, null, imports, files, queue, user, ct);
        var location = $"/api/imports/{importId}";
        return TypedResults.Accepted(location, new ImportAccepted(importId, ImportStatus.Queued, location));
    }

    /// <summary>Records the import, moves the file into place and queues it.</summary>
    public static async Task<long> EnqueueAsync(
        ImportUploadResult upload, string kind, long? campaignId, string? source, ImportStore imports, ImportFiles files, ImportQueue queue,
        ClaimsPrincipal user, CancellationToken ct)
    {
        try
        {
            var importId = await imports.CreateAsync(kind, campaignId, upload.FileName, user.Identity?.Name, ct);
            await files.CommitAsync(upload.Path, new ImportJob(importId, kind, campaignId, upload.Encoding, upload.DefaultCountry, upload.PhoneColumn, source), ct);
            queue.Enqueue(importId);
            return importId;
        }
        finally
        {
            ImportUpload.Discard(upload.Path);
        }
    }

    public static async Task<Results<Ok<ImportView>, NotFound<ProblemDetails>, ValidationProblem>> GetImport(
        long id, long? errorsOffset, int? errorsLimit, ImportStore imports, CancellationToken ct)
    {
        var offset = errorsOffset ?? 0;
        var limit = errorsLimit ?? DefaultErrorsLimit;
        if (offset < 0 || limit is < 0 or > MaxErrorsLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [offset < 0 ? "errorsOffset" : "errorsLimit"] = [$"errorsOffset must be at least 0 and errorsLimit between 0 and {MaxErrorsLimit}."],
            });
        }

        var row = await imports.GetAsync(id, ct);
        if (row is null)
        {
            return TypedResults.NotFound(Problems.NotFound($"No import {id}."));
        }

        var errors = limit == 0 ? [] : await imports.ErrorsAsync(id, offset, limit, ct);
        return TypedResults.Ok(new ImportView(
            row.Id, row.Kind, row.CampaignId, row.ListId, row.FileName, row.Status,
            row.Total, row.Imported, row.Duplicates, row.Invalid, row.Dnc, row.Error,
            Ms.ToTime(row.CreatedAt), Ms.ToTimeOrNull(row.CompletedAt), offset,
            errors.Select(e => new ImportErrorView(e.RowNumber, e.Kind, e.Code, e.LocalReason, e.Raw)).ToList(),
            $"/api/imports/{id}/errors.csv"));
    }

    /// <summary>The rejected rows as CSV (UTF-8 with BOM, so that Excel shows Chinese text): row, kind, code, reason (in the caller's language), raw.</summary>
    public static async Task<IResult> ErrorsCsv(long id, ImportStore imports, HttpContext http, CancellationToken ct)
    {
        if (await imports.GetAsync(id, ct) is null)
        {
            return TypedResults.NotFound(Problems.NotFound($"No import {id}."));
        }

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"import-{id}-errors.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16);
        await writer.WriteAsync("row,kind,code,reason,raw\r\n");
        await foreach (var e in imports.AllErrorsAsync(id, ct))
        {
            await writer.WriteAsync(Csv.Line([e.RowNumber, e.Kind, e.Code, e.LocalReason, e.Raw]));
        }

        await writer.FlushAsync(ct);
        return TypedResults.Empty;
    }

    /// <summary>The multipart form, for the OpenAPI document.</summary>
    public sealed class ImportForm
    {
        /// <summary>The CSV file.</summary>
        public IFormFile? File { get; set; }

        /// <summary>utf-8 (default) or gb18030.</summary>
        public string? Encoding { get; set; }

        /// <summary>ISO 3166 country for numbers without country code (default: the campaign's).</summary>
        public string? DefaultCountry { get; set; }

        /// <summary>The header of the phone column, when it is not one of the recognised names.</summary>
        public string? PhoneColumn { get; set; }
    }
}
