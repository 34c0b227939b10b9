using Dialer.Api.Apis;
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

    /// <summary>Start, pause, stop: exactly what POST /api/campaigns/{id}/start|pause|stop does, with its refusal shown on the page.</summary>
    public static async Task<IResult> ChangeStatus(
        long id, string action, CampaignStore store, IValidator<CampaignDefinition> validator, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var verb = action switch
        {
            "start" => CampaignAction.Start,
            "pause" => CampaignAction.Pause,
            _ => CampaignAction.Stop,
        };
        var result = await CampaignsApi.ChangeStatus(id, verb, store, validator, time, http, ct);
        var problem = result.Result switch
        {
            Conflict<ProblemDetails> conflict => conflict.Value?.Detail,
            NotFound<ProblemDetails> => Strings.T("common.notFound"),
            _ => null,
        };
        return TypedResults.Redirect(BackTo(http, "/campaigns", problem));
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
