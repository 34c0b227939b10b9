using Dialer.Api.Auth;
using Dialer.Api.Pages.Localization;
using Dialer.Api.Security;
using Dialer.Db.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Localization;

namespace Dialer.Api.Pages.Account;

/// <summary>The few plain form posts behind the pages: sign in, sign out, switch language, and the front door. The posts are checked as every page form is (<see cref="PageForms"/>).</summary>
public static class PageEndpoints
{
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    public static IEndpointRouteBuilder MapPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (Delegate)FrontDoor).AllowAnonymous().ExcludeFromDescription();
        var group = app.MapGroup("/account").AllowAnonymous().ExcludeFromDescription();
        group.MapPost("/login", SignIn).RequireRateLimiting(SignInGuard.AddressPolicy).RequirePageForm();
        group.MapPost("/logout", SignOut).RequirePageForm();
        group.MapGet("/language", SwitchLanguage);
        return app;
    }

    public static async Task<IResult> FrontDoor(HttpContext http)
    {
        var result = await http.AuthenticateAsync(DialerAuthentication.SchemeName);
        return TypedResults.Redirect(result.Succeeded ? PageAuthorization.HomeFor(result.Principal!) : "/login");
    }

    public static async Task<IResult> SignIn(HttpContext http, UserStore users, SignInGuard guard, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var username = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = LocalUrl.IsLocal(form["returnUrl"].ToString()) ? form["returnUrl"].ToString() : null;
        var attempt = username.Length == 0 || password.Length == 0
            ? new SignInResult(null, null)
            : await guard.SignInAsync(username, password, http.Connection.RemoteIpAddress?.ToString(), SignInGuard.ChannelPage, ct);
        var user = attempt.User;
        if (user is null)
        {
            // A locked user name (the same for names no user has) shows "too many attempts" instead of "wrong password".
            // The name is shown again in the form, unless no user could have it (it would only make the address huge).
            var again = $"/login?error={(attempt.RetryAfter is null ? "1" : "locked")}&username=" + Uri.EscapeDataString(SignInGuard.CouldBeAUser(username) ? username : "")
                + (returnUrl is null ? "" : "&returnUrl=" + Uri.EscapeDataString(returnUrl));
            return TypedResults.Redirect(again);
        }

        var (token, expiresAt) = await users.CreateSessionAsync(user.Id, SessionLifetime, ct);
        http.Response.Cookies.Append(DialerAuthentication.SessionCookie, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Expires = DateTimeOffset.FromUnixTimeMilliseconds(expiresAt),
        });
        // The language is the user's own (kept when they switch it on a page), whatever this browser showed before.
        SetCulture(http, CultureOf(user.Language));

        var home = user.Role == Dialer.Db.Model.Roles.Agent ? "/agent" : "/campaigns";
        return TypedResults.Redirect(returnUrl is not null && PathFitsRole(returnUrl, user.Role) ? returnUrl : home);
    }

    public static async Task<IResult> SignOut(HttpContext http, UserStore users, CancellationToken ct)
    {
        var token = http.Request.Cookies[DialerAuthentication.SessionCookie];
        if (token?.StartsWith(Secrets.SessionPrefix, StringComparison.Ordinal) == true)
        {
            await users.EndSessionAsync(token, ct);
        }

        http.Response.Cookies.Delete(DialerAuthentication.SessionCookie);
        return TypedResults.Redirect("/login");
    }

    /// <summary>
    /// Switches the pages' language (the cookie) and, for a signed-in user, keeps it as theirs, so that their next sign-in
    /// (in any browser) shows it. A plain link: the session cookie is SameSite=Strict, so a link from another site
    /// arrives without it and changes no user's language.
    /// </summary>
    public static async Task<IResult> SwitchLanguage(HttpContext http, UserStore users, string? c, string? returnUrl, CancellationToken ct)
    {
        var culture = Strings.Cultures.Contains(c) ? c! : Strings.Cultures[0];
        SetCulture(http, culture);
        var token = http.Request.Cookies[DialerAuthentication.SessionCookie];
        if (token?.StartsWith(Secrets.SessionPrefix, StringComparison.Ordinal) == true && await users.FindBySessionAsync(token, ct) is { } user)
        {
            await users.SetLanguageAsync(user.Id, LanguageOf(culture), ct);
        }

        return TypedResults.Redirect(LocalUrl.OrElse(returnUrl, "/"));
    }

    /// <summary>The page culture of a user's language (users.language: en or zh).</summary>
    public static string CultureOf(string language) => language == "zh" ? "zh-CN" : "en";

    /// <summary>The user's language (users.language) of a page culture.</summary>
    public static string LanguageOf(string culture) => culture.StartsWith("zh", StringComparison.Ordinal) ? "zh" : "en";

    private static void SetCulture(HttpContext http, string culture) =>
        http.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, IsEssential = true, Secure = http.Request.IsHttps });

    private static bool PathFitsRole(string path, string role) =>
        role == Dialer.Db.Model.Roles.Agent ? path.StartsWith("/agent", StringComparison.Ordinal) : !path.StartsWith("/agent", StringComparison.Ordinal);
}
