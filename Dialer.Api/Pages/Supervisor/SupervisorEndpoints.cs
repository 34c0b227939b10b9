using System.Globalization;
using System.Security.Claims;
using Dialer.Api.Auth;
using Dialer.Api.Pages.Account;
using Dialer.Api.Pages.Console;
using Dialer.Api.Pages.Data;
using Dialer.Api.Pages.Localization;
using Dialer.Api.Pages.Shared;
using Dialer.Api.Security;
using Dialer.Db.Auth;
using Dialer.Db.Contacts;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Api.Pages.Supervisor;

/// <summary>
/// The supervisor's plain form posts (managers and administrators, antiforgery checked: <see cref="PageForms"/>): force an
/// agent to pause or log out, listen to, whisper to or barge into an agent's call, switch a list on or off, recycle contacts by
/// outcome, reassign or cancel a callback.
/// Each redirects back with what happened or why not.
/// </summary>
public static partial class SupervisorEndpoints
{
    /// <summary>The pause reason of a pause forced by a supervisor.</summary>
    public const string ForcedPauseReason = "supervisor";

    /// <summary>The outcomes whose contacts may be recycled (every outcome a call can end with).</summary>
    public static readonly IReadOnlyList<string> RecyclableOutcomes = [.. CallOutcomes.Columns, CallOutcomes.Declined];

    private const int CasRetries = 5;

    public static IEndpointRouteBuilder MapSupervisorEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/console").RequireAuthorization(PageAuthorization.Console).DisableAntiforgery().RequirePageForm().ExcludeFromDescription();
        group.MapPost("/agents/force", Force);
        group.MapPost("/campaigns/{id:long}/lists/switch", SwitchList);
        group.MapPost("/campaigns/{id:long}/recycle", Recycle);
        group.MapPost("/callbacks/cancel", CancelCallback);
        group.MapPost("/callbacks/reassign", ReassignCallback);
        group.MapPost("/monitors/start", StartMonitor);
        group.MapPost("/monitors/{id:long}/mode", ChangeMonitorMode);
        group.MapPost("/monitors/{id:long}/leave", LeaveMonitor);
        return app;
    }

    /// <summary>
    /// Pause (reason "supervisor") or log out an agent exactly as the agent's own request would: at once when ready or
    /// paused, else left for the engine (agent_states.request), which applies it when the call and its wrap-up are done.
    /// </summary>
    public static async Task<RedirectHttpResult> Force(
        HttpRequest request, ClaimsPrincipal user, AgentStateStore store, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var action = form["action"].ToString();
        if (Id(form["agent"]) is not { } agentId || action is not ("pause" or "logout"))
        {
            return Board(problem: Strings.T("board.badForce"));
        }

        var result = await ForceAsync(agentId, action == "logout", store, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        if (result is ForceResult.Done or ForceResult.Requested)
        {
            await audit.RecordAsync(user, action == "logout" ? AuditActions.ForceLogout : AuditActions.ForcePause, AuditTargets.User, agentId, ct,
                detail: new { when = result == ForceResult.Done ? "now" : "after_call" });
        }

        return result switch
        {
            ForceResult.Done => Board(notice: Strings.T(action == "logout" ? "board.loggedOut" : "board.paused")),
            ForceResult.Requested => Board(notice: Strings.T(action == "logout" ? "board.logoutRequested" : "board.pauseRequested")),
            ForceResult.NotSignedIn => Board(problem: Strings.T("board.notSignedIn")),
            _ => Board(problem: Strings.T("board.tryAgain")),
        };
    }

    public enum ForceResult
    {
        Done,
        Requested,
        NotSignedIn,
        Busy,
    }

    /// <summary>The change itself, compare-and-set on the agent's row (retried a few times when the engine moved first).</summary>
    public static async Task<ForceResult> ForceAsync(long agentId, bool logout, AgentStateStore store, long now, CancellationToken ct)
    {
        for (var i = 0; i < CasRetries; i++)
        {
            var row = await store.GetAsync(agentId, ct);
            if (row is null || row.Current == AgentState.LoggedOut)
            {
                return ForceResult.NotSignedIn;
            }

            if (row.Current is AgentState.Ready or AgentState.Paused)
            {
                var (state, reason, campaigns) = logout ? (AgentState.LoggedOut, (string?)null, "[]") : (AgentState.Paused, ForcedPauseReason, (string?)null);
                if (await store.TryChangeAsync(agentId, row.Version, state, reason, null, null, null, now, ct, campaigns) is not null)
                {
                    await store.PublishAsync(agentId, null, new AgentStateChanged(state.ToDb(), reason), now, ct);
                    return ForceResult.Done;
                }

                continue;
            }

            // Reserved, on a call or in wrap-up: the engine owns the agent and carries the request out when the call is done.
            var ask = logout ? AgentRequest.Logout : AgentRequest.Pause(ForcedPauseReason);
            if (await store.TryRequestAsync(agentId, row.Version, ask, ct) is not null)
            {
                return ForceResult.Requested;
            }
        }

        return ForceResult.Busy;
    }

    public static async Task<RedirectHttpResult> SwitchList(
        long id, HttpRequest request, ClaimsPrincipal user, ContactStore contacts, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var on = form["on"] == "true";
        if (Id(form["list"]) is not { } listId || !await contacts.SwitchListAsync(id, listId, on, time.GetUtcNow().ToUnixTimeMilliseconds(), ct))
        {
            return Lists(id, problem: Strings.T("common.notFound"));
        }

        await audit.RecordAsync(user, on ? AuditActions.ListOn : AuditActions.ListOff, AuditTargets.List, listId, ct, campaignId: id);

        return Lists(id, notice: Strings.T(on ? "lists.switchedOn" : "lists.switchedOff"));
    }

    /// <summary>The confirmed recycle: the outcomes chosen (only known ones), with or without resetting attempts.</summary>
    public static async Task<RedirectHttpResult> Recycle(
        long id, HttpRequest request, ClaimsPrincipal user, ContactStore contacts, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var outcomes = form["outcome"].Where(o => o is not null && RecyclableOutcomes.Contains(o)).Select(o => o!).Distinct().ToList();
        if (outcomes.Count == 0)
        {
            return Lists(id, problem: Strings.T("recycle.chooseOutcome"));
        }

        var reset = form["reset"] == "true";
        var n = await contacts.RecycleAsync(id, outcomes, reset, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        await audit.RecordAsync(user, AuditActions.ContactsRecycle, AuditTargets.Campaign, id, ct, campaignId: id, detail: new { outcomes, reset, count = n });
        return Lists(id, notice: Strings.T("recycle.done", Fmt.N(n)));
    }

    public static async Task<RedirectHttpResult> CancelCallback(HttpRequest request, ContactStore contacts, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var done = Id(form["contact"]) is { } contactId && await contacts.CancelCallbackAsync(contactId, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        return Callbacks(form["campaign"], done ? null : Strings.T("callbacks.gone"), done ? Strings.T("callbacks.cancelled") : null);
    }

    /// <summary>To an agent (who keeps it until the campaign's callback delay opens it to anyone), or with no agent to anyone.</summary>
    public static async Task<RedirectHttpResult> ReassignCallback(
        HttpRequest request, ContactStore contacts, ConsoleQueries queries, SupervisorQueries supervisor, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var agentId = Id(form["agent"]);
        if (Id(form["contact"]) is not { } contactId || await supervisor.ContactAsync(contactId, ct) is not { CallbackAt: { } at } contact)
        {
            return Callbacks(form["campaign"], Strings.T("callbacks.gone"), null);
        }

        if (agentId is not null && !(await supervisor.AgentsAsync(ct)).Any(a => a.Id == agentId))
        {
            return Callbacks(form["campaign"], Strings.T("callbacks.noSuchAgent"), null);
        }

        var campaign = await queries.CampaignAsync(contact.CampaignId, ct);
        var openAfter = CampaignConfig.Parse(campaign?.ConfigJson).CallbackOpenAfterMinutes;
        var done = await contacts.ReassignCallbackAsync(contactId, agentId, at + (openAfter * 60_000L), time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        return Callbacks(form["campaign"], done ? null : Strings.T("callbacks.gone"), done ? Strings.T("callbacks.reassigned") : null);
    }

    private static long? Id(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    private static RedirectHttpResult Board(string? notice = null, string? problem = null) => TypedResults.Redirect(With("/board", notice, problem));

    private static RedirectHttpResult Lists(long campaignId, string? notice = null, string? problem = null) =>
        TypedResults.Redirect(With($"/campaigns/{campaignId}/lists", notice, problem));

    private static RedirectHttpResult Callbacks(string? campaign, string? problem, string? notice) =>
        TypedResults.Redirect(With(Id(campaign) is { } id ? $"/callbacks?campaign={id}" : "/callbacks", notice, problem));

    private static string With(string path, string? notice, string? problem)
    {
        var join = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return problem is not null ? $"{path}{join}problem={Uri.EscapeDataString(problem)}"
            : notice is not null ? $"{path}{join}notice={Uri.EscapeDataString(notice)}"
            : path;
    }
}
