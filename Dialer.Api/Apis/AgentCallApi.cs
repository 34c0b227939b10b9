using System.Security.Claims;
using System.Text.Json;
using Dialer.Api.Validation;
using Dialer.Db.Contacts;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Dialer.Db.Phones;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

/// <summary>An agent a call can be transferred to, as the desk lists it.</summary>
public sealed record TransferTargetView(long AgentId, string Name, string State, DateTimeOffset Since, bool Available);

/// <summary>A contact found for a manual dial.</summary>
public sealed record ManualDialContactView(long Id, long CampaignId, string Phone, string? Name, string? AccountId, string TimeZone, string State, long Attempts);

/// <summary>A manual dial asked for: the contact the campaign's engine is to dial (it answers on the desk: the call, or why not).</summary>
public sealed record ManualDialView(long CampaignId, ManualDialContactView Contact, AgentStateView Agent);

/// <summary>
/// The agent's own calls beyond hold, mute, hang-up and blind transfer (<see cref="AgentApi"/>): the agents a call may go to,
/// consult-then-transfer (start, complete, cancel), and manual dial of a contact or a number while paused. Like the other
/// call controls they only write the agent's row (agent_states.call_controls or request, compare-and-set); the campaign's
/// engine carries them out, under the same compliance gate as every call it places, and answers on the desk.
/// </summary>
public static class AgentCallApi
{
    public static RouteGroupBuilder MapAgentCallApi(this RouteGroupBuilder group)
    {
        group.MapGet("/transfer-targets", TransferTargets);
        group.MapPost("/call/consult", Consult);
        group.MapPost("/call/consult/complete", (ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct) =>
            EndConsultAsync(user, store, time, complete: true, ct));
        group.MapPost("/call/consult/cancel", (ClaimsPrincipal user, AgentStateStore store, TimeProvider time, CancellationToken ct) =>
            EndConsultAsync(user, store, time, complete: false, ct));
        group.MapGet("/contacts", SearchContacts);
        group.MapPost("/dial", ManualDial);
        return group;
    }

    /// <summary>The other agents signed in to the campaign of the agent's call in progress, with their state (ready ones first).</summary>
    public static async Task<Results<Ok<IReadOnlyList<TransferTargetView>>, Conflict<ProblemDetails>>> TransferTargets(
        ClaimsPrincipal user, AgentStateStore store, DeskCallStore desk, TimeProvider time, CancellationToken ct)
    {
        var agentId = AgentApi.AgentId(user);
        var row = await store.EnsureAsync(agentId, AgentApi.Now(time), ct);
        if (row.Current != AgentState.OnCall || await store.CurrentCallAsync(row.ContactId, row.AttemptId, ct) is not { } call)
        {
            return TypedResults.Conflict(Problems.Conflict(NoCall));
        }

        var targets = await desk.TargetsAsync(call.Contact.CampaignId, agentId, ct);
        return TypedResults.Ok<IReadOnlyList<TransferTargetView>>([.. targets.Select(t =>
            new TransferTargetView(t.AgentId, t.Name, t.State, Ms.ToTime(t.Since), t.Available))]);
    }

    /// <summary>
    /// Why the call cannot go to <paramref name="targetId"/> now (409 with the reason), or null: the target must be another agent
    /// signed in to the call's campaign and ready. The engine checks again when it takes the transfer.
    /// </summary>
    internal static async Task<Conflict<ProblemDetails>?> TargetProblemAsync(long agentId, long targetId, long campaignId, AgentStateStore store,
        CancellationToken ct)
    {
        if (targetId == agentId)
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick("You cannot transfer a call to yourself.", "不能把通话转给自己。")));
        }

        var target = await store.GetAsync(targetId, ct);
        if (target is null || target.Current == AgentState.LoggedOut
            || !(JsonSerializer.Deserialize<long[]>(target.CampaignsJson) ?? []).Contains(campaignId))
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick(
                "That agent is not signed in to this call's campaign.", "该坐席未签入此通话所属的活动。")));
        }

        return target.Current == AgentState.Ready
            ? null
            : TypedResults.Conflict(Problems.Conflict(Texts.Pick(
                $"That agent is not ready (now {target.State}): the call stays with you.",
                $"该坐席未就绪（当前{AgentApi.AgentStateZh(target.Current)}）：通话仍由您处理。")));
    }

    /// <summary>
    /// Consult-then-transfer: the customer waits on hold (music) while the agent calls a number or talks to a ready agent of the
    /// campaign; then complete or cancel. A new consultation replaces one in progress.
    /// </summary>
    public static async Task<Results<Ok<AgentStateView>, ValidationProblem, Conflict<ProblemDetails>>> Consult(
        ConsultRequest request, ClaimsPrincipal user, AgentStateStore store, AttemptStore attempts, TimeProvider time, CancellationToken ct)
    {
        var agentId = AgentApi.AgentId(user);
        var row = await store.EnsureAsync(agentId, AgentApi.Now(time), ct);
        if (row.Current != AgentState.OnCall || row.AttemptId is not { } attemptId)
        {
            return TypedResults.Conflict(Problems.Conflict(NoCall));
        }

        ConsultControl consult;
        if (request.AgentId is { } targetId)
        {
            if (!string.IsNullOrWhiteSpace(request.To))
            {
                return ValidationExtensions.Problem("to", Texts.Pick("Give a number or an agent, not both.", "请填写号码或选择坐席，不能同时填写。"));
            }

            var campaignId = (await store.CurrentCallAsync(row.ContactId, attemptId, ct))?.Contact.CampaignId ?? 0;
            if (await TargetProblemAsync(agentId, targetId, campaignId, store, ct) is { } refused)
            {
                return refused;
            }

            consult = new ConsultControl(0, AgentId: targetId);
        }
        else
        {
            var country = (await attempts.DispositionTargetAsync(attemptId, ct)).Definition.DefaultCountry;
            var phone = PhoneNumbers.Normalize(request.To, country);
            if (!phone.Ok || phone.E164 is null)
            {
                return ValidationExtensions.Problem("to", Texts.Pick(
                    $"Give the number to consult, e.g. +8613812345678 ({phone.Reason}).", $"请填写要咨询的号码，例如 +8613812345678（{phone.Reason}）。"));
            }

            consult = new ConsultControl(0, To: phone.E164);
        }

        return Narrow(await AgentApi.ControlCallAsync(agentId, store, time, current => current with
        {
            Hold = true,
            Consult = consult with { Id = (current.Consult?.Id ?? 0) + 1 },
        }, ct));
    }

    /// <summary>Completes (the customer goes to the party consulted, the agent to wrap-up) or cancels (back to the customer) the consultation.</summary>
    public static async Task<Results<Ok<AgentStateView>, ValidationProblem, Conflict<ProblemDetails>>> EndConsultAsync(
        ClaimsPrincipal user, AgentStateStore store, TimeProvider time, bool complete, CancellationToken ct)
    {
        var agentId = AgentApi.AgentId(user);
        var row = await store.EnsureAsync(agentId, AgentApi.Now(time), ct);
        if (row.Controls is not { Consult: { } consult } controls || controls.AttemptId != row.AttemptId || consult.Cancel || consult.Complete)
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick("There is no consultation in progress.", "当前没有进行中的咨询。")));
        }

        return Narrow(await AgentApi.ControlCallAsync(agentId, store, time, current => current.Consult is { } c && c.Id == consult.Id
            ? current with { Consult = c with { Complete = complete, Cancel = !complete }, Hold = complete && current.Hold }
            : current, ct));
    }

    /// <summary>Contacts of a campaign the agent is signed in to, by name, number or account (at most 20).</summary>
    public static async Task<Results<Ok<IReadOnlyList<ManualDialContactView>>, ValidationProblem, ForbidHttpResult>> SearchContacts(
        long? campaignId, string? q, ClaimsPrincipal user, AgentStateStore store, DeskCallStore desk, TimeProvider time, CancellationToken ct)
    {
        var agentId = AgentApi.AgentId(user);
        if (await CampaignProblemAsync(agentId, campaignId, store, time, ct) is { } problem)
        {
            return problem.Forbidden ? TypedResults.Forbid() : problem.Invalid!;
        }

        if (string.IsNullOrWhiteSpace(q) || q.Trim().Length < 2 || q.Length > 100)
        {
            return ValidationExtensions.Problem("q", Texts.Pick("Type at least two characters of a name or number.", "请输入姓名或号码的至少两个字符。"));
        }

        var found = await desk.SearchAsync(campaignId!.Value, q, ct);
        return TypedResults.Ok<IReadOnlyList<ManualDialContactView>>([.. found.Select(View)]);
    }

    /// <summary>
    /// Manual dial while paused: a contact of a campaign the agent is signed in to, or a number (the campaign's contact with that
    /// number, else a new contact of the campaign). The engine dials it through the same compliance gate as every call and
    /// answers on the desk: the call, or why it was refused.
    /// </summary>
    public static async Task<Results<Ok<ManualDialView>, ValidationProblem, Conflict<ProblemDetails>, ForbidHttpResult>> ManualDial(
        ManualDialRequest request, ClaimsPrincipal user, AgentStateStore store, DeskCallStore desk, DialingCampaignStore campaigns, ContactStore contacts,
        TimeProvider time, CancellationToken ct)
    {
        var agentId = AgentApi.AgentId(user);
        if (await CampaignProblemAsync(agentId, request.CampaignId, store, time, ct) is { } problem)
        {
            return problem.Forbidden ? TypedResults.Forbid() : problem.Invalid!;
        }

        var campaignId = request.CampaignId!.Value;
        if (await campaigns.LoadAsync(campaignId, ct) is not { } campaign || campaign.Definition.Mode == CampaignModes.Agentless)
        {
            return ValidationExtensions.Problem("campaignId", Texts.Pick("This campaign has no agents' calls.", "该活动没有坐席通话。"));
        }

        if (campaign.Pulse.Status != CampaignStatus.Running)
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick(
                $"The campaign {campaign.Definition.Name} is not running: it dials no call.", $"活动 {campaign.Definition.Name} 未在运行：不会拨出电话。")));
        }

        ManualDialContact? contact;
        if (request.ContactId is { } contactId)
        {
            if (!string.IsNullOrWhiteSpace(request.Phone))
            {
                return ValidationExtensions.Problem("phone", Texts.Pick("Give a contact or a number, not both.", "请选择联系人或填写号码，不能同时填写。"));
            }

            contact = await desk.GetAsync(campaignId, contactId, ct);
            if (contact is null)
            {
                return ValidationExtensions.Problem("contactId", Texts.Pick("No such contact in this campaign.", "该活动中没有此联系人。"));
            }
        }
        else
        {
            var phone = PhoneNumbers.Normalize(request.Phone, campaign.Definition.DefaultCountry);
            if (!phone.Ok || phone.E164 is null)
            {
                return ValidationExtensions.Problem("phone", Texts.Pick(
                    $"Give a contact or the number to dial, e.g. +8613812345678 ({phone.Reason}).", $"请选择联系人或填写要拨打的号码，例如 +8613812345678（{phone.Reason}）。"));
            }

            contact = await desk.FindAsync(campaignId, phone.E164, ct);
            if (contact is null)
            {
                await contacts.AddAsync(campaignId, new ContactFields(phone.E164, null, null,
                    PhoneNumbers.TimeZoneFor(phone.E164) ?? campaign.Definition.TimeZone, null), AgentApi.Now(time), ct);
                contact = await desk.FindAsync(campaignId, phone.E164, ct);
            }
        }

        if (contact is null)
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick("The contact could not be added; try again.", "无法添加该联系人，请重试。")));
        }

        switch (contact.State)
        {
            case ContactState.Dialing:
                return TypedResults.Conflict(Problems.Conflict(Texts.Pick("This contact is being called right now.", "该联系人正在被呼叫。")));
            case ContactState.Dnc:
                return TypedResults.Conflict(Problems.Conflict(Texts.Pick("This contact is on the do-not-call list: it may not be called.", "该联系人在免打扰名单中：不得呼叫。")));
            case ContactState.Invalid or ContactState.Cancelled:
                return TypedResults.Conflict(Problems.Conflict(Texts.Pick("This contact's number is invalid or was cancelled: it is not dialled.", "该联系人的号码无效或已取消：不予拨打。")));
        }

        for (var i = 0; i < 5; i++)
        {
            var row = await store.EnsureAsync(agentId, AgentApi.Now(time), ct);
            if (row.Current != AgentState.Paused)
            {
                return TypedResults.Conflict(Problems.Conflict(Texts.Pick(
                    "Pause first: manual dial is for an agent who is not taking calls.", "请先暂停：手工拨号仅适用于未接听来电的坐席。")));
            }

            if (await store.TryRequestAsync(agentId, row.Version, AgentRequest.ManualDial(campaignId, contact.Id), ct) is not null)
            {
                return TypedResults.Ok(new ManualDialView(campaignId, View(contact), AgentApi.View((await store.GetAsync(agentId, ct))!)));
            }
        }

        return TypedResults.Conflict(Problems.Conflict(Texts.Pick("The agent's state kept changing; try again.", "坐席状态一直在变化，请重试。")));
    }

    /// <summary>The campaign must be one the agent is signed in to (400), and not one the agent is kept out of by assignments (403).</summary>
    private static async Task<(bool Forbidden, ValidationProblem? Invalid)?> CampaignProblemAsync(long agentId, long? campaignId, AgentStateStore store,
        TimeProvider time, CancellationToken ct)
    {
        if (campaignId is not { } id || id <= 0)
        {
            return (false, ValidationExtensions.Problem("campaignId", Texts.Pick("Choose the campaign to dial in.", "请选择要拨号的活动。")));
        }

        var assigned = await store.AssignmentsAsync(agentId, ct);
        if (assigned.Count > 0 && !assigned.Contains(id))
        {
            return (true, null);
        }

        var row = await store.EnsureAsync(agentId, AgentApi.Now(time), ct);
        return (JsonSerializer.Deserialize<long[]>(row.CampaignsJson) ?? []).Contains(id)
            ? null
            : (false, ValidationExtensions.Problem("campaignId", Texts.Pick($"You are not signed in to campaign {id}.", $"您未签入活动 {id}。")));
    }

    private static ManualDialContactView View(ManualDialContact c) => new(c.Id, c.CampaignId, c.Phone, c.Name, c.AccountId, c.TimeZone, c.State, c.Attempts);

    private static Results<Ok<AgentStateView>, ValidationProblem, Conflict<ProblemDetails>> Narrow(Results<Ok<AgentStateView>, Conflict<ProblemDetails>> result) =>
        result.Result switch
        {
            Ok<AgentStateView> ok => ok,
            Conflict<ProblemDetails> conflict => conflict,
            var other => throw new InvalidOperationException($"unexpected {other}"),
        };

    private static string NoCall => Texts.Pick("There is no call in progress.", "当前没有进行中的通话。");
}
