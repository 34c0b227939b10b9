using Dialer.Api.Apis;
using Dialer.Api.Auth;
using Dialer.Api.Imports;
using Dialer.Api.Jobs;
using Dialer.Api.Maintenance;
using Dialer.Api.Pages;
using Dialer.Api.Security;
using Dialer.Api.Validation;
using Dialer.Db;
using Dialer.Db.Imports;
using Dialer.Db.Maintenance;
using Microsoft.AspNetCore.Authentication;

namespace Dialer.Api;

public static class ApiServiceCollectionExtensions
{
    public static WebApplicationBuilder AddDialerApi(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddDialerEnvironment();
        var services = builder.Services;
        services.AddDialerDb(builder.Configuration);
        services.AddDialerImports(builder.Configuration);
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddValidators();
        services.AddStrictRequests();
        services.AddCampaignsAndReminders(builder.Configuration);
        services.AddMediaFiles(builder.Configuration);
        // The purge of old Idempotency-Keys and expired sessions runs in the Api only, not in the Worker.
        services.AddHousekeeping(builder.Configuration);
        services.AddAuthentication(DialerAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, DialerAuthentication>(DialerAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddDialerPolicies();
        services.AddSignInProtection(builder.Configuration);
        services.AddAuditTrail();
        // JSON answers keep Chinese text and '+' of E.164 numbers readable; they are served as application/json,
        // never inlined into HTML, so the relaxed encoder is safe here.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder =
            System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        builder.AddDialerPages();
        services.AddDialerOptions<BrowserPhone.BrowserPhoneOptions>(builder.Configuration, BrowserPhone.BrowserPhoneOptions.Section);
        services.AddSingleton<BrowserPhone.BrowserPhoneOrigins>();
        builder.AddDialerSecurity();
        services.AddJobsDashboard(builder.Configuration);
        return builder;
    }

    public static async Task<WebApplication> UseDialerApiAsync(this WebApplication app)
    {
        await Bootstrap.PrepareAsync(app.Services, app.Configuration, app.Lifetime.ApplicationStopping);
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseNotFoundPage();
        app.UsePageCulture();
        app.UseSameOriginGuard();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UsePageQueryGuard();
        app.UseAntiforgery();
        app.MapOpenApi();
        // The API authenticates by Bearer token or the session cookie; a cookie's changes are held to this origin by
        // UseSameOriginGuard, and the page forms carry antiforgery tokens (Security/PageForms.cs).
        app.MapGroup("").DisableAntiforgery().MapDialerApis();
        app.MapDialerPages();
        app.MapJobsDashboard();
        return app;
    }
}
