namespace Dialer.Api.Security;

/// <summary>
/// The headers every answer carries: a Content-Security-Policy under which the pages run (scripts and styles from
/// this site's files only, no inline script, no event-handler attributes, no framing), nosniff, X-Frame-Options,
/// Referrer-Policy, and Strict-Transport-Security over HTTPS (ASP.NET Core's HSTS; not for localhost).
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Everything from this origin only; connect-src 'self' covers the live hub's WebSocket (ws/wss to this host), and
    /// the live Workers' SIP over WebSocket origins are added to it for the browser phone (<see cref="WithWorkers"/>);
    /// data: images for the empty favicon. A MediaStream played by an audio element (srcObject) fetches nothing.
    /// </summary>
    public const string DefaultPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<SecurityOptions>();
        var configured = string.IsNullOrWhiteSpace(options.ContentSecurityPolicy) ? null : options.ContentSecurityPolicy;
        var workers = app.ApplicationServices.GetRequiredService<BrowserPhone.BrowserPhoneOrigins>();
        if (options.HstsMaxAgeDays > 0)
        {
            app.UseHsts();
        }

        return app.Use((http, next) =>
        {
            // On starting, so that they survive the exception handler, which clears the headers of a failed answer.
            http.Response.OnStarting(async () =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = configured ?? WithWorkers(await WorkerUrlsAsync(workers, http.RequestAborted));
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
            });
            return next(http);
        });
    }

    /// <summary>The default policy with the Workers' WebSocket origins (scheme://host:port) added to connect-src.</summary>
    public static string WithWorkers(IEnumerable<string> workerUrls)
    {
        var sources = workerUrls.Select(BrowserPhone.BrowserPhoneOrigins.Source).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return sources.Count == 0 ? DefaultPolicy : DefaultPolicy.Replace("connect-src 'self';", "connect-src 'self' " + string.Join(' ', sources) + ";", StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<string>> WorkerUrlsAsync(BrowserPhone.BrowserPhoneOrigins workers, CancellationToken ct)
    {
        try
        {
            return await workers.CachedAsync(ct);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Data.Common.DbException or InvalidOperationException)
        {
            return []; // no browser phone origins this time; the pages still get the policy
        }
    }
}
