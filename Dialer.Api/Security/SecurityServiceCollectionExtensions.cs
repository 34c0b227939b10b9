namespace Dialer.Api.Security;

/// <summary>What protects the pages and the API from other origins and from bad input (README, "Security").</summary>
public static class SecurityServiceCollectionExtensions
{
    public static WebApplicationBuilder AddDialerSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecurityOptions>().Bind(builder.Configuration.GetSection(SecurityOptions.Section));
        // The token's cookie pair: Secure when the page came over HTTPS (its other defaults: HttpOnly, SameSite=Strict).
        builder.Services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.Services.AddSecurityHeaders(builder.Configuration);
        return builder;
    }
}
