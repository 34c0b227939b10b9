using System.Text.Encodings.Web;
using Dialer.Api.Auth;
using Dialer.Db.Model;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Dialer.Api.Pages.Account;

/// <summary>
/// The scheme of the pages: it signs in exactly as the API does (the dialer_session cookie, through the
/// Dialer scheme), but a browser that is not signed in is sent to /login, and one with the wrong role to its
/// own home page, instead of the API's 401/403 ProblemDetails (which /api/* keeps).
/// </summary>
public sealed class PageAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DialerPages";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var result = await Context.AuthenticateAsync(DialerAuthentication.SchemeName);
        return result.Succeeded
            ? AuthenticateResult.Success(new AuthenticationTicket(result.Principal!, SchemeName))
            : result.None ? AuthenticateResult.NoResult() : AuthenticateResult.Fail(result.Failure!);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Percent-encoded, as the sign-in accepts only printable ASCII local URLs.
        var back = Microsoft.AspNetCore.Http.Extensions.UriHelper.BuildRelative(Request.PathBase, Request.Path, Request.QueryString);
        Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(back));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.Redirect(PageAuthorization.HomeFor(Context.User));
        return Task.CompletedTask;
    }
}

public static class PageAuthorization
{
    /// <summary>Managers and administrators: the console.</summary>
    public const string Console = "page-console";

    /// <summary>Agents: the desktop.</summary>
    public const string Desktop = "page-desktop";

    /// <summary>Administrators only: the console's pages for users and API keys.</summary>
    public const string Admin = "page-admin";

    public static AuthorizationBuilder AddPagePolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Console, p => p.AddAuthenticationSchemes(PageAuthentication.SchemeName).RequireRole(Roles.Admin, Roles.Manager))
        .AddPolicy(Desktop, p => p.AddAuthenticationSchemes(PageAuthentication.SchemeName).RequireRole(Roles.Agent))
        .AddPolicy(Admin, p => p.AddAuthenticationSchemes(PageAuthentication.SchemeName).RequireRole(Roles.Admin));

    public static string HomeFor(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(Roles.Agent) ? "/agent"
        : user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager) ? "/campaigns"
        : "/login";
}
