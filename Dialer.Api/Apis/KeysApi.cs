using System.Security.Claims;
using Dialer.Api.Auth;
using Dialer.Api.Validation;
using Dialer.Db.Auth;
using Dialer.Db.Model;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Apis;

/// <summary>A new key; <c>campaignIds</c>: the campaigns a billing key may submit reminders into (none when left out).</summary>
public sealed record CreateKeyRequest(string Name, string Role, IReadOnlyList<long>? CampaignIds = null);

/// <summary>The complete set of campaigns a billing key may use from now on (an empty list takes all away).</summary>
public sealed record KeyCampaignsRequest(IReadOnlyList<long> CampaignIds);

public sealed record CreatedKey(long Id, string Name, string Role, string Key, DateTimeOffset CreatedAt, IReadOnlyList<long> CampaignIds);

public sealed record KeyView(
    long Id, string Name, string Role, string KeyPrefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, IReadOnlyList<long> CampaignIds)
{
    public static KeyView From(ApiKeyRow r) =>
        new(r.Id, r.Name, r.Role, r.KeyPrefix, Ms.ToTime(r.CreatedAt), Ms.ToTimeOrNull(r.RevokedAt), Ms.ToTimeOrNull(r.LastUsedAt), r.CampaignIds);
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
        RuleFor(r => r.CampaignIds).Must(ids => ids is null || ids.Count == 0).When(r => r.Role != Roles.Billing)
            .WithMessage(_ => Texts.Pick("campaignIds are granted to billing keys only.", "campaignIds 只能授予 billing（账单）密钥。"));
        RuleFor(r => r.CampaignIds).Must(KeyCampaignsRequestValidator.Fits!).When(r => r.CampaignIds is not null)
            .WithMessage(_ => KeyCampaignsRequestValidator.Message);
    }
}

public sealed class KeyCampaignsRequestValidator : JsonPathValidator<KeyCampaignsRequest>
{
    public const int MaxCampaigns = 1000;

    public static string Message => Texts.Pick(
        $"campaignIds must be a list of at most {MaxCampaigns} positive campaign ids.", $"campaignIds 必须是最多 {MaxCampaigns} 个正整数活动编号的列表。");

    public KeyCampaignsRequestValidator()
    {
        RuleFor(r => r.CampaignIds).Must(Fits).WithMessage(_ => Message);
    }

    public static bool Fits(IReadOnlyList<long> ids) => ids is not null && ids.Count <= MaxCampaigns && ids.All(id => id > 0);
}

/// <summary>API keys: created by admins, shown once, stored only as a hash.</summary>
public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").WithTags("API keys").RequireAuthorization(Policies.Admin);
        group.MapPost("/", CreateKey).Validate<CreateKeyRequest>();
        group.MapGet("/", ListKeys);
        group.MapPut("/{id:long}/campaigns", SetCampaigns).Validate<KeyCampaignsRequest>().ProducesProblem(404)
            .WithSummary("Replace the campaigns a billing key may submit reminders into.");
        group.MapDelete("/{id:long}", RevokeKey);
        return app;
    }

    public static async Task<Results<Created<CreatedKey>, ValidationProblem>> CreateKey(CreateKeyRequest request, ApiKeyStore keys, CancellationToken ct)
    {
        var campaignIds = request.CampaignIds ?? [];
        if (await MissingProblemAsync(keys, campaignIds, ct) is { } problem)
        {
            return problem;
        }

        var key = Secrets.NewApiKey();
        var row = await keys.CreateAsync(request.Name.Trim(), request.Role, key, campaignIds, ct);
        return TypedResults.Created($"/api/keys/{row.Id}", new CreatedKey(row.Id, row.Name, row.Role, key, Ms.ToTime(row.CreatedAt), row.CampaignIds));
    }

    /// <summary>Grants a billing key exactly these campaigns; 404 for no active key, 400 for a key of another role or unknown ids.</summary>
    public static async Task<Results<Ok<KeyView>, ValidationProblem, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> SetCampaigns(
        long id, KeyCampaignsRequest request, ApiKeyStore keys, CancellationToken ct)
    {
        var current = (await keys.ListAsync(ct)).FirstOrDefault(k => k.Id == id && k.RevokedAt is null);
        if (current is null)
        {
            return TypedResults.NotFound(Problems.NotFound($"No active API key {id}."));
        }

        if (current.Role != Roles.Billing && request.CampaignIds.Count > 0)
        {
            return ValidationExtensions.Problem("campaignIds", Texts.Pick("campaignIds are granted to billing keys only.", "campaignIds 只能授予 billing（账单）密钥。"));
        }

        if (await MissingProblemAsync(keys, request.CampaignIds, ct) is { } problem)
        {
            return problem;
        }

        var row = await keys.SetCampaignsAsync(id, request.CampaignIds, ct);
        return row is null ? TypedResults.NotFound(Problems.NotFound($"No active API key {id}.")) : TypedResults.Ok(KeyView.From(row));
    }

    private static async Task<ValidationProblem?> MissingProblemAsync(ApiKeyStore keys, IReadOnlyList<long> campaignIds, CancellationToken ct)
    {
        var missing = await keys.MissingCampaignsAsync(campaignIds, ct);
        return missing.Count == 0
            ? null
            : ValidationExtensions.Problem("campaignIds", Texts.Pick(
                $"No campaign {string.Join(", ", missing)}.", $"活动 {string.Join("、", missing)} 不存在。"));
    }

    public static async Task<Ok<IEnumerable<KeyView>>> ListKeys(ApiKeyStore keys, CancellationToken ct) =>
        TypedResults.Ok((await keys.ListAsync(ct)).Select(KeyView.From));

    public static async Task<Results<NoContent, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> RevokeKey(
        long id, ApiKeyStore keys, ClaimsPrincipal user, AuditTrail audit, CancellationToken ct)
    {
        if (!await keys.RevokeAsync(id, ct))
        {
            return TypedResults.NotFound(Problems.NotFound(Texts.Pick($"No active API key {id}.", $"没有有效的 API 密钥 {id}。")));
        }

        await audit.RecordAsync(user, AuditActions.KeyRevoke, AuditTargets.Key, id, ct);
        return TypedResults.NoContent();
    }
}
