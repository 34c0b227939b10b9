using System.Globalization;
using Dialer.Api.Pages.Account;
using Dialer.Api.Pages.Agent;
using Dialer.Api.Pages.Console;
using Dialer.Api.Pages.Live;
using Dialer.Api.Pages.Data;
using Dialer.Api.Pages.Localization;
using Dialer.Api.Pages.Supervisor;
using Dialer.Api.Reports;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Localization;

namespace Dialer.Api.Pages;

/// <summary>
/// The manager console and the agent desktop: Razor components rendered on the server (no JavaScript build
/// step), plain form posts for actions, and live regions pushed over SignalR (Live/, wwwroot/live.js). Signed in
/// with the session cookie that POST /api/auth/login also sets.
/// </summary>
public static class PagesServiceCollectionExtensions
{
    public static WebApplicationBuilder AddDialerPages(this WebApplicationBuilder builder)
    {
        // From the build output (tests, scripts/run) the stylesheet and script are found through the static web
        // assets manifest; a published app has them in its own wwwroot, and this does nothing there.
        builder.WebHost.UseStaticWebAssets();
        var services = builder.Services;
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorComponents();
        services.AddCascadingAuthenticationState();
        services.AddSignalR();
        services.AddSingleton<LiveSubscriptions>();
        services.AddSingleton<OutboxWatcher>();
        services.AddSingleton<FragmentRenderer>();
        services.AddSingleton<LivePublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<LivePublisher>());
        services.AddSingleton<ILiveTopic, CampaignsTopic>();
        services.AddSingleton<ILiveTopic, DashboardTopic>();
        services.AddSingleton<ILiveTopic, AgentTopic>();
        services.AddSingleton<ILiveTopic, ImportTopic>();
        services.AddSingleton<ILiveTopic, AgentBoardTopic>();
        services.AddSingleton<SupervisorQueries>();
        services.AddSingleton<AgentQueries>();
        services.AddSingleton<DashboardQueries>();
        services.AddSingleton<ReportStore>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<KpiStore>();
        services.AddSingleton<KpiService>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, PageAuthentication>(PageAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPagePolicies();
        services.AddSingleton<ConsoleQueries>();
        services.AddHttpContextAccessor();
        return builder;
    }

    /// <summary>
    /// Culture from the cookie the language switch sets (en, zh-CN), else from Accept-Language; before authentication so
    /// that 401 pages read right too. The neutral zh is accepted as well, so that an API client's Accept-Language: zh
    /// (or zh-Hans, zh-TW, which fall back to it) gets Chinese messages rather than the English default.
    /// </summary>
    public static WebApplication UsePageCulture(this WebApplication app)
    {
        CultureInfo[] cultures = [.. Strings.Cultures.Select(CultureInfo.GetCultureInfo), CultureInfo.GetCultureInfo("zh")];
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Strings.Cultures[0]),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
        };
        options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        app.UseRequestLocalization(options);
        return app;
    }

    /// <summary>
    /// An unknown page is a page: a GET of a path outside /api that ends in an empty 404 is answered by the not-found
    /// page (in the layout, in the viewer's language, still 404). /api keeps its ProblemDetails, and so does every other
    /// status code (the 401 of /jobs for an API client, a 405): the page's status code handler is switched off for them,
    /// which leaves them to the general <c>UseStatusCodePages</c> before it.
    /// </summary>
    public static WebApplication UseNotFoundPage(this WebApplication app)
    {
        app.UseStatusCodePagesWithReExecute(NotFoundPath);
        app.Use(async (http, next) =>
        {
            var page = !http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));
            if (page && http.GetEndpoint() is null)
            {
                // No page at this address: the not-found page, for anyone (the fallback policy would ask to sign in first).
                http.Response.StatusCode = StatusCodes.Status404NotFound;
            }
            else
            {
                await next(http);
            }

            if ((!page || http.Response.StatusCode != StatusCodes.Status404NotFound) && http.Features.Get<IStatusCodePagesFeature>() is { } feature)
            {
                feature.Enabled = false;
            }
        });
        return app;
    }

    /// <summary>The not-found page (Account/NotFoundPage.razor).</summary>
    public const string NotFoundPath = "/not-found";

    public static WebApplication MapDialerPages(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapPageEndpoints();
        app.MapConsoleEndpoints();
        app.MapListEndpoints();
        app.MapDeskEndpoints();
        app.MapSupervisorEndpoints();
        app.MapHub<LiveHub>(LiveHub.Path);
        // Each page carries its own [Authorize(Policy = …)] (PageAuthentication: redirect to /login) or [AllowAnonymous].
        app.MapRazorComponents<App>();
        return app;
    }
}
