using System.Globalization;
using Dialer.Api.Auth;
using Dialer.Db.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Apis;

public sealed record SignInAuditView(
    long Id, string Username, long? UserId, string? Address, string Channel, bool Success, string Reason, DateTimeOffset At);

public sealed record SignInAuditPage(IReadOnlyList<SignInAuditView> SignIns, string? Next);

/// <summary>The audit logs admins read: every sign-in attempt (API and page), newest first.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.Admin);
        group.MapGet("/sign-ins", ListSignIns).ProducesValidationProblem()
            .WithSummary("Sign-in attempts, newest first: ?username= filters, ?before= (an id) pages back, ?limit= 1 to 1000 (100).");
        return app;
    }

    public static async Task<Results<Ok<SignInAuditPage>, ValidationProblem>> ListSignIns(
        string? username, long? before, int? limit, SignInAuditStore audit, CancellationToken ct)
    {
        var take = limit ?? 100;
        if (take is < 1 or > 1000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit must be from 1 to 1000."] });
        }

        var rows = await audit.ListAsync(string.IsNullOrWhiteSpace(username) ? null : username.Trim(), before, take, ct);
        var next = rows.Count == take
            ? $"/api/audit/sign-ins?before={rows[^1].Id.ToString(CultureInfo.InvariantCulture)}&limit={take}"
              + (string.IsNullOrWhiteSpace(username) ? "" : "&username=" + Uri.EscapeDataString(username.Trim()))
            : null;
        return TypedResults.Ok(new SignInAuditPage(
            rows.Select(r => new SignInAuditView(r.Id, r.Username, r.UserId, r.Address, r.Channel, r.Success, r.Reason, Ms.ToTime(r.At))).ToList(),
            next));
    }
}
