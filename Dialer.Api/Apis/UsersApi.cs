using System.Security.Claims;
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

public sealed partial class CreateUserRequestValidator : JsonPathValidator<CreateUserRequest>
{
    public const int MaxUsernameLength = 100;
    public const int MaxDisplayNameLength = 200;
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 200;

    public CreateUserRequestValidator()
    {
        RuleFor(r => r.Username).Cascade(CascadeMode.Stop)
            .Must(u => !string.IsNullOrWhiteSpace(u)).WithMessage(_ => Texts.Pick("A username is required.", "用户名不能为空。"))
            .MaximumLength(MaxUsernameLength).WithMessage(_ => Texts.Pick($"The username may be at most {MaxUsernameLength} characters.", $"用户名最多 {MaxUsernameLength} 个字符。"))
            .Matches(UserName()).WithMessage(_ => Texts.Pick("Username may hold letters, digits, '.', '_' and '-' only.", "用户名只能包含字母、数字、'.'、'_' 和 '-'。"));
        RuleFor(r => r.DisplayName).MaximumLength(MaxDisplayNameLength)
            .WithMessage(_ => Texts.Pick($"displayName may be at most {MaxDisplayNameLength} characters.", $"显示名称最多 {MaxDisplayNameLength} 个字符。"));
        RuleFor(r => r.Role).Must(r => Roles.UserRoles.Contains(r))
            .WithMessage(_ => Texts.Pick($"role must be one of: {string.Join(", ", Roles.UserRoles)}.", $"角色 (role) 必须是以下之一：{string.Join(", ", Roles.UserRoles)}。"));
        RuleFor(r => r.Password).Must(p => p is { Length: >= MinPasswordLength and <= MaxPasswordLength })
            .WithMessage(_ => Texts.Pick($"The password must be {MinPasswordLength} to {MaxPasswordLength} characters.", $"密码必须为 {MinPasswordLength} 到 {MaxPasswordLength} 个字符。"));
        RuleFor(r => r.SipUsername).Matches(UserName()).When(r => r.SipUsername is not null)
            .WithMessage(_ => Texts.Pick("SIP username may hold letters, digits, '.', '_' and '-' only.", "SIP 用户名只能包含字母、数字、'.'、'_' 和 '-'。"));
        RuleFor(r => r.SipPassword).Cascade(CascadeMode.Stop)
            .NotEmpty().When(r => r.Role == Roles.Agent, ApplyConditionTo.CurrentValidator)
            .WithMessage(_ => Texts.Pick("An agent needs SIP credentials for its phone: give sipPassword.", "坐席需要电话的 SIP 凭据：请提供 sipPassword。"))
            .MinimumLength(MinPasswordLength).When(r => r.SipPassword is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage(_ => Texts.Pick($"sipPassword must be at least {MinPasswordLength} characters.", $"SIP 密码至少 {MinPasswordLength} 个字符。"));
        RuleFor(r => r.Language).Must(l => l is null or "en" or "zh")
            .WithMessage(_ => Texts.Pick("language must be en or zh.", "语言 (language) 必须是 en 或 zh。"));
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
        group.MapPost("/{id:long}/enable", EnableUser).WithSummary("A disabled user may sign in again.");
        return app;
    }

    public static async Task<Results<Created<UserView>, Conflict<ProblemDetails>>> CreateUser(
        CreateUserRequest request, UserStore users, IConfiguration configuration, CancellationToken ct)
    {
        var sipUser = request.SipPassword is null ? null : request.SipUsername ?? request.Username;
        if (await users.UsernameTakenAsync(request.Username, sipUser, ct))
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick(
                $"The username or SIP username '{request.Username}' is taken.", $"用户名或 SIP 用户名 '{request.Username}' 已被使用。")));
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

    public static async Task<Results<NoContent, NotFound<ProblemDetails>>> DisableUser(long id, UserStore users, ClaimsPrincipal user, AuditTrail audit,
        CancellationToken ct)
    {
        if (!await users.DisableAsync(id, ct))
        {
            return TypedResults.NotFound(Problems.NotFound(Texts.Pick($"No enabled user {id}.", $"没有已启用的用户 {id}。")));
        }

        await audit.RecordAsync(user, AuditActions.UserDisable, AuditTargets.User, id, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, NotFound<ProblemDetails>>> EnableUser(long id, UserStore users, ClaimsPrincipal user, AuditTrail audit,
        CancellationToken ct)
    {
        if (!await users.EnableAsync(id, ct))
        {
            return TypedResults.NotFound(Problems.NotFound(Texts.Pick($"No disabled user {id}.", $"没有已停用的用户 {id}。")));
        }

        await audit.RecordAsync(user, AuditActions.UserEnable, AuditTargets.User, id, ct);
        return TypedResults.NoContent();
    }
}
