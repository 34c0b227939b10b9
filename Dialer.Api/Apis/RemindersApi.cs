using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Dialer.Api.Auth;
using Dialer.Api.Webhooks;
using Dialer.Db.Auth;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;
using Dialer.Db.Reminders;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

public sealed record CreateWebhookRequest(string Url, string? Secret);

public sealed record CreatedWebhook(long Id, string Url, string Secret, DateTimeOffset CreatedAt);

public sealed record WebhookView(long Id, string Url, bool Disabled, DateTimeOffset CreatedAt);

public sealed record ReminderPage(IReadOnlyList<ReminderView> Reminders, string? Next);

public sealed class CreateWebhookRequestValidator : JsonPathValidator<CreateWebhookRequest>
{
    public const int MaxUrlLength = 1000;

    public CreateWebhookRequestValidator(WebhookOptions options)
    {
        RuleFor(r => r.Url).Cascade(CascadeMode.Stop)
            .Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            .WithMessage(_ => Texts.Pick("url must be an absolute http or https URL.", "url 必须是完整的 http 或 https 地址。"))
            .MaximumLength(MaxUrlLength).WithMessage(_ => Texts.Pick($"url may be at most {MaxUrlLength} characters.", $"url 最多 {MaxUrlLength} 个字符。"))
            .CustomAsync(async (url, context, ct) =>
            {
                // Server-side request forgery: https only, and never an internal address (see WebhookTargets).
                if (await WebhookTargets.RefuseResolvedAsync(url, options, ct) is { } refused)
                {
                    context.AddFailure(Texts.Pick(refused, "url 必须是可公开访问的 https 地址：" + refused));
                }
            });
        RuleFor(r => r.Secret).Must(s => s is null || (s.Length >= 16 && s.Length <= 200))
            .WithMessage(_ => Texts.Pick("secret, when given, must be 16 to 200 characters; leave it out to have one generated.", "secret 如果给出，必须为 16 到 200 个字符；省略则自动生成。"));
    }
}

/// <summary>
/// The billing intake for billing keys: reminder batches with Idempotency-Key, each reminder's state,
/// and webhooks that receive the final outcome signed with HMAC-SHA256.
/// </summary>
public static class RemindersApi
{
    public const string IdempotencyHeader = "Idempotency-Key";
    private const int MaxIdempotencyKeyLength = 200;

    /// <summary>Services of the campaign and billing APIs: the strict JSON reader and the webhook delivery loop.</summary>
    public static IServiceCollection AddCampaignsAndReminders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<JsonBody>();
        services.AddWebhookDelivery(configuration);
        return services;
    }

    public static IEndpointRouteBuilder MapRemindersApi(this IEndpointRouteBuilder app)
    {
        var reminders = app.MapGroup("/api/reminders").WithTags("Billing reminders").RequireAuthorization(Policies.Billing);
        reminders.MapPost("/", SubmitReminders).Accepts<ReminderBatch>("application/json")
            .Produces<ReminderBatchResult>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Submit up to 10,000 reminders into a billing_reminder campaign; Idempotency-Key header required.");
        reminders.MapGet("/{id}", GetReminder).ProducesProblem(404).WithSummary("One of your reminders: state, outcome, attempts, last attempt.");
        reminders.MapGet("/", ListReminders).WithSummary("Your reminders changed since ?since= (ISO 8601), oldest first, paged with next.");

        var webhooks = app.MapGroup("/api/webhooks").WithTags("Billing reminders").RequireAuthorization(Policies.Billing);
        webhooks.MapPost("/", CreateWebhook).Accepts<CreateWebhookRequest>("application/json").ProducesValidationProblem()
            .WithSummary("Register a callback URL for final reminder outcomes; the signing secret is answered once.");
        webhooks.MapGet("/", ListWebhooks).WithSummary("Your webhooks (without secrets).");
        webhooks.MapDelete("/{id:long}", DeleteWebhook).ProducesProblem(404).WithSummary("Disable one of your webhooks.");
        return app;
    }

    /// <summary>
    /// Order of checks: the Idempotency-Key header, the body, then a key seen before (same body: the stored
    /// answer; other body: 409), then the campaign (404 unknown or not granted to this key, the same answer for
    /// both; 400 not billing_reminder, 409 stopped). Only a batch that was stored has its answer kept under the key.
    /// </summary>
    public static async Task<IResult> SubmitReminders(
        HttpRequest request, ClaimsPrincipal user, JsonBody json, IValidator<ReminderBatch> validator,
        ReminderStore store, CampaignStore campaigns, ApiKeyStore keys, CancellationToken ct)
    {
        var apiKeyId = user.ApiKeyId();
        if (apiKeyId is null)
        {
            return TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: "Reminders are submitted with a billing API key.");
        }

        string? idemKey = request.Headers[IdempotencyHeader];
        if (string.IsNullOrWhiteSpace(idemKey) || idemKey.Length > MaxIdempotencyKeyLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [IdempotencyHeader] = [$"The {IdempotencyHeader} header is required (1 to {MaxIdempotencyKeyLength} characters, unique per batch, e.g. a UUID); a retry sends the same value."],
            });
        }

        var (batch, problem) = await json.ReadAsync(request, validator, ct);
        if (problem is not null)
        {
            return problem;
        }

        var hash = ReminderCanonical.Hash(batch!);
        var stored = await store.FindIdempotentAsync(apiKeyId.Value, idemKey, ct);
        if (stored is not null)
        {
            return Answer(new SubmitResult(stored.RequestHash == hash ? SubmitOutcome.Replayed : SubmitOutcome.KeyReused, stored.StatusCode, stored.ResponseJson), request);
        }

        // A campaign not granted to the key is answered as one that does not exist: the key learns nothing of it.
        var campaign = await keys.MayUseCampaignAsync(apiKeyId.Value, batch!.CampaignId, ct) ? await campaigns.GetAsync(batch.CampaignId, ct) : null;
        if (campaign is null)
        {
            return TypedResults.Problem(Problems.NotFound($"No campaign {batch.CampaignId}."));
        }

        if (campaign.Definition.Type != CampaignTypes.BillingReminder)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["campaignId"] = [Texts.Pick(
                    $"Campaign {campaign.Id} is a {campaign.Definition.Type} campaign; reminders go into a billing_reminder campaign.",
                    $"活动 {campaign.Id} 是 {campaign.Definition.Type} 类型的活动；提醒只能提交到 billing_reminder（账单提醒）活动。")],
            });
        }

        if (campaign.Status == CampaignStatus.Stopped)
        {
            return TypedResults.Problem(Problems.Conflict($"Campaign {campaign.Id} is stopped; it will not dial again."));
        }

        var result = await store.SubmitAsync(apiKeyId.Value, idemKey, hash, campaign.Id, campaign.Definition, batch, ct);
        return Answer(result, request);
    }

    public static async Task<Results<Ok<ReminderView>, ProblemHttpResult>> GetReminder(
        string id, ClaimsPrincipal user, ReminderStore store, CancellationToken ct)
    {
        var reminder = user.ApiKeyId() is { } key ? await store.GetAsync(key, id, ct) : null;
        return reminder is null
            ? TypedResults.Problem(Problems.NotFound($"No reminder {id}."))
            : TypedResults.Ok(reminder);
    }

    /// <summary>
    /// The caller's reminders changed at or after <paramref name="since"/> (ISO 8601), oldest change first;
    /// when a page is full, <c>next</c> is the URL of the following page.
    /// </summary>
    public static async Task<Results<Ok<ReminderPage>, ValidationProblem>> ListReminders(
        string? since, string? after, int? limit, ClaimsPrincipal user, ReminderStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var from = DateTimeOffset.UnixEpoch;
        if (since is not null && !DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out from))
        {
            errors["since"] = ["since must be an ISO 8601 time, e.g. 2026-11-21T08:00:00Z."];
        }

        var take = limit ?? 1000;
        if (take is < 1 or > 10_000)
        {
            errors["limit"] = ["limit must be from 1 to 10000."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var page = await store.ListAsync(user.ApiKeyId() ?? -1, from.ToUnixTimeMilliseconds(), after ?? "", take, ct);
        string? next = null;
        if (page.Count == take)
        {
            var last = page[^1];
            next = $"/api/reminders?since={Uri.EscapeDataString(last.UpdatedAt.ToString("O", CultureInfo.InvariantCulture))}&after={last.Id}&limit={take}";
        }

        return TypedResults.Ok(new ReminderPage(page, next));
    }

    public static async Task<Results<Created<CreatedWebhook>, ValidationProblem>> CreateWebhook(
        HttpRequest request, ClaimsPrincipal user, JsonBody json, IValidator<CreateWebhookRequest> validator, WebhookStore store, CancellationToken ct)
    {
        var (body, problem) = await json.ReadAsync(request, validator, ct);
        if (problem is not null)
        {
            return problem;
        }

        var secret = body!.Secret ?? "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var row = await store.CreateAsync(user.ApiKeyId() ?? -1, body.Url, secret, ct);
        return TypedResults.Created($"/api/webhooks/{row.Id}", new CreatedWebhook(row.Id, row.Url, secret, Ms.ToTime(row.CreatedAt)));
    }

    public static async Task<Ok<IEnumerable<WebhookView>>> ListWebhooks(ClaimsPrincipal user, WebhookStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(user.ApiKeyId() ?? -1, ct))
            .Select(w => new WebhookView(w.Id, w.Url, w.DisabledAt is not null, Ms.ToTime(w.CreatedAt))));

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(long id, ClaimsPrincipal user, WebhookStore store, CancellationToken ct) =>
        await store.DisableAsync(user.ApiKeyId() ?? -1, id, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(Problems.NotFound($"No active webhook {id}."));

    private static IResult Answer(SubmitResult result, HttpRequest request)
    {
        if (result.Outcome == SubmitOutcome.KeyReused)
        {
            return TypedResults.Problem(Problems.Conflict(
                $"This {IdempotencyHeader} was already used with a different body. Use a new key for a new batch; a retry must send the same body."));
        }

        if (result.Outcome == SubmitOutcome.Replayed)
        {
            request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        }

        // The stored bytes, so a replay is identical to the first answer.
        return TypedResults.Content(result.ResponseJson, "application/json; charset=utf-8", statusCode: result.StatusCode);
    }
}
