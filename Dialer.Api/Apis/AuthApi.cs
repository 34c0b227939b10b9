using Dialer.Api.Auth;
using Dialer.Api.Validation;
using Dialer.Db.Auth;
using Dialer.Db.Model;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Apis;

public sealed record LoginRequest(string Username, string Password);

public sealed class LoginRequestValidator : JsonPathValidator<LoginRequest>
{
    public LoginRequestValidator()
    {
        RuleFor(r => r.Username).Cascade(CascadeMode.Stop)
            .Must(u => !string.IsNullOrWhiteSpace(u)).WithMessage(_ => Texts.Pick("A username is required.", "用户名不能为空。"))
            .MaximumLength(CreateUserRequestValidator.MaxUsernameLength).WithMessage(_ => Texts.Pick(
                $"A username is at most {CreateUserRequestValidator.MaxUsernameLength} characters.", $"用户名最多 {CreateUserRequestValidator.MaxUsernameLength} 个字符。"));
        RuleFor(r => r.Password).NotEmpty().WithMessage(_ => Texts.Pick("A password is required.", "密码不能为空。"));
    }
}

public sealed record LoginResponse(string Token, long UserId, string Username, string DisplayName, string Role, string Language, DateTimeOffset ExpiresAt);

public sealed record MeResponse(string Name, string Role, long? UserId, long? ApiKeyId);

/// <summary>Sign-in for people (pages and agents): a session token, also set as an HttpOnly cookie.</summary>
public static class AuthApi
{
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Sign-in");
        group.MapPost("/login", Login).AllowAnonymous().Validate<LoginRequest>().RequireRateLimiting(SignInGuard.AddressPolicy).ProducesProblem(429);
        group.MapPost("/logout", Logout);
        group.MapGet("/me", Me);
        return app;
    }

    /// <summary>401 for a wrong user name or password; 429 with Retry-After while the user name is locked (<see cref="SignInGuard"/>).</summary>
    public static async Task<Results<Ok<LoginResponse>, UnauthorizedHttpResult, ProblemHttpResult>> Login(
        LoginRequest request, SignInGuard guard, UserStore users, HttpContext http, CancellationToken ct)
    {
        var attempt = await guard.SignInAsync(
            request.Username.Trim(), request.Password, http.Connection.RemoteIpAddress?.ToString(), SignInGuard.ChannelApi, ct);
        if (attempt.RetryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = SignInGuard.RetryAfterSeconds(wait);
            return TypedResults.Problem(SignInGuard.TooMany(wait));
        }

        var user = attempt.User;
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var (token, expiresAt) = await users.CreateSessionAsync(user.Id, SessionLifetime, ct);
        http.Response.Cookies.Append(DialerAuthentication.SessionCookie, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Expires = DateTimeOffset.FromUnixTimeMilliseconds(expiresAt),
        });
        return TypedResults.Ok(new LoginResponse(token, user.Id, user.Username, user.DisplayName, user.Role, user.Language, Ms.ToTime(expiresAt)));
    }

    public static async Task<NoContent> Logout(HttpContext http, UserStore users, CancellationToken ct)
    {
        string? header = http.Request.Headers.Authorization;
        var token = header?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true
            ? header["Bearer ".Length..].Trim()
            : http.Request.Cookies[DialerAuthentication.SessionCookie];
        if (token?.StartsWith(Secrets.SessionPrefix, StringComparison.Ordinal) == true)
        {
            await users.EndSessionAsync(token, ct);
        }

        http.Response.Cookies.Delete(DialerAuthentication.SessionCookie);
        return TypedResults.NoContent();
    }

    public static Ok<MeResponse> Me(System.Security.Claims.ClaimsPrincipal user) =>
        TypedResults.Ok(new MeResponse(
            user.Identity?.Name ?? "",
            user.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value ?? "",
            user.UserId(),
            user.ApiKeyId()));
}
