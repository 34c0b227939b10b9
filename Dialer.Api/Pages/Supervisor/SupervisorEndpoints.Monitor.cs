using System.Security.Claims;
using Dialer.Api.Apis;
using Dialer.Api.Auth;
using Dialer.Api.Pages.Localization;
using Dialer.Db.Agents;
using Dialer.Db.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Supervisor;

/// <summary>Listen, whisper and barge from the agent board: exactly what /api/monitors does, with its refusal shown on the board.</summary>
public static partial class SupervisorEndpoints
{
    public static async Task<RedirectHttpResult> StartMonitor(
        HttpRequest request, ClaimsPrincipal user, UserStore users, SupervisorMonitorStore monitors, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var result = await MonitorsApi.Start(new MonitorRequest(Id(form["agent"]), form["mode"].ToString()), user, users, monitors, audit, time, ct);
        return result.Result switch
        {
            Created<MonitorView> => Board(notice: Strings.T("monitor.started")),
            ValidationProblem invalid => Board(problem: Describe(invalid)),
            Conflict<ProblemDetails> conflict => Board(problem: conflict.Value?.Detail),
            _ => Board(problem: Strings.T("board.tryAgain")),
        };
    }

    public static async Task<RedirectHttpResult> ChangeMonitorMode(
        long id, HttpRequest request, ClaimsPrincipal user, SupervisorMonitorStore monitors, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var result = await MonitorsApi.ChangeMode(id, new MonitorModeRequest(form["mode"].ToString()), user, monitors, audit, time, ct);
        return result.Result switch
        {
            NoContent => Board(notice: Strings.T("monitor.switched")),
            ValidationProblem invalid => Board(problem: Describe(invalid)),
            NotFound<ProblemDetails> notFound => Board(problem: notFound.Value?.Detail),
            _ => Board(problem: Strings.T("board.tryAgain")),
        };
    }

    public static async Task<RedirectHttpResult> LeaveMonitor(
        long id, ClaimsPrincipal user, SupervisorMonitorStore monitors, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var result = await MonitorsApi.Leave(id, user, monitors, audit, time, ct);
        return result.Result switch
        {
            NoContent => Board(notice: Strings.T("monitor.left")),
            NotFound<ProblemDetails> notFound => Board(problem: notFound.Value?.Detail),
            _ => Board(problem: Strings.T("board.tryAgain")),
        };
    }

    private static string Describe(ValidationProblem problem) =>
        string.Join(" ", problem.ProblemDetails.Errors.SelectMany(e => e.Value));
}
