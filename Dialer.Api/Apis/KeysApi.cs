using Dialer.Api.Auth;
using Dialer.Api.Validation;
using Dialer.Db.Auth;
using Dialer.Db.Model;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Apis;

public sealed record CreateKeyRequest(string Name, string Role);

public sealed record CreatedKey(long Id, string Name, string Role, string Key, DateTimeOffset CreatedAt);

public sealed record KeyView(long Id, string Name, string Role, string KeyPrefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    public static KeyView From(ApiKeyRow r) => new(r.Id, r.Name, r.Role, r.KeyPrefix, Ms.ToTime(r.CreatedAt), Ms.ToTimeOrNull(r.RevokedAt), Ms.ToTimeOrNull(r.LastUsedAt));
}

public sealed class CreateKeyRequestValidator : JsonPathValidator<CreateKeyRequest>
{
    public const int MaxNameLength = 200;

    public CreateKeyRequestValidator()
    {
        RuleFor(r => r.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage(_ => Texts.Pick("A name is required.", "名称不能为空。"))
            .MaximumLength(MaxNameLength).WithMessage(_ => Texts.Pick($"The name may be at most {MaxNameLength} characters.", $"名称最多 {MaxNameLength} 个字符。"));
        RuleFor(r => r.Role).Must(r => Roles.ApiKeyRoles.Contains(r))
            .WithMessage(_ => Texts.Pick($"role must be one of: {string.Join(", ", Roles.ApiKeyRoles)}.", $"角色 (role) 必须是以下之一：{string.Join(", ", Roles.ApiKeyRoles)}。"));
    }
}

/// <summary>API keys: created by admins, shown once, stored only as a hash.</summary>
public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").WithTags("API keys").RequireAuthorization(Policies.Admin);
        group.MapPost("/", CreateKey).Validate<CreateKeyRequest>();
        group.MapGet("/", ListKeys);
        group.MapDelete("/{id:long}", RevokeKey);
        return app;
    }

    public static async Task<Created<CreatedKey>> CreateKey(CreateKeyRequest request, ApiKeyStore keys, CancellationToken ct)
    {
        var key = Secrets.NewApiKey();
        var row = await keys.CreateAsync(request.Name.Trim(), request.Role, key, ct);
        return TypedResults.Created($"/api/keys/{row.Id}", new CreatedKey(row.Id, row.Name, row.Role, key, Ms.ToTime(row.CreatedAt)));
    }

    public static async Task<Ok<IEnumerable<KeyView>>> ListKeys(ApiKeyStore keys, CancellationToken ct) =>
        TypedResults.Ok((await keys.ListAsync(ct)).Select(KeyView.From));

    public static async Task<Results<NoContent, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> RevokeKey(long id, ApiKeyStore keys, CancellationToken ct) =>
        await keys.RevokeAsync(id, ct)
            ? TypedResults.NoContent()
            : TypedResults.NotFound(Problems.NotFound($"No active API key {id}."));
}
