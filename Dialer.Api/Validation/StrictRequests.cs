using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Dialer.Api.Apis;
using Dialer.Db.Model;
using Microsoft.AspNetCore.Diagnostics;

namespace Dialer.Api.Validation;

/// <summary>
/// Every JSON body read by an endpoint (keys, users, DNC, sign-in, the agent API…) is read as strictly as the campaign
/// API reads its own (<see cref="JsonBody"/>): an unknown field is refused, a number must be a JSON number (not
/// "5"). What the endpoint cannot bind, a body or a parameter (<c>?page=abc</c>), is answered 400 ValidationProblem
/// naming the camelCase field, instead of a bare 400.
/// </summary>
public static partial class StrictRequests
{
    public static IServiceCollection AddStrictRequests(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // A failed binding throws (as in Development), so that BadRequestHandler can say which field and why.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestHandler>();
        services.Configure<ExceptionHandlerOptions>(o => o.SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException);
        return services;
    }

    /// <summary>The answer to a request an endpoint could not bind: 400 (or the status it carries) naming the field.</summary>
    public sealed class BadRequestHandler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
        {
            if (exception is not BadHttpRequestException bad)
            {
                return false;
            }

            http.Response.StatusCode = bad.StatusCode;
            IResult answer = bad.InnerException is JsonException json
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [JsonBody.Field(json.Path)] = [JsonBody.Describe(json)] })
                : bad.StatusCode == StatusCodes.Status400BadRequest && Parameter().Match(bad.Message) is { Success: true } parameter
                    ? TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    {
                        [JsonPathValidator<object>.CamelPath(parameter.Groups["name"].Value)] = [Texts.Pick(
                            $"'{parameter.Groups["value"].Value}' is not a valid value here.", $"“{parameter.Groups["value"].Value}”不是此处的有效值。")],
                    })
                    : TypedResults.Problem(statusCode: bad.StatusCode, detail: bad.Message);
            await answer.ExecuteAsync(http);
            return true;
        }
    }

    /// <summary>RequestDelegateFactory's words for a parameter that did not parse: Failed to bind parameter "int? page" from "abc".</summary>
    [GeneratedRegex("""^Failed to bind parameter "(?:[^"]* )?(?<name>[A-Za-z0-9_]+)" from "(?<value>[^"]*)"\.""")]
    private static partial Regex Parameter();
}
