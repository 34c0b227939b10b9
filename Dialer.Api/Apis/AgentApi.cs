using System.Security.Claims;
using System.Text.Json;
using Dialer.Api.Auth;
using Dialer.Api.Validation;
using Dialer.Db.Agents;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Dialer.Db.Phones;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

/// <param name="Held">The agent asked to hold the call in progress (the desk's call controls).</param>
/// <param name="Muted">The agent asked to be muted on the call in progress.</param>
public sealed record AgentStateView(string State, string? Reason, IReadOnlyList<long> Campaigns, DateTimeOffset Since, long? AttemptId, long? ContactId,
    bool RequestPending, bool Held = false, bool Muted = false);

/// <summary>The desk's call controls: what each does to the call's controls.</summary>
public enum CallControl
{
    Hold,
    Resume,
    Mute,
    Unmute,
    Hangup,
}

public sealed record AgentCallView(long AttemptId, long CampaignId, string Phone, string? Outcome, DateTimeOffset? AnsweredAt, DateTimeOffset? ConnectedAt,
    DateTimeOffset? EndedAt, AgentContactView Contact, string? Script, IReadOnlyList<string> Dispositions);

public sealed record AgentContactView(long Id, string Phone, string? Name, string? AccountId, string TimeZone, JsonElement? Custom);

/// <summary>
/// The agent's own API (role agent, session token or cookie): log in to campaigns, ready, pause, logout, the
/// current call, disposition (with an optional callback checked against the calling window) and preview
/// dial/skip. The Api only writes the agent's state and requests to the database; the worker's engine
/// reads them (every ~200 ms) and writes back reservations, calls and wrap-up. Bodies are checked by their
/// validators (AgentRequests.cs) inside the handlers, so the desktop's form posts, which call these handlers, get
/// the same checks and messages.
/// </summary>
public static class AgentApi
{
    private const int CasRetries = 5;

    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/agent").WithTags("Agent").RequireAuthorization(Policies.Agent);
        group.MapGet("/state", GetState);
        group.MapPost("/login", Login);
        group.MapPost("/ready", Ready);
        group.MapPost("/pause", Pause);
        group.MapPost("/logout", Logout);
        group.MapGet("/call", CurrentCall);
        group.MapPost("/disposition", Dispose);
        group.MapPost("/call/{control:regex(^(hold|resume|mute|unmute|hangup)$)}", (string control, ClaimsPrincipal user, AgentStateStore store,
            TimeProvider time, CancellationToken ct) => ControlCall(user, store, time, Enum.Parse<CallControl>(control, ignoreCase: true), ct));
        group.MapPost("/call/transfer", TransferCall);
        group.MapAgentCallApi();
        group.MapPost("/preview/dial", (ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct) =>
            PreviewAsync(user, store, time, AgentRequest.PreviewDial, ct));
        group.MapPost("/preview/skip", (ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct) =>
            PreviewAsync(user, store, time, AgentRequest.PreviewSkip, ct));
        return app;
    }

    /// <summary>
    /// With a SIP trunk (Telephony:Trunk:Host set) calls reach agents on their phones, so an agent whose phone
    /// is not registered with the Worker's registrar cannot go ready. The simulated carrier needs no phone.
    /// </summary>
    public static async Task<ProblemDetails?> PhoneProblemAsync(long agentId, PhoneRegistrationStore phones, IConfiguration configuration, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(configuration["Telephony:Trunk:Host"]) || await phones.IsRegisteredAsync(agentId, ct))
        {
            return null;
        }

        return Problems.Conflict(Texts.Pick("Your phone is not registered with the dialer: register it (SIP user and password from your administrator), then go ready.", "您的话机未在外呼系统注册：请先注册（SIP 用户名和密码向管理员索取），再就绪。"));
    }

    public static async Task<Ok<AgentStateView>> GetState(ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(View(await store.EnsureAsync(AgentId(user), Now(time), ct)));

    public static async Task<Results<Ok<AgentStateView>, ValidationProblem, Conflict<ProblemDetails>>> Login(
        AgentLoginRequest request, IValidator<AgentLoginRequest> validator, ClaimsPrincipal user, AgentStateStore store, PhoneRegistrationStore phones,
        IConfiguration configuration, TimeProvider time, CancellationToken ct)
    {
        var agentId = AgentId(user);
        if (await validator.ProblemAsync(AgentValidation.Login(request, agentId), ct) is { } invalid)
        {
            return invalid;
        }

        if (!request.Paused && await PhoneProblemAsync(agentId, phones, configuration, ct) is { } problem)
        {
            return TypedResults.Conflict(problem);
        }

        var json = JsonSerializer.Serialize(request.CampaignIds!.Distinct().ToList());
        return await ChangeAsync(agentId, store, time, ct, row => row.Current == AgentState.LoggedOut
            ? Change(request.Paused ? AgentState.Paused : AgentState.Ready, request.Paused ? "login" : null, json)
            : Change(row.Current, row.Reason, json));
    }

    public static async Task<Results<Ok<AgentStateView>, ValidationProblem, Conflict<ProblemDetails>>> Ready(
        ClaimsPrincipal user, AgentStateStore store, PhoneRegistrationStore phones, IConfiguration configuration, TimeProvider time, CancellationToken ct) =>
        await PhoneProblemAsync(AgentId(user), phones, configuration, ct) is { } problem
            ? TypedResults.Conflict(problem)
            : await ChangeAsync(AgentId(user), store, time, ct, row => row.Current switch
        {
            AgentState.Paused or AgentState.Ready or AgentState.WrapUp => Change(AgentState.Ready),
            AgentState.LoggedOut => Refuse(Texts.Pick("Log in to a campaign first.", "请先签入活动。")),
            // Busy on a call: cancel a pending pause or logout.
            _ => Ask(AgentRequest.StayReady),
        });

    public static async Task<Results<Ok<AgentStateView>, ValidationProblem, Conflict<ProblemDetails>>> Pause(
        AgentPauseRequest request, IValidator<AgentPauseRequest> validator, ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct)
    {
        if (await validator.ProblemAsync(request, ct) is { } invalid)
        {
            return invalid;
        }

        var reason = request.Reason!.Trim();

        return await ChangeAsync(AgentId(user), store, time, ct, row => row.Current switch
        {
            AgentState.Ready or AgentState.Paused => Change(AgentState.Paused, reason),
            AgentState.LoggedOut => Refuse(Texts.Pick("Log in to a campaign first.", "请先签入活动。")),
            // Reserved, on a call or in wrap-up: the engine pauses the agent when the call is done.
            _ => Ask(AgentRequest.Pause(reason)),
        });
    }

    public static Task<Results<Ok<AgentStateView>, ValidationProblem, Conflict<ProblemDetails>>> Logout(
        ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct) =>
        ChangeAsync(AgentId(user), store, time, ct, row => row.Current switch
        {
            AgentState.Ready or AgentState.Paused or AgentState.LoggedOut => Change(AgentState.LoggedOut, null, "[]"),
            _ => Ask(AgentRequest.Logout),
        });

    public static async Task<Results<Ok<AgentCallView>, NotFound<ProblemDetails>>> CurrentCall(
        ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct)
    {
        var row = await store.EnsureAsync(AgentId(user), Now(time), ct);
        if (row.AttemptId is null && row.ContactId is null)
        {
            return TypedResults.NotFound(Problems.NotFound(Texts.Pick("No call or offered contact right now.", "当前没有通话或待预览的客户。")));
        }

        if (await store.CurrentCallAsync(row.ContactId, row.AttemptId, ct) is not { } call)
        {
            return TypedResults.NotFound(Problems.NotFound(Texts.Pick("The contact is gone.", "该客户已不存在。")));
        }

        var (contact, attempt, definition) = call;

        JsonElement? custom = contact.CustomJson is null ? null : JsonDocument.Parse(contact.CustomJson).RootElement.Clone();
        return TypedResults.Ok(new AgentCallView(attempt?.Id ?? 0, contact.CampaignId, contact.Phone, attempt?.Outcome, Ms.ToTimeOrNull(attempt?.AnsweredAt),
            Ms.ToTimeOrNull(attempt?.AgentConnectedAt), Ms.ToTimeOrNull(attempt?.EndedAt),
            new AgentContactView(contact.Id, contact.Phone, contact.Name, contact.AccountId, contact.TimeZone, custom),
            definition.Script, definition.Dispositions));
    }

    public static async Task<Results<Ok<AgentStateView>, ValidationProblem, Conflict<ProblemDetails>>> Dispose(
        DispositionRequest request, IValidator<DispositionRequest> validator, ClaimsPrincipal user, AgentStateStore store, AttemptStore attempts,
        TimeProvider time, CancellationToken ct)
    {
        var agentId = AgentId(user);
        var row = await store.EnsureAsync(agentId, Now(time), ct);
        if (row.Current is not (AgentState.WrapUp or AgentState.OnCall) || row.AttemptId is not { } attemptId)
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick($"No call to record: the agent is {row.State}.", $"没有可记录结果的通话：坐席状态为 {AgentStateZh(row.Current)}。")));
        }

        // The code and the callback are checked against the call's campaign and contact.
        var target = await attempts.DispositionTargetAsync(attemptId, ct);
        if (await validator.ProblemAsync(AgentValidation.Disposition(request, target), ct) is { } invalid)
        {
            return invalid;
        }

        if (target.AgentId is { } holder && holder != agentId && request.Callback is not null)
        {
            // The call went on with another agent: that agent's disposition decides the contact's next call.
            return ValidationExtensions.Problem("callback", Texts.Pick(
                "You transferred this call: the agent who took it sets the callback.", "您已转接此通话：回拨由接听的坐席安排。"));
        }

        var code = request.Code!.Trim();
        var definition = target.Definition;
        ContactNext? callback = null;
        if (request.Callback is { } cb)
        {
            var at = DispositionRequestValidator.CallbackInstant(cb, target);
            var atMs = at.ToUnixTimeMilliseconds();
            callback = new ContactNext(ContactState.Callback, atMs, "callback", CallbackAt: atMs, CallbackAgentId: cb.Mine ? agentId : null,
                CallbackOpenAt: cb.Mine ? at.AddMinutes(definition.CallbackOpenAfterMinutes).ToUnixTimeMilliseconds() : null);
        }

        // Given during the call, the disposition leaves no wrap-up to do: the engine makes the agent ready when the call ends.
        var wrap = row.Current == AgentState.WrapUp ? (Now(time) - row.Since) / 1000.0 : 0.0;
        var survey = request.Survey is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } s ? s.GetRawText() : null;
        if (!await attempts.DisposeAsync(attemptId, agentId, code, request.Notes, survey, wrap, callback, Now(time), ct))
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick("The call is not yours.", "这不是您的通话。")));
        }

        // Wrap-up ends with the disposition. On the call the row is left as it is (the engine still owns it and
        // would lose its compare-and-set to a needless write): when the call ends the engine reads the disposition
        // with the call's result and makes the agent ready (or applies a pending pause or logout) without wrap-up.
        var current = await store.GetAsync(agentId, ct) ?? row;
        if (current.Current != AgentState.WrapUp || current.AttemptId != attemptId)
        {
            return TypedResults.Ok(View(current));
        }

        // Wrap-up is over: ready, unless the agent asked for a pause or a logout meanwhile.
        // After a manual call the agent is paused again (manual dial is for an agent not taking calls).
        return await ChangeAsync(agentId, store, time, ct, r => r.Current == AgentState.WrapUp && r.AttemptId == attemptId
            ? target.Manual && r.PendingRequest is null ? Change(AgentState.Paused, AgentStates.ManualReason) : AfterWrapUp(r.PendingRequest)
            : Unchanged(r));
    }

    /// <summary>
    /// Hold, resume, mute, unmute or hang up the agent's call in progress: the wanted controls go to agent_states.call_controls
    /// (compare-and-set on the row version; the state and its time are unchanged) and the engine brings the call to them.
    /// </summary>
    public static Task<Results<Ok<AgentStateView>, Conflict<ProblemDetails>>> ControlCall(
        ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CallControl control, CancellationToken ct) =>
        ControlCallAsync(AgentId(user), store, time, current => control switch
        {
            CallControl.Hold => current with { Hold = true },
            CallControl.Resume => current with { Hold = false },
            CallControl.Mute => current with { Mute = true },
            CallControl.Unmute => current with { Mute = false },
            _ => current with { Hangup = true },
        }, ct);

    /// <summary>
    /// Blind transfer of the call in progress to a number: the customer waits on hold while it rings and is put through when it
    /// answers (the agent then goes to wrap-up); unanswered, the customer is back with the agent and the desk says why.
    /// </summary>
    public static async Task<Results<Ok<AgentStateView>, ValidationProblem, Conflict<ProblemDetails>>> TransferCall(
        CallTransferRequest request, ClaimsPrincipal user, AgentStateStore store, AttemptStore attempts, TimeProvider time, CancellationToken ct)
    {
        var agentId = AgentId(user);
        var row = await store.EnsureAsync(agentId, Now(time), ct);
        if (row.Current != AgentState.OnCall || row.AttemptId is not { } attemptId)
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick("There is no call in progress.", "当前没有进行中的通话。")));
        }

        if (row.Controls is { Consult: { Complete: false, Cancel: false } } inConsult && inConsult.AttemptId == attemptId)
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick("Complete or cancel the consultation first.", "请先完成或取消咨询。")));
        }

        if (request.AgentId is { } targetId)
        {
            if (!string.IsNullOrWhiteSpace(request.To))
            {
                return ValidationExtensions.Problem("to", Texts.Pick("Give a number or an agent, not both.", "请填写号码或选择坐席，不能同时填写。"));
            }

            var campaignId = (await store.CurrentCallAsync(row.ContactId, attemptId, ct))?.Contact.CampaignId ?? 0;
            if (await AgentCallApi.TargetProblemAsync(agentId, targetId, campaignId, store, ct) is { } refused)
            {
                return refused;
            }

            return (await ControlCallAsync(agentId, store, time, current => current with
            {
                TransferToAgent = targetId,
                TransferTo = null,
                TransferId = current.TransferId + 1,
            }, ct)).Result switch
            {
                Ok<AgentStateView> ok => ok,
                Conflict<ProblemDetails> conflict => conflict,
                var other => throw new InvalidOperationException($"unexpected {other}"),
            };
        }

        var country = (await attempts.DispositionTargetAsync(attemptId, ct)).Definition.DefaultCountry;
        var phone = PhoneNumbers.Normalize(request.To, country);
        if (!phone.Ok || phone.E164 is null)
        {
            return ValidationExtensions.Problem("to", Texts.Pick(
                $"Give the number to transfer to, e.g. +8613812345678 ({phone.Reason}).", $"请填写要转接的号码，例如 +8613812345678（{phone.Reason}）。"));
        }

        return (await ControlCallAsync(agentId, store, time, current => current with { TransferTo = phone.E164, TransferToAgent = null }, ct)).Result switch
        {
            Ok<AgentStateView> ok => ok,
            Conflict<ProblemDetails> conflict => conflict,
            var other => throw new InvalidOperationException($"unexpected {other}"),
        };
    }

    internal static async Task<Results<Ok<AgentStateView>, Conflict<ProblemDetails>>> ControlCallAsync(
        long agentId, AgentStateStore store, TimeProvider time, Func<CallControls, CallControls> change, CancellationToken ct)
    {
        for (var i = 0; i < CasRetries; i++)
        {
            var row = await store.EnsureAsync(agentId, Now(time), ct);
            if (row.Current != AgentState.OnCall || row.AttemptId is not { } attemptId)
            {
                return TypedResults.Conflict(Problems.Conflict(Texts.Pick("There is no call in progress.", "当前没有进行中的通话。")));
            }

            var current = row.Controls is { } stored && stored.AttemptId == attemptId ? stored : new CallControls(attemptId);
            if (current.Hangup)
            {
                return TypedResults.Conflict(Problems.Conflict(Texts.Pick("The call is being hung up.", "通话正在挂断。")));
            }

            if (await store.TryControlAsync(agentId, row.Version, change(current), ct) is not null)
            {
                return TypedResults.Ok(View((await store.GetAsync(agentId, ct))!));
            }
        }

        return TypedResults.Conflict(Problems.Conflict(Texts.Pick("The agent's state kept changing; try again.", "坐席状态一直在变化，请重试。")));
    }

    private static async Task<Results<Ok<AgentStateView>, ValidationProblem, Conflict<ProblemDetails>>> PreviewAsync(
        ClaimsPrincipal user, AgentStateStore store, TimeProvider time, AgentRequest request, CancellationToken ct) =>
        await ChangeAsync(AgentId(user), store, time, ct, row => row.Current == AgentState.Reserved && row.Reason == AgentStates.PreviewReason && row.ContactId is not null
            ? Ask(request)
            : Refuse(Texts.Pick("No contact is offered for preview.", "当前没有待预览的客户。")));

    private static async Task<Results<Ok<AgentStateView>, ValidationProblem, Conflict<ProblemDetails>>> ChangeAsync(
        long agentId, AgentStateStore store, TimeProvider time, CancellationToken ct,
        Func<AgentStateRow, Decision> decide)
    {
        for (var i = 0; i < CasRetries; i++)
        {
            var row = await store.EnsureAsync(agentId, Now(time), ct);
            Decision next;
            try
            {
                next = decide(row);
            }
            catch (RefusedException refused)
            {
                return TypedResults.Conflict(Problems.Conflict(refused.Message));
            }

            long? version;
            if (next.Request is { } request)
            {
                // The engine owns the agent: the request waits in its own column, the state and its time are unchanged.
                version = await store.TryRequestAsync(agentId, row.Version, request, ct);
            }
            else
            {
                // A change keeps the engine's call and contact while the agent is busy.
                var busy = next.State.IsBusy();
                version = await store.TryChangeAsync(agentId, row.Version, next.State, next.Reason, busy ? row.AttemptId : null,
                    busy ? row.ContactId : null, null, Now(time), ct, next.CampaignsJson);
                if (version is not null && next.State != row.Current)
                {
                    await store.PublishAsync(agentId, null, new AgentStateChanged(next.State.ToDb(), next.Reason), Now(time), ct);
                }
            }

            if (version is not null)
            {
                return TypedResults.Ok(View((await store.GetAsync(agentId, ct))!));
            }
        }

        return TypedResults.Conflict(Problems.Conflict(Texts.Pick("The agent's state kept changing; try again.", "坐席状态一直在变化，请重试。")));
    }

    internal static string AgentStateZh(AgentState state) => state switch
    {
        AgentState.LoggedOut => "已签出",
        AgentState.Ready => "就绪",
        AgentState.Reserved => "预占",
        AgentState.OnCall => "通话中",
        AgentState.WrapUp => "话后整理",
        _ => "暂停",
    };

    /// <summary>What a call of the agent does to its row: change the state (and its reason, and the campaigns), or leave a request for the engine.</summary>
    private sealed record Decision(AgentState State, string? Reason, string? CampaignsJson, AgentRequest? Request);

    private static Decision Change(AgentState state, string? reason = null, string? campaignsJson = null) => new(state, reason, campaignsJson, null);

    private static Decision Ask(AgentRequest request) => new(default, null, null, request);

    private static Decision Unchanged(AgentStateRow row) => Change(row.Current, row.Reason);

    private static Decision AfterWrapUp(AgentRequest? pending)
    {
        var (state, reason) = AgentRequest.AfterCall(pending);
        return Change(state, reason, state == AgentState.LoggedOut ? "[]" : null);
    }

    private static Decision Refuse(string why) => throw new RefusedException(why);

    internal static AgentStateView View(AgentStateRow row) => new(
        row.State,
        row.Reason,
        JsonSerializer.Deserialize<long[]>(row.CampaignsJson) ?? [],
        Ms.ToTime(row.Since),
        row.AttemptId,
        row.ContactId,
        row.PendingRequest is not null,
        row.Controls is { } controls && controls.AttemptId == row.AttemptId && controls.Hold,
        row.Controls is { } c && c.AttemptId == row.AttemptId && c.Mute);

    internal static long AgentId(ClaimsPrincipal user) =>
        user.UserId() ?? throw new InvalidOperationException("The agent policy admits signed-in users only.");

    internal static long Now(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed class RefusedException(string message) : Exception(message);
}
