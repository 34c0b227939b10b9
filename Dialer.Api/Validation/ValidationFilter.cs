using FluentValidation;

namespace Dialer.Api.Validation;

/// <summary>Runs the FluentValidation validator of the request body and answers 400 ValidationProblem naming each bad field.</summary>
public sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var body = context.Arguments.OfType<T>().FirstOrDefault();
        if (body is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON body is required."] });
        }

        var result = await validator.ValidateAsync(body, context.HttpContext.RequestAborted);
        return result.IsValid ? await next(context) : TypedResults.ValidationProblem(result.ToDictionary());
    }
}

public static class ValidationExtensions
{
    /// <summary>Validates the request body of type T before the handler runs.</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();

    /// <summary>Registers every validator in the Api and Db assemblies (the DI extensions package is not served here).</summary>
    public static IServiceCollection AddValidators(this IServiceCollection services)
    {
        foreach (var assembly in new[] { typeof(ValidationExtensions).Assembly, typeof(Dialer.Db.DbOptions).Assembly })
        {
            foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
            {
                var contract = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>));
                if (contract is not null)
                {
                    services.AddSingleton(contract, type);
                }
            }
        }

        return services;
    }
}
