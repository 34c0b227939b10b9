using System.Globalization;
using System.Security.Claims;
using Dialer.Api.Auth;
using Dialer.Api.Imports;
using Dialer.Api.Validation;
using Dialer.Db.Dnc;
using Dialer.Db.Imports;
using Dialer.Db.Model;
using Dialer.Db.Phones;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

/// <summary>campaignId null puts the number on the global list.</summary>
public sealed record AddDncRequest(string Phone, long? CampaignId, string? Source, DateTimeOffset? ExpiresAt, string? DefaultCountry);

public sealed record DncView(string Phone, long? CampaignId, string? Source, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Active)
{
    public static DncView From(DncEntry e, long now) => new(
        e.Phone, e.CampaignId == DncStore.Global ? null : e.CampaignId, e.Source, Ms.ToTime(e.CreatedAt), Ms.ToTimeOrNull(e.ExpiresAt),
        e.ExpiresAt is null || e.ExpiresAt > now);
}

public sealed record DncAdded(DncView Entry, int ContactsMarked);

public sealed record DncPage(int Page, int PageSize, long Total, IReadOnlyList<DncView> Entries);

public sealed class AddDncRequestValidator : JsonPathValidator<AddDncRequest>
{
    public const int MaxSourceLength = 200;

    public AddDncRequestValidator(TimeProvider time)
    {
        RuleFor(r => r.Phone).Custom((phone, context) =>
        {
            if (string.IsNullOrWhiteSpace(phone))
            {
                context.AddFailure(Texts.Pick("phone is required.", "号码 (phone) 不能为空。"));
            }
            else if (PhoneNumbers.Normalize(phone, context.InstanceToValidate.DefaultCountry ?? "CN") is { Ok: false } result)
            {
                context.AddFailure(Texts.Pick($"Invalid phone: {result.Reason}.", $"号码无效：{result.ReasonZh}。"));
            }
        });
        RuleFor(r => r.CampaignId).GreaterThan(0).When(r => r.CampaignId is not null)
            .WithMessage(_ => Texts.Pick("campaignId must be a campaign id (null for the global list).", "campaignId 必须是活动编号（全局名单用 null）。"));
        RuleFor(r => r.Source).MaximumLength(MaxSourceLength)
            .WithMessage(_ => Texts.Pick($"source may be at most {MaxSourceLength} characters.", $"来源 (source) 最多 {MaxSourceLength} 个字符。"));
        RuleFor(r => r.DefaultCountry).Must(PhoneNumbers.IsKnownCountry).When(r => r.DefaultCountry is not null)
            .WithMessage(_ => Texts.Pick("Unknown country: use an ISO 3166 code such as CN, US or GB.", "未知的国家：请使用 ISO 3166 代码，例如 CN、US 或 GB。"));
        RuleFor(r => r.ExpiresAt).Must(at => at > time.GetUtcNow()).When(r => r.ExpiresAt is not null)
            .WithMessage(_ => Texts.Pick("expiresAt must be in the future.", "过期时间 (expiresAt) 必须是将来的时间。"));
    }
}

/// <summary>Do-not-call lists: global (campaignId null) or per campaign; numbers on them are not dialled.</summary>
public static class DncApi
{
    public const int PageSize = 100;

    public static IEndpointRouteBuilder MapDncApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/dnc").WithTags("Do not call").RequireAuthorization(Policies.Manager);
        group.MapPost("/", AddDnc).Validate<AddDncRequest>();
        group.MapDelete("/{phone}", RemoveDnc);
        group.MapGet("/", ListDnc);
        group.MapPost("/import", ImportDnc).Accepts<DncImportForm>("multipart/form-data").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    public static async Task<Results<Created<DncAdded>, Ok<DncAdded>, NotFound<ProblemDetails>>> AddDnc(
        AddDncRequest request, DncStore dnc, ImportStore imports, CancellationToken ct)
    {
        if (request.CampaignId is { } campaignId && await imports.CampaignAsync(campaignId, ct) is null)
        {
            return TypedResults.NotFound(Problems.NotFound(Texts.Pick($"No campaign {campaignId}.", $"活动 {campaignId} 不存在。")));
        }

        var e164 = PhoneNumbers.Normalize(request.Phone, request.DefaultCountry ?? "CN").E164!;
        var (entry, created, marked) = await dnc.AddAsync(
            e164, request.CampaignId ?? DncStore.Global, request.Source?.Trim(), request.ExpiresAt?.ToUnixTimeMilliseconds(), ct);
        var body = new DncAdded(DncView.From(entry, dnc.Now()), marked);
        return created
            ? TypedResults.Created(Location(e164, request.CampaignId), body)
            : TypedResults.Ok(body);
    }

    public static async Task<Results<NoContent, NotFound<ProblemDetails>, ValidationProblem>> RemoveDnc(
        string phone, long? campaignId, string? defaultCountry, DncStore dnc, CancellationToken ct)
    {
        var normalized = PhoneNumbers.Normalize(phone, defaultCountry ?? "CN");
        if (!normalized.Ok)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["phone"] = [Texts.Pick($"Invalid phone: {normalized.Reason}.", $"号码无效：{normalized.ReasonZh}。")] });
        }

        return await dnc.RemoveAsync(normalized.E164!, campaignId ?? DncStore.Global, ct)
            ? TypedResults.NoContent()
            : TypedResults.NotFound(Problems.NotFound(Texts.Pick(
                $"{normalized.E164} is not on the {(campaignId is null ? "global list" : $"list of campaign {campaignId}")}.",
                $"{normalized.E164} 不在{(campaignId is null ? "全局名单" : $"活动 {campaignId} 的名单")}中。")));
    }

    /// <summary>Entries newest first, 100 a page; campaignId 0 is the global list, no campaignId every list.</summary>
    public static async Task<Results<Ok<DncPage>, ValidationProblem>> ListDnc(
        string? phone, long? campaignId, int? page, string? defaultCountry, DncStore dnc, CancellationToken ct)
    {
        string? e164 = null;
        if (!string.IsNullOrWhiteSpace(phone))
        {
            var normalized = PhoneNumbers.Normalize(phone, defaultCountry ?? "CN");
            if (!normalized.Ok)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["phone"] = [$"Invalid phone: {normalized.Reason}."] });
            }

            e164 = normalized.E164;
        }

        if (page is < 1)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["page"] = ["page starts at 1."] });
        }

        var (entries, total) = await dnc.ListAsync(e164, campaignId, page ?? 1, PageSize, ct);
        var now = dnc.Now();
        return TypedResults.Ok(new DncPage(page ?? 1, PageSize, total, entries.Select(e => DncView.From(e, now)).ToList()));
    }

    /// <summary>Bulk CSV: a phone column, optional source and expiresAt columns; answered 202 with the import to follow.</summary>
    public static async Task<Results<Accepted<ImportAccepted>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> ImportDnc(
        HttpRequest request, ImportStore imports, ImportFiles files, ImportQueue queue, ClaimsPrincipal user, CancellationToken ct)
    {
        var (upload, errors, tooLarge) = await ImportUpload.ReadAsync(request, files, contacts: false, ct);
        if (tooLarge is not null)
        {
            return TypedResults.Problem(tooLarge);
        }

        if (upload is null)
        {
            return TypedResults.ValidationProblem(errors!);
        }

        long? campaignId = null;
        if (upload.Fields.TryGetValue("campaignId", out var text) && !string.IsNullOrEmpty(text))
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                ImportUpload.Discard(upload.Path);
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["campaignId"] = ["campaignId must be a campaign id (omit it for the global list)."] });
            }

            if (await imports.CampaignAsync(id, ct) is null)
            {
                ImportUpload.Discard(upload.Path);
                return TypedResults.NotFound(Problems.NotFound(Texts.Pick($"No campaign {id}.", $"活动 {id} 不存在。")));
            }

            campaignId = id;
        }

        var importId = await ImportsApi.EnqueueAsync(upload, ImportKinds.Dnc, campaignId, null, imports, files, queue, user, ct);
        var location = $"/api/imports/{importId}";
        return TypedResults.Accepted(location, new ImportAccepted(importId, ImportStatus.Queued, location));
    }

    private static string Location(string e164, long? campaignId) =>
        campaignId is null ? $"/api/dnc?phone={Uri.EscapeDataString(e164)}" : $"/api/dnc?phone={Uri.EscapeDataString(e164)}&campaignId={campaignId}";

    /// <summary>The multipart form, for the OpenAPI document.</summary>
    public sealed class DncImportForm
    {
        public IFormFile? File { get; set; }

        /// <summary>Omit for the global list.</summary>
        public long? CampaignId { get; set; }

        public string? Encoding { get; set; }

        public string? DefaultCountry { get; set; }

        public string? PhoneColumn { get; set; }
    }
}
