using System.Security.Claims;
using System.Text.Encodings.Web;
using Dialer.Db.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Dialer.Api.Auth;

/// <summary>
/// One scheme for every caller: <c>Authorization: Bearer dk_…</c> is an API key (admin, manager, billing);
/// <c>Bearer ds_…</c> or the <c>dialer_session</c> cookie is a signed-in user's session (pages, agents).
/// </summary>
public sealed class DialerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    UserStore users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Dialer";
    public const string SessionCookie = "dialer_session";
    public const string ApiKeyIdClaim = "api_key_id";
    public const string UserIdClaim = "user_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken() ?? Request.Cookies[SessionCookie];
        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var ct = Context.RequestAborted;
        if (token.StartsWith(Secrets.ApiKeyPrefix, StringComparison.Ordinal))
        {
            var key = await keys.FindActiveAsync(token, ct);
            return key is null
                ? AuthenticateResult.Fail("unknown or revoked API key")
                : Success([new(ClaimTypes.NameIdentifier, $"key:{key.Id}"), new(ClaimTypes.Name, key.Name),
                    new(ClaimTypes.Role, key.Role), new(ApiKeyIdClaim, key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }

        if (token.StartsWith(Secrets.SessionPrefix, StringComparison.Ordinal))
        {
            var user = await users.FindBySessionAsync(token, ct);
            return user is null
                ? AuthenticateResult.Fail("unknown or expired session")
                : Success([new(ClaimTypes.NameIdentifier, $"user:{user.Id}"), new(ClaimTypes.Name, user.Username),
                    new(ClaimTypes.Role, user.Role), new(UserIdClaim, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new("display_name", user.DisplayName), new("language", user.Language)]);
        }

        return AuthenticateResult.Fail("malformed credentials");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"dialer\"";
        await Results.Problem(statusCode: 401, title: "Unauthorized",
            detail: "Send Authorization: Bearer <API key or session token>.").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(statusCode: 403, title: "Forbidden",
            detail: "Your role may not use this endpoint.").ExecuteAsync(Context);
    }

    private string? BearerToken()
    {
        string? header = Request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : null;
    }

    private AuthenticateResult Success(Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
}

public static class CallerExtensions
{
    /// <summary>The API key id of the caller, when it called with an API key.</summary>
    public static long? ApiKeyId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(DialerAuthentication.ApiKeyIdClaim), out var id) ? id : null;

    /// <summary>The user id of the caller, when it called with a session.</summary>
    public static long? UserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(DialerAuthentication.UserIdClaim), out var id) ? id : null;
}
