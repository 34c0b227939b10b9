using Dialer.Db.Model;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Validation;

/// <summary>Runs the FluentValidation validator of the request body and answers 400 ValidationProblem naming each bad field.</summary>
public sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var body = context.Arguments.OfType<T>().FirstOrDefault();
        if (body is null)
        {
            return ValidationExtensions.Problem("body", Texts.Pick("A JSON body is required.", "需要 JSON 格式的请求体。"));
        }

        return await validator.ProblemAsync(body, context.HttpContext.RequestAborted) ?? await next(context);
    }
}

public static class ValidationExtensions
{
    /// <summary>Validates the request body of type T before the handler runs.</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();

    /// <summary>Null when <paramref name="body"/> is valid; else the 400 ValidationProblem naming each bad field.</summary>
    public static Task<ValidationProblem?> ProblemAsync<T>(this IValidator<T> validator, T body, CancellationToken ct) =>
        validator.ProblemAsync(new ValidationContext<T>(body), ct);

    /// <summary>As <see cref="ProblemAsync{T}(IValidator{T}, T, CancellationToken)"/>, with what the validator needs besides the body in the context.</summary>
    public static async Task<ValidationProblem?> ProblemAsync<T>(
        this IValidator<T> validator, ValidationContext<T> context, CancellationToken ct)
    {
        var result = await validator.ValidateAsync(context, ct);
        return result.IsValid ? null : TypedResults.ValidationProblem(result.ToDictionary());
    }

    /// <summary>A 400 ValidationProblem for one field.</summary>
    public static ValidationProblem Problem(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>
    /// Every validator of the Api (request bodies, beside their types in Apis/) and of Db (campaign definitions, reminder
    /// batches), resolved as IValidator&lt;T&gt;. Singletons: validators keep no state, and those that need the clock or a
    /// store take singletons.
    /// </summary>
    public static IServiceCollection AddValidators(this IServiceCollection services) =>
        services
            .AddValidatorsFromAssemblyContaining<CampaignDefinitionValidator>(ServiceLifetime.Singleton)
            .AddValidatorsFromAssemblyContaining(typeof(ValidationExtensions), ServiceLifetime.Singleton);
}
