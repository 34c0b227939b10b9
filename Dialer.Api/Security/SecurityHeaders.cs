namespace Dialer.Api.Security;

/// <summary>
/// The headers every answer carries: a Content-Security-Policy under which the pages run (scripts and styles from
/// this site's files only, no inline script, no event-handler attributes, no framing), nosniff, X-Frame-Options,
/// Referrer-Policy, and Strict-Transport-Security over HTTPS (ASP.NET Core's HSTS; not for localhost).
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Everything from this origin only; connect-src 'self' covers the live hub's WebSocket (ws/wss to this host);
    /// data: images for the empty favicon.
    /// </summary>
    public const string DefaultPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<SecurityOptions>();
        var policy = string.IsNullOrWhiteSpace(options.ContentSecurityPolicy) ? DefaultPolicy : options.ContentSecurityPolicy;
        if (options.HstsMaxAgeDays > 0)
        {
            app.UseHsts();
        }

        return app.Use((http, next) =>
        {
            // On starting, so that they survive the exception handler, which clears the headers of a failed answer.
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(http);
        });
    }
}
