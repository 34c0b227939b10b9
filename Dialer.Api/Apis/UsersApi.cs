using System.Text.RegularExpressions;
using Dialer.Api.Auth;
using Dialer.Api.Validation;
using Dialer.Db.Auth;
using Dialer.Db.Model;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

public sealed record CreateUserRequest(
    string Username,
    string? DisplayName,
    string Role,
    string Password,
    string? SipUsername,
    string? SipPassword,
    string? Language);

public sealed record UserView(long Id, string Username, string DisplayName, string Role, string? SipUsername, string Language, bool Disabled, DateTimeOffset CreatedAt)
{
    public static UserView From(UserRow u) => new(u.Id, u.Username, u.DisplayName, u.Role, u.SipUsername, u.Language, u.DisabledAt is not null, Ms.ToTime(u.CreatedAt));
}

public sealed partial class CreateUserRequestValidator : AbstractValidator<CreateUserRequest>
{
    public CreateUserRequestValidator()
    {
        RuleFor(r => r.Username).NotEmpty().MaximumLength(100).Matches(UserName())
            .WithMessage("Username may hold letters, digits, '.', '_' and '-' only.");
        RuleFor(r => r.DisplayName).MaximumLength(200);
        RuleFor(r => r.Role).Must(r => Roles.UserRoles.Contains(r))
            .WithMessage($"Role must be one of: {string.Join(", ", Roles.UserRoles)}.");
        RuleFor(r => r.Password).NotEmpty().MinimumLength(8).MaximumLength(200);
        RuleFor(r => r.SipUsername).Matches(UserName()).When(r => r.SipUsername is not null)
            .WithMessage("SIP username may hold letters, digits, '.', '_' and '-' only.");
        RuleFor(r => r.SipPassword).MinimumLength(8).When(r => r.SipPassword is not null);
        RuleFor(r => r.SipPassword).NotEmpty().When(r => r.Role == Roles.Agent)
            .WithMessage("An agent needs SIP credentials for its phone.");
        RuleFor(r => r.Language).Must(l => l is null or "en" or "zh").WithMessage("Language must be en or zh.");
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex UserName();
}

/// <summary>People who sign in: managers for the console, agents for the desktop (with SIP credentials for their phone).</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Policies.Admin);
        group.MapPost("/", CreateUser).Validate<CreateUserRequest>();
        group.MapGet("/", ListUsers);
        group.MapPost("/{id:long}/disable", DisableUser);
        return app;
    }

    public static async Task<Results<Created<UserView>, Conflict<ProblemDetails>>> CreateUser(
        CreateUserRequest request, UserStore users, IConfiguration configuration, CancellationToken ct)
    {
        var sipUser = request.SipPassword is null ? null : request.SipUsername ?? request.Username;
        if (await users.UsernameTakenAsync(request.Username, sipUser, ct))
        {
            return TypedResults.Conflict(Problems.Conflict($"The username or SIP username '{request.Username}' is taken."));
        }

        var realm = configuration["Telephony:Realm"] ?? UserStore.DefaultSipRealm;
        var row = await users.CreateAsync(
            new NewUser(request.Username, request.DisplayName ?? request.Username, request.Role, request.Password,
                request.SipUsername, request.SipPassword, request.Language ?? "en"),
            realm,
            ct);
        return TypedResults.Created($"/api/users/{row.Id}", UserView.From(row));
    }

    public static async Task<Ok<IEnumerable<UserView>>> ListUsers(string? role, UserStore users, CancellationToken ct) =>
        TypedResults.Ok((await users.ListAsync(role, ct)).Select(UserView.From));

    public static async Task<Results<NoContent, NotFound<ProblemDetails>>> DisableUser(long id, UserStore users, CancellationToken ct) =>
        await users.DisableAsync(id, ct)
            ? TypedResults.NoContent()
            : TypedResults.NotFound(Problems.NotFound($"No enabled user {id}."));
}
