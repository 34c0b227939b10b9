using System.Globalization;
using Dialer.Api.Auth;
using Dialer.Db.Forecast;
using Dialer.Db.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

/// <summary>
/// Staffing and completion forecast of a campaign (<c>GET /api/campaigns/{id}/forecast</c>) and the Erlang C seat
/// calculator (<c>GET /api/erlang</c>), for managers.
/// </summary>
public static class ForecastApi
{
    public const int MaxAgents = 2000;

    public static IEndpointRouteBuilder MapForecastApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/campaigns/{id:long}/forecast", Forecast).WithTags("Campaigns").RequireAuthorization(Policies.Manager)
            .ProducesValidationProblem().ProducesProblem(404)
            .WithSummary("Forecast of attempts, live contacts and completions per day, the date the list is worked, and the agents needed.");
        app.MapGet("/api/erlang", Erlang).WithTags("Forecast").RequireAuthorization(Policies.Manager)
            .ProducesValidationProblem()
            .WithSummary("Erlang C: agents needed for calls per hour of a handle time to answer a share within a target time.");
        return app;
    }

    public static async Task<Results<Ok<CampaignForecast>, NotFound<ProblemDetails>, ValidationProblem>> Forecast(
        long id, string? agents, string? until, string? dailyLiveTarget, ForecastStore forecasts, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var agentCount = ParseInt(agents, 1, MaxAgents, "agents", $"agents must be a whole number from 1 to {MaxAgents}.", errors);
        var target = ParseDouble(dailyLiveTarget, 1, 1_000_000, "dailyLiveTarget", "dailyLiveTarget must be a number from 1 to 1000000.", errors);
        DateOnly? date = null;
        if (!string.IsNullOrEmpty(until))
        {
            if (!DateOnly.TryParseExact(until, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                errors["until"] = ["until must be a date yyyy-MM-dd."];
            }
            else if (d < DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime.AddDays(-1)) || d > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(ForecastEngine.DefaultMaxDays))
            {
                errors["until"] = [$"until must be from today to {ForecastEngine.DefaultMaxDays} days ahead."];
            }
            else
            {
                date = d;
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var forecast = await forecasts.ForecastAsync(id, agentCount, date, target, ct);
        return forecast is null ? TypedResults.NotFound(Problems.NotFound(Texts.Pick($"No campaign {id}.", $"没有活动 {id}。"))) : TypedResults.Ok(forecast);
    }

    public static Results<Ok<ErlangResult>, ValidationProblem> Erlang(string? callsPerHour, string? handleSeconds, string? targetSeconds, string? serviceLevel)
    {
        var errors = new Dictionary<string, string[]>();
        var calls = ParseDouble(callsPerHour, 0, 100_000, "callsPerHour", "callsPerHour must be a number from 0 to 100000.", errors, required: true);
        var handle = ParseDouble(handleSeconds, 1, 36_000, "handleSeconds", "handleSeconds must be a number from 1 to 36000.", errors, required: true);
        var target = ParseDouble(targetSeconds, 0, 3600, "targetSeconds", "targetSeconds must be a number from 0 to 3600.", errors) ?? 15;
        var level = ParseDouble(serviceLevel, 1, 99.9, "serviceLevel", "serviceLevel must be a percentage from 1 to 99.9.", errors) ?? 90;
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = ErlangC.Solve(calls!.Value, handle!.Value, target, level / 100);
        if (result.Agents >= ErlangC.MaxAgents)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["callsPerHour"] = [$"more than {ErlangC.MaxAgents} agents would be needed."] });
        }

        return TypedResults.Ok(result);
    }

    public static int? ParseInt(string? text, int min, int max, string field, string message, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors[field] = [message];
        return null;
    }

    public static double? ParseDouble(string? text, double min, double max, string field, string message, Dictionary<string, string[]> errors, bool required = false)
    {
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                errors[field] = [message];
            }

            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) && n >= min && n <= max)
        {
            return n;
        }

        errors[field] = [message];
        return null;
    }
}
