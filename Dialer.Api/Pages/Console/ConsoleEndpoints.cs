using System.Globalization;
using Dialer.Api.Apis;
using Dialer.Api.Auth;
using Dialer.Api.Pages.Account;
using Dialer.Api.Security;
using Dialer.Api.Pages.Localization;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Console;

/// <summary>The console's plain form posts, checked as every page form is (form body, antiforgery token: <see cref="PageForms"/>).</summary>
public static class ConsoleEndpoints
{
    public static IEndpointRouteBuilder MapConsoleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/console").RequireAuthorization(PageAuthorization.Console).DisableAntiforgery().RequirePageForm().ExcludeFromDescription();
        group.MapPost("/campaigns/{id:long}/{action:regex(^(start|pause|stop)$)}", ChangeStatus);
        return app;
    }

    /// <summary>The query of a refused start, pause or stop: which campaign, and the API's reason (shown at its buttons).</summary>
    public const string ControlFor = "controlFor";

    public const string ControlProblem = "controlProblem";

    /// <summary>The form field value by which the confirmation page says the manager means to stop for good.</summary>
    public const string StopConfirmed = "stop";

    /// <summary>
    /// Start, pause, stop: exactly what POST /api/campaigns/{id}/start|pause|stop does, with its refusal shown at the
    /// campaign's buttons on the page the form was on (field back, else the Referer). A stop without the
    /// confirmation page's field goes to that page first: stopping is final.
    /// </summary>
    public static async Task<IResult> ChangeStatus(
        long id, string action, CampaignStore store, IValidator<CampaignDefinition> validator, TimeProvider time, HttpContext http, AuditTrail audit,
        CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var back = form["back"].ToString() is { Length: > 0 } field && LocalUrl.IsLocal(field) ? field : BackTo(http, "/campaigns");
        var verb = action switch
        {
            "start" => CampaignAction.Start,
            "pause" => CampaignAction.Pause,
            _ => CampaignAction.Stop,
        };
        if (verb == CampaignAction.Stop && form["confirm"] != StopConfirmed)
        {
            return TypedResults.Redirect($"/campaigns/{id}/stop?back={Uri.EscapeDataString(back)}");
        }

        var result = await CampaignsApi.ChangeStatus(id, verb, store, validator, time, http, audit, ct);
        var problem = result.Result switch
        {
            ProblemHttpResult { StatusCode: StatusCodes.Status404NotFound } => Strings.T("common.notFound"),
            ProblemHttpResult refused => refused.ProblemDetails.Detail ?? refused.ProblemDetails.Title,
            _ => null,
        };
        if (problem is null)
        {
            return TypedResults.Redirect(back);
        }

        var separator = back.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return TypedResults.Redirect(
            $"{back}{separator}{ControlFor}={id.ToString(CultureInfo.InvariantCulture)}&{ControlProblem}={Uri.EscapeDataString(problem)}");
    }

    /// <summary>Back to the page the form was on (same site only), with a problem to show, if any.</summary>
    public static string BackTo(HttpContext http, string fallback, string? problem = null)
    {
        var back = fallback;
        if (Uri.TryCreate(http.Request.Headers.Referer.ToString(), UriKind.Absolute, out var referer)
            && referer.Authority == http.Request.Host.Value)
        {
            back = referer.AbsolutePath;
        }

        return problem is null ? back : $"{back}?problem={Uri.EscapeDataString(problem)}";
    }
}
