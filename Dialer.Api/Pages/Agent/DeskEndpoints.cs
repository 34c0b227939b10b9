using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Dialer.Api.Apis;
using Dialer.Api.Auth;
using Dialer.Api.Pages.Account;
using Dialer.Api.Security;
using Dialer.Db.Agents;
using Dialer.Db.Contacts;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Pages.Agent;

/// <summary>
/// The desktop's plain form posts. Each calls the agent API's own handler (the same checks: assignments, the
/// calling window for callbacks, compare-and-set on the agent's state) and redirects back to /agent, where the
/// engine's answer arrives over the live region. Posted by desk.js (in the background, so that the page and its
/// browser phone stay up) they answer JSON instead (<see cref="Answer"/>).
/// </summary>
public static class DeskEndpoints
{
    public static IEndpointRouteBuilder MapDeskEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/desktop").RequireAuthorization(PageAuthorization.Desktop).DisableAntiforgery().RequirePageForm().ExcludeFromDescription();
        group.MapPost("/login", Login);
        group.MapPost("/ready", async (HttpRequest request, ClaimsPrincipal user, AgentStateStore store, PhoneRegistrationStore phones, IConfiguration configuration,
            TimeProvider time, CancellationToken ct) =>
            Answer(request, (await AgentApi.Ready(user, store, phones, configuration, time, ct)).Result, null));
        group.MapPost("/pause", Pause);
        group.MapPost("/logout", async (HttpRequest request, ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct) =>
            Answer(request, (await AgentApi.Logout(user, store, time, ct)).Result, null));
        group.MapPost("/dispose", Dispose);
        group.MapPost("/call/transfer", async (HttpRequest request, ClaimsPrincipal user, AgentStateStore store, AttemptStore attempts, TimeProvider time,
            CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            return Answer(request, (await AgentApi.TransferCall(new CallTransferRequest(Text(form["to"]), Id(form["agentId"])), user, store, attempts, time, ct)).Result,
                null);
        });
        group.MapPost("/call/consult", async (HttpRequest request, ClaimsPrincipal user, AgentStateStore store, AttemptStore attempts, TimeProvider time,
            CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            return Answer(request, (await AgentCallApi.Consult(new ConsultRequest(Text(form["to"]), Id(form["agentId"])), user, store, attempts, time, ct)).Result,
                null);
        });
        group.MapPost("/call/consult/complete", async (HttpRequest request, ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct) =>
            Answer(request, (await AgentCallApi.EndConsultAsync(user, store, time, complete: true, ct)).Result, null));
        group.MapPost("/call/consult/cancel", async (HttpRequest request, ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct) =>
            Answer(request, (await AgentCallApi.EndConsultAsync(user, store, time, complete: false, ct)).Result, null));
        group.MapPost("/manual", async (HttpRequest request, ClaimsPrincipal user, AgentStateStore store, DeskCallStore desk, DialingCampaignStore campaigns,
            ContactStore contacts, TimeProvider time, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var dial = new ManualDialRequest(Id(form["campaignId"]), Id(form["contactId"]), Text(form["phone"]));
            return Answer(request, (await AgentCallApi.ManualDial(dial, user, store, desk, campaigns, contacts, time, ct)).Result, "manual");
        });
        group.MapPost("/call/{control:regex(^(hold|resume|mute|unmute|hangup)$)}", async (string control, HttpRequest request, ClaimsPrincipal user,
            AgentStateStore store, TimeProvider time, CancellationToken ct) =>
            Answer(request, (await AgentApi.ControlCall(user, store, time, Enum.Parse<CallControl>(control, ignoreCase: true), ct)).Result, null));
        group.MapPost("/dial", (ClaimsPrincipal user, AgentStateStore store, CancellationToken ct) =>
            PreviewAsync(user, store, AgentRequest.PreviewDial, ct));
        group.MapPost("/skip", (ClaimsPrincipal user, AgentStateStore store, CancellationToken ct) =>
            PreviewAsync(user, store, AgentRequest.PreviewSkip, ct));
        return app;
    }

    public static async Task<IResult> Login(
        HttpRequest request, IValidator<AgentLoginRequest> validator, ClaimsPrincipal user, AgentStateStore store, PhoneRegistrationStore phones,
        IConfiguration configuration, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var ids = form["campaign"].Select(v => long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id > 0).ToList();
        return Answer(request, (await AgentApi.Login(new AgentLoginRequest(ids), validator, user, store, phones, configuration, time, ct)).Result, null);
    }

    public static async Task<IResult> Pause(
        HttpRequest request, IValidator<AgentPauseRequest> validator, ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        return Answer(request, (await AgentApi.Pause(new AgentPauseRequest(form["reason"]), validator, user, store, time, ct)).Result, null);
    }

    /// <summary>Outcome, notes, survey answers (fields survey.&lt;id&gt;) and an optional callback at the customer's local time.</summary>
    public static async Task<IResult> Dispose(
        HttpRequest request, IValidator<DispositionRequest> validator, ClaimsPrincipal user, AgentStateStore store, AttemptStore attempts, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var survey = form.Keys.Where(k => k.StartsWith("survey.", StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(form[k]))
            .ToDictionary(k => k["survey.".Length..], k => form[k].ToString().Trim());
        var callback = form["callback"].ToString() is "mine" or "anyone"
            ? new CallbackRequest(form["callbackAt"].ToString(), form["callback"] == "mine")
            : null;
        var notes = form["notes"].ToString();
        var disposition = new DispositionRequest(
            form["code"].ToString(),
            string.IsNullOrWhiteSpace(notes) ? null : notes.Trim(),
            survey.Count == 0 ? null : JsonSerializer.SerializeToElement(survey),
            callback);
        return Answer(request, (await AgentApi.Dispose(disposition, validator, user, store, attempts, time, ct)).Result, "saved");
    }

    /// <summary>
    /// The desk's forms posted by desk.js (Accept: application/json) get the API's answer itself — a 400 naming each field, a
    /// 409 with the reason — or the notice to show, so that the page keeps what was typed and shows each error at its field.
    /// Posted without the script: back to /agent with the problem (or the notice).
    /// </summary>
    private static IResult Answer(HttpRequest request, IResult result, string? notice)
    {
        if (result is ForbidHttpResult)
        {
            return result;
        }

        var ok = result is not (ValidationProblem or Conflict<ProblemDetails>);
        if (!request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return ok ? TypedResults.Redirect(notice is null ? "/agent" : "/agent?notice=" + notice) : Back(result);
        }

        return ok ? TypedResults.Ok(new DeskNotice(NoticeText(notice))) : result;
    }

    /// <summary>The text of a notice's key: saved (a disposition), manual (a manual dial asked for).</summary>
    public static string? NoticeText(string? notice) => notice switch
    {
        "saved" => Localization.Strings.T("desk.notice.saved"),
        "manual" => Localization.Strings.T("desk.manualAsked"),
        _ => null,
    };

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value) => string.IsNullOrWhiteSpace(value) ? null : value.ToString().Trim();

    private static long? Id(Microsoft.Extensions.Primitives.StringValues value) =>
        long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    /// <summary>What desk.js shows after a form went through.</summary>
    public sealed record DeskNotice(string? Message);

    /// <summary>Preview: asks the engine to dial or skip the offered contact (the same request the agent API writes).</summary>
    private static async Task<RedirectHttpResult> PreviewAsync(ClaimsPrincipal user, AgentStateStore store, AgentRequest request, CancellationToken ct)
    {
        var agentId = user.UserId()!.Value;
        var row = await store.GetAsync(agentId, ct);
        // The offer itself lives in the engine (and the outbox event the page shows); the row says reserved for preview.
        if (row is not { Current: AgentState.Reserved, Reason: AgentStates.PreviewReason })
        {
            return Redirect(Localization.Strings.T("desk.noOffer"));
        }

        var changed = await store.TryRequestAsync(agentId, row.Version, request, ct);
        return Redirect(changed is null ? Localization.Strings.T("desk.tryAgain") : null);
    }

    private static RedirectHttpResult Back(IResult result) => Redirect(result switch
    {
        ValidationProblem invalid => string.Join(" ", invalid.ProblemDetails.Errors.SelectMany(e => e.Value)),
        Conflict<ProblemDetails> conflict => conflict.Value?.Detail,
        _ => null,
    });

    private static RedirectHttpResult Redirect(string? problem) =>
        TypedResults.Redirect(problem is null ? "/agent" : "/agent?problem=" + Uri.EscapeDataString(problem));
}
