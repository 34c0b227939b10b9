using Dialer.Db;

namespace Dialer.Api.Security;

/// <summary>What protects the pages and the API from other origins and from bad input (README, "Security").</summary>
public static class SecurityServiceCollectionExtensions
{
    public static WebApplicationBuilder AddDialerSecurity(this WebApplicationBuilder builder)
    {
        var options = builder.Services.AddDialerOptions<SecurityOptions>(builder.Configuration, SecurityOptions.Section);
        // The token's cookie pair: Secure when the page came over HTTPS (its other defaults: HttpOnly, SameSite=Strict).
        builder.Services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(options.HstsMaxAgeDays));
        return builder;
    }
}
