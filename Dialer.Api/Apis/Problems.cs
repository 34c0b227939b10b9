using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

/// <summary>ProblemDetails bodies for the common answers.</summary>
public static class Problems
{
    public static ProblemDetails NotFound(string detail) => new() { Status = 404, Title = "Not found", Detail = detail };

    public static ProblemDetails Conflict(string detail) => new() { Status = 409, Title = "Conflict", Detail = detail };

    public static ProblemDetails BadRequest(string detail) => new() { Status = 400, Title = "Bad request", Detail = detail };
}

/// <summary>Epoch milliseconds (as stored) to times (as answered).</summary>
public static class Ms
{
    public static DateTimeOffset ToTime(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? ToTimeOrNull(long? ms) => ms is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms.Value);
}
