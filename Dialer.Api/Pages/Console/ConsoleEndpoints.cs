using Dialer.Api.Pages.Account;
using Dialer.Api.Pages.Data;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Console;

/// <summary>The console's plain form posts. The session cookie is SameSite=Strict, so no other site can send them.</summary>
public static class ConsoleEndpoints
{
    public static IEndpointRouteBuilder MapConsoleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/console").RequireAuthorization(PageAuthorization.Console).DisableAntiforgery().ExcludeFromDescription();
        group.MapPost("/campaigns/{id:long}/{action:regex(^(start|pause|stop)$)}", ChangeStatus);
        return app;
    }

    public static async Task<IResult> ChangeStatus(long id, string action, CampaignActions actions, HttpContext http, CancellationToken ct)
    {
        var target = action switch
        {
            "start" => CampaignStatus.Running,
            "pause" => CampaignStatus.Paused,
            _ => CampaignStatus.Stopped,
        };
        var problem = await actions.ChangeStatusAsync(id, target, ct);
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
