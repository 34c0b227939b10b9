using Dialer.Api.Pages.Localization;

namespace Dialer.Api.Security;

/// <summary>
/// Cross-site request forgery, first line: a browser names where a request comes from (<c>Origin</c>,
/// <c>Sec-Fetch-Site</c>), and a change (POST, PUT, PATCH, DELETE, or a WebSocket to the live hub) that a browser
/// says comes from elsewhere is refused with 403 before authentication, whatever cookie it carries. Another port of
/// the same host is the same <em>site</em> (the SameSite=Strict cookie goes along) but not the same <em>origin</em>,
/// so it is refused too. Calls with <c>Authorization: Bearer</c> carry their credential themselves (a page on
/// another origin cannot add that header without CORS, which the Api does not grant) and are not checked; nor are
/// requests without either header (scripts, curl): they have no ambient browser cookie to abuse.
/// The forms also carry antiforgery tokens (<see cref="PageForms"/>).
/// </summary>
public static class SameOriginGuard
{
    public static IApplicationBuilder UseSameOriginGuard(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<SecurityOptions>();
        var trusted = options.TrustedOrigins.Select(o => o.TrimEnd('/')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return app.Use(async (http, next) =>
        {
            if (Refuses(http.Request, trusted) is { } from)
            {
                await Refusal.WriteAsync(http, StatusCodes.Status403Forbidden, Strings.T("refused.crossOrigin", from));
                return;
            }

            await next(http);
        });
    }

    /// <summary>Where the request says it comes from, when that is another origin and the request changes something; else null.</summary>
    public static string? Refuses(HttpRequest request, IReadOnlySet<string> trusted)
    {
        var changes = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
            || request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);
        if (!changes || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var origin = request.Headers.Origin.ToString();
        var trustedOrigin = origin.Length > 0 && trusted.Contains(origin);
        if (origin.Length > 0 && !trustedOrigin && !string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase))
        {
            return Printable(origin);
        }

        // Sent by every current browser, also where Origin is not: same-origin and none (typed, bookmarked) pass.
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        return site.Length == 0 || site is "same-origin" or "none" || trustedOrigin ? null : $"Sec-Fetch-Site: {Printable(site)}";
    }

    private static string Printable(string text) =>
        new([.. text.Take(100).Select(c => c is >= ' ' and <= '~' ? c : '?')]);
}
