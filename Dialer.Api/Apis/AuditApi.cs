using System.Globalization;
using System.Text.Json;
using Dialer.Api.Auth;
using Dialer.Db.Auth;
using Dialer.Db.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Apis;

public sealed record SignInAuditView(
    long Id, string Username, long? UserId, string? Address, string Channel, bool Success, string Reason, DateTimeOffset At);

public sealed record SignInAuditPage(IReadOnlyList<SignInAuditView> SignIns, string? Next);

/// <param name="Actor">Who acted: the user name, or the API key's name (with <c>ActorKeyId</c>).</param>
/// <param name="Target">What it was done to: kind (user, campaign, list, key), id and name as they were then.</param>
/// <param name="Detail">What else the action said (a mode, the outcomes recycled, "after_call" for a force on a call…).</param>
public sealed record ActionAuditView(
    long Id, DateTimeOffset At, string Actor, long? ActorUserId, long? ActorKeyId, string Action, AuditTargetView Target, long? CampaignId,
    string? CampaignName, JsonElement? Detail);

public sealed record AuditTargetView(string Kind, long? Id, string? Name);

public sealed record ActionAuditPage(IReadOnlyList<ActionAuditView> Actions, string? Next);

/// <summary>
/// The audit logs: every sign-in attempt (API and page), newest first, for admins; and the supervisors' and administrators'
/// actions (force pause or logout, monitors, recycles, lists, campaign status, users enabled or disabled, keys revoked) for
/// managers and admins.
/// </summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.Admin);
        group.MapGet("/sign-ins", ListSignIns).ProducesValidationProblem()
            .WithSummary("Sign-in attempts, newest first: ?username= filters, ?before= (an id) pages back, ?limit= 1 to 1000 (100).");
        app.MapGet("/api/audit/actions", ListActions).WithTags("Audit").RequireAuthorization(Policies.Manager).ProducesValidationProblem()
            .WithSummary("Supervisors' and administrators' actions, newest first: ?action= filters, ?before= (an id) pages back, ?limit= 1 to 1000 (100).");
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

    public static async Task<Results<Ok<ActionAuditPage>, ValidationProblem>> ListActions(
        string? action, long? before, int? limit, ActionAuditStore audit, CancellationToken ct)
    {
        var take = limit ?? 100;
        var errors = new Dictionary<string, string[]>();
        if (take is < 1 or > 1000)
        {
            errors["limit"] = [Texts.Pick("limit must be from 1 to 1000.", "limit 必须在 1 到 1000 之间。")];
        }

        var filter = string.IsNullOrWhiteSpace(action) ? null : action.Trim();
        if (filter is not null && !AuditActions.All.Contains(filter))
        {
            errors["action"] = [Texts.Pick($"action must be one of {string.Join(", ", AuditActions.All)}.", $"action 必须是以下之一：{string.Join("、", AuditActions.All)}。")];
        }

        if (before is <= 0)
        {
            errors["before"] = [Texts.Pick("before must be an id above 0.", "before 必须是大于 0 的编号。")];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var rows = await audit.ListAsync(filter, before, take, ct);
        var next = rows.Count == take
            ? $"/api/audit/actions?before={rows[^1].Id.ToString(CultureInfo.InvariantCulture)}&limit={take}" + (filter is null ? "" : "&action=" + filter)
            : null;
        return TypedResults.Ok(new ActionAuditPage([.. rows.Select(View)], next));
    }

    public static ActionAuditView View(ActionAuditRow r) => new(
        r.Id, Ms.ToTime(r.At), r.ActorName, r.ActorUserId, r.ActorKeyId, r.Action, new AuditTargetView(r.TargetKind, r.TargetId, r.TargetName),
        r.CampaignId, r.CampaignName, r.DetailJson is null ? null : JsonDocument.Parse(r.DetailJson).RootElement.Clone());
}
