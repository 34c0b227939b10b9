using System.Security.Claims;
using System.Text.Json;
using Dialer.Api.Auth;
using Dialer.Api.Validation;
using Dialer.Db.Model;
using Dialer.Db.Phones;
using Dialer.Db.TestCalls;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

public sealed record TestCallRequest(string? Number);

/// <summary>The number to dial, as a person would write it (China by default); its normal form is what is dialled.</summary>
public sealed class TestCallRequestValidator : JsonPathValidator<TestCallRequest>
{
    public const string DefaultCountry = "CN";

    public TestCallRequestValidator()
    {
        RuleFor(r => r.Number).Custom((number, context) =>
        {
            if (string.IsNullOrWhiteSpace(number))
            {
                context.AddFailure(Texts.Pick("Give the number to dial.", "请给出要拨打的号码。"));
            }
            else if (PhoneNumbers.Normalize(number, DefaultCountry) is { Ok: false } phone)
            {
                context.AddFailure(Texts.Pick($"Invalid phone: {phone.Reason}.", $"号码无效：{phone.Reason}。"));
            }
        });
    }
}

/// <summary>
/// A trunk test call. Result (when done or failed) is the object scripts/test-call prints: outcome, sipCode, reason,
/// ringingMs, answeredMs, durationMs, codec, hangupBy, plus carrier ("sip" or "simulated").
/// </summary>
public sealed record TestCallView(
    long Id, string Number, string State, string RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    JsonElement? Result)
{
    public static TestCallView From(TestCallRow r) => new(
        r.Id, r.Number, r.State, r.RequestedBy, Ms.ToTime(r.CreatedAt), Ms.ToTimeOrNull(r.StartedAt), Ms.ToTimeOrNull(r.FinishedAt),
        r.ResultJson is null ? null : JsonSerializer.Deserialize<JsonElement>(r.ResultJson));
}

/// <summary>
/// Trunk tests for administrators: the Api only queues the request in test_calls; a worker (which owns the trunk)
/// claims it, dials the number and stores the result, which GET reads back.
/// </summary>
public static class TestCallsApi
{
    public static IEndpointRouteBuilder MapTestCallsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/test-calls").WithTags("Trunk test calls").RequireAuthorization(Policies.Admin);
        group.MapPost("/", QueueTestCall).Validate<TestCallRequest>();
        group.MapGet("/{id:long}", GetTestCall);
        return app;
    }

    public static async Task<Accepted<TestCallView>> QueueTestCall(
        TestCallRequest request, ClaimsPrincipal user, TestCallStore calls, CancellationToken ct)
    {
        var phone = PhoneNumbers.Normalize(request.Number, TestCallRequestValidator.DefaultCountry);
        var by = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.Identity?.Name ?? "unknown";
        var row = await calls.QueueAsync(phone.E164!, by, ct);
        return TypedResults.Accepted($"/api/test-calls/{row.Id}", TestCallView.From(row));
    }

    public static async Task<Results<Ok<TestCallView>, NotFound<ProblemDetails>>> GetTestCall(long id, TestCallStore calls, CancellationToken ct)
    {
        // A request no worker took in time is failed here too, so the answer is honest when no worker runs at all.
        await calls.FailStaleAsync(ct);
        return await calls.FindAsync(id, ct) is { } row
            ? TypedResults.Ok(TestCallView.From(row))
            : TypedResults.NotFound(Problems.NotFound($"No test call {id}."));
    }
}
