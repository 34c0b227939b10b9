using System.Security.Claims;
using Dialer.Api.Auth;
using Dialer.Db.Agents;
using Dialer.Db.Auth;
using Dialer.Db.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

/// <param name="AgentId">The agent whose call to join.</param>
/// <param name="Mode">listen (hear both), whisper (the agent hears you too) or barge (all hear each other).</param>
public sealed record MonitorRequest(long? AgentId, string? Mode);

public sealed record MonitorModeRequest(string? Mode);

/// <summary>A supervisor on an agent's call, as the Api shows it.</summary>
public sealed record MonitorView(long Id, long AgentId, string Mode, string State, bool EndRequested, long? AttemptId, string? Reason, DateTimeOffset CreatedAt);

/// <summary>
/// Listen, whisper and barge (issue 14): a manager signed in as a user with a SIP phone asks to join an agent's call; the
/// Worker that has the agent on a call rings the manager's phone and puts it on the call (at the agent's next call when
/// the agent is between calls). One at a time per manager: asking again leaves the one before.
/// </summary>
public static class MonitorsApi
{
    public static IEndpointRouteBuilder MapMonitorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/monitors").WithTags("Supervisors").RequireAuthorization(Policies.Manager);
        group.MapPost("/", Start);
        group.MapGet("/current", Current);
        group.MapPut("/{id:long}/mode", ChangeMode);
        group.MapDelete("/{id:long}", Leave);
        return app;
    }

    public static async Task<Results<Created<MonitorView>, ValidationProblem, Conflict<ProblemDetails>>> Start(
        MonitorRequest request, ClaimsPrincipal user, UserStore users, SupervisorMonitorStore monitors, AuditTrail audit, TimeProvider time,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!MonitorModes.All.Contains(request.Mode))
        {
            errors["mode"] = [Texts.Pick("mode must be listen, whisper or barge.", "模式 (mode) 必须是 listen（监听）、whisper（耳语）或 barge（强插）。")];
        }

        var agent = request.AgentId is { } agentId ? await users.FindAsync(agentId, ct) : null;
        if (agent is not { Role: Roles.Agent, DisabledAt: null })
        {
            errors["agentId"] = [Texts.Pick("agentId must name an enabled agent.", "坐席编号 (agentId) 必须是已启用的坐席。")];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await SupervisorAsync(user, users, ct) is not { } supervisor)
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick(
                "Listening needs a signed-in user with a SIP phone (sipUsername): the dialer rings that phone.",
                "监听需要以配有 SIP 话机 (sipUsername) 的用户登录：系统会呼叫该话机。")));
        }

        var row = await monitors.RequestAsync(supervisor.Id, agent!.Id, request.Mode!, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        await audit.RecordAsync(user, AuditActions.MonitorStart, AuditTargets.User, agent.Id, ct, detail: new { mode = request.Mode, monitor = row.Id });
        return TypedResults.Created($"/api/monitors/{row.Id}", View(row));
    }

    public static async Task<Results<Ok<MonitorView>, NoContent>> Current(ClaimsPrincipal user, SupervisorMonitorStore monitors, CancellationToken ct) =>
        user.UserId() is { } id && await monitors.CurrentAsync(id, ct) is { } row ? TypedResults.Ok(View(row)) : TypedResults.NoContent();

    public static async Task<Results<NoContent, ValidationProblem, NotFound<ProblemDetails>>> ChangeMode(
        long id, MonitorModeRequest request, ClaimsPrincipal user, SupervisorMonitorStore monitors, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        if (!MonitorModes.All.Contains(request.Mode))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["mode"] = [Texts.Pick("mode must be listen, whisper or barge.", "模式 (mode) 必须是 listen（监听）、whisper（耳语）或 barge（强插）。")],
            });
        }

        if (user.UserId() is not { } me || !await monitors.SetModeAsync(id, me, request.Mode!, time.GetUtcNow().ToUnixTimeMilliseconds(), ct))
        {
            return TypedResults.NotFound(Problems.NotFound(Texts.Pick($"You have no open monitor {id}.", $"您没有进行中的监听 {id}。")));
        }

        await audit.RecordAsync(user, AuditActions.MonitorMode, AuditTargets.User, (await monitors.GetAsync(id, ct))?.AgentId, ct,
            detail: new { mode = request.Mode, monitor = id });
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, NotFound<ProblemDetails>>> Leave(
        long id, ClaimsPrincipal user, SupervisorMonitorStore monitors, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        if (user.UserId() is not { } me || !await monitors.AskToLeaveAsync(id, me, time.GetUtcNow().ToUnixTimeMilliseconds(), ct))
        {
            return TypedResults.NotFound(Problems.NotFound(Texts.Pick($"You have no open monitor {id}.", $"您没有进行中的监听 {id}。")));
        }

        await audit.RecordAsync(user, AuditActions.MonitorLeave, AuditTargets.User, (await monitors.GetAsync(id, ct))?.AgentId, ct,
            detail: new { monitor = id });
        return TypedResults.NoContent();
    }

    /// <summary>The signed-in manager when it is a user with a SIP phone (an API key is not a supervisor).</summary>
    public static async Task<UserRow?> SupervisorAsync(ClaimsPrincipal user, UserStore users, CancellationToken ct) =>
        user.UserId() is { } id && await users.FindAsync(id, ct) is { SipUsername: { Length: > 0 }, DisabledAt: null } row ? row : null;

    private static MonitorView View(MonitorRow row) =>
        new(row.Id, row.AgentId, row.Mode, row.State, row.EndRequested, row.AttemptId, row.Reason, Ms.ToTime(row.CreatedAt));
}
