using System.Globalization;
using System.Security.Claims;
using Dialer.Api.Apis;
using Dialer.Api.Imports;
using Dialer.Api.Pages.Account;
using Dialer.Api.Security;
using Dialer.Api.Pages.Localization;
using Dialer.Db.Dnc;
using Dialer.Db.Imports;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Console;

/// <summary>
/// The console's list forms: contact uploads and do-not-call entries. Each calls the API's own handler (same
/// validation, same import pipeline) and answers with a redirect back to the page, carrying the outcome.
/// </summary>
public static class ListEndpoints
{
    public static IEndpointRouteBuilder MapListEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/console").RequireAuthorization(PageAuthorization.Console).DisableAntiforgery().RequirePageForm().ExcludeFromDescription();
        group.MapPost("/campaigns/{id:long}/import", UploadContacts);
        group.MapPost("/dnc/add", AddDnc);
        group.MapPost("/dnc/remove", RemoveDnc);
        group.MapPost("/dnc/import", ImportDnc);
        return app;
    }

    public static async Task<IResult> UploadContacts(
        long id, HttpRequest request, ImportStore imports, ImportFiles files, ImportQueue queue, ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await ImportsApi.ImportContacts(id, request, imports, files, queue, user, ct);
        return TypedResults.Redirect(result.Result switch
        {
            Accepted<ImportAccepted> accepted => $"/campaigns/{id}/import?import={accepted.Value!.Id}",
            ValidationProblem problem => $"/campaigns/{id}/import?problem={Uri.EscapeDataString(Describe(problem))}",
            ProblemHttpResult tooLarge => $"/campaigns/{id}/import?problem={Uri.EscapeDataString(tooLarge.ProblemDetails.Detail ?? "")}",
            _ => "/campaigns",
        });
    }

    public static async Task<IResult> ImportDnc(
        HttpRequest request, ImportStore imports, ImportFiles files, ImportQueue queue, ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await DncApi.ImportDnc(request, imports, files, queue, user, ct);
        return TypedResults.Redirect(result.Result switch
        {
            Accepted<ImportAccepted> accepted => $"/dnc?import={accepted.Value!.Id}",
            ValidationProblem problem => $"/dnc?problem={Uri.EscapeDataString(Describe(problem))}",
            ProblemHttpResult tooLarge => $"/dnc?problem={Uri.EscapeDataString(tooLarge.ProblemDetails.Detail ?? "")}",
            NotFound<ProblemDetails> notFound => $"/dnc?problem={Uri.EscapeDataString(notFound.Value?.Detail ?? "")}",
            _ => "/dnc",
        });
    }

    public static async Task<IResult> AddDnc(
        HttpRequest request, IValidator<AddDncRequest> validator, DncStore dnc, ImportStore imports, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        long? campaignId = long.TryParse(form["campaignId"], NumberStyles.None, CultureInfo.InvariantCulture, out var cid) && cid > 0 ? cid : null;
        DateTimeOffset? expiresAt = DateOnly.TryParseExact(form["expires"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MaxValue), TimeSpan.FromHours(8))
            : null;
        var add = new AddDncRequest(form["phone"].ToString().Trim(), campaignId, Blank(form["source"]), expiresAt, null);
        var check = await validator.ValidateAsync(add, ct);
        if (!check.IsValid)
        {
            return Back(problem: string.Join(" ", check.Errors.Select(e => e.ErrorMessage)));
        }

        var result = await DncApi.AddDnc(add, dnc, imports, ct);
        return result.Result switch
        {
            Created<DncAdded> created => Back(notice: Strings.T("dnc.added", created.Value!.Entry.Phone, created.Value.ContactsMarked)),
            Ok<DncAdded> existing => Back(notice: Strings.T("dnc.already", existing.Value!.Entry.Phone)),
            NotFound<ProblemDetails> notFound => Back(problem: notFound.Value?.Detail),
            _ => Back(),
        };
    }

    public static async Task<IResult> RemoveDnc(HttpRequest request, DncStore dnc, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        long? campaignId = long.TryParse(form["campaignId"], NumberStyles.None, CultureInfo.InvariantCulture, out var cid) && cid > 0 ? cid : null;
        var phone = form["phone"].ToString();
        var result = await DncApi.RemoveDnc(phone, campaignId, null, dnc, ct);
        return result.Result switch
        {
            NoContent => Back(notice: Strings.T("dnc.removed", phone)),
            NotFound<ProblemDetails> notFound => Back(problem: notFound.Value?.Detail),
            ValidationProblem problem => Back(problem: Describe(problem)),
            _ => Back(),
        };
    }

    private static RedirectHttpResult Back(string? notice = null, string? problem = null) =>
        TypedResults.Redirect(problem is not null ? $"/dnc?problem={Uri.EscapeDataString(problem)}"
            : notice is not null ? $"/dnc?notice={Uri.EscapeDataString(notice)}" : "/dnc");

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The messages of a validation problem (already in the viewer's language), without the API's field names.</summary>
    private static string Describe(ValidationProblem problem) =>
        string.Join(" ", problem.ProblemDetails.Errors.SelectMany(e => e.Value));
}
