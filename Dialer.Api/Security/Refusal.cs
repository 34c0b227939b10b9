using Dialer.Api.Pages.Localization;

namespace Dialer.Api.Security;

/// <summary>
/// How a refused request is answered: ProblemDetails to the API (<c>/api/…</c>), a short plain-text page in the page's language to a browser on the pages.
/// </summary>
public static class Refusal
{
    public static IResult For(HttpContext http, int status, string detail)
    {
        if (IsApi(http.Request))
        {
            return TypedResults.Problem(statusCode: status, title: status == StatusCodes.Status403Forbidden ? "Forbidden" : "Bad request", detail: detail);
        }

        var title = Strings.T(status == StatusCodes.Status403Forbidden ? "refused.forbidden" : "refused.badRequest");
        return TypedResults.Text($"{title}\n\n{detail}\n", "text/plain; charset=utf-8", System.Text.Encoding.UTF8, status);
    }

    public static Task WriteAsync(HttpContext http, int status, string detail) => For(http, status, detail).ExecuteAsync(http);

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
}
