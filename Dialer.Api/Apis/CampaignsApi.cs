using System.Globalization;
using Dialer.Api.Auth;
using Dialer.Db.Auth;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

/// <summary>
/// Campaigns for managers (and admins): create, list, read, replace, and start / pause / stop.
/// The body is the campaign definition (see CampaignDefinition); unknown fields are rejected.
/// </summary>
public static class CampaignsApi
{
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns").WithTags("Campaigns").RequireAuthorization(Policies.Manager);
        group.MapPost("/", CreateCampaign).Accepts<CampaignDefinition>("application/json").ProducesValidationProblem()
            .WithSummary("Create a campaign (draft); 201 with Location. Unknown fields are refused.");
        group.MapGet("/", ListCampaigns).WithSummary("Campaigns with status and contact counts (total, dialable, done); ?status= filters.");
        group.MapGet("/{id:long}", GetCampaign).ProducesProblem(404).WithSummary("A campaign: id, status, version (also the ETag), the whole definition, counts.");
        group.MapPut("/{id:long}", ReplaceCampaign).Accepts<CampaignView>("application/json").ProducesValidationProblem()
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(412)
            .WithSummary("Replace the definition; If-Match or a version in the body makes it conditional.");
        group.MapPost("/{id:long}/start", (long id, CampaignStore store, IValidator<CampaignDefinition> validator, TimeProvider time, HttpContext http, AuditTrail audit, CancellationToken ct) =>
            ChangeStatus(id, CampaignAction.Start, store, validator, time, http, audit, ct)).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("draft or paused → running.");
        group.MapPost("/{id:long}/pause", (long id, CampaignStore store, IValidator<CampaignDefinition> validator, TimeProvider time, HttpContext http, AuditTrail audit, CancellationToken ct) =>
            ChangeStatus(id, CampaignAction.Pause, store, validator, time, http, audit, ct)).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("running → paused.");
        group.MapPost("/{id:long}/stop", (long id, CampaignStore store, IValidator<CampaignDefinition> validator, TimeProvider time, HttpContext http, AuditTrail audit, CancellationToken ct) =>
            ChangeStatus(id, CampaignAction.Stop, store, validator, time, http, audit, ct)).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("→ stopped (final); open billing reminders are cancelled.");
        return app;
    }

    public static async Task<Results<Created<CampaignView>, ValidationProblem>> CreateCampaign(
        HttpRequest request, JsonBody json, IValidator<CampaignDefinition> validator, CampaignStore store, CancellationToken ct)
    {
        var (definition, problem) = await json.ReadAsync(request, validator, ct);
        if (problem is not null)
        {
            return problem;
        }

        var record = await store.CreateAsync(definition!, ct);
        request.HttpContext.Response.Headers.ETag = ETag(record.Version);
        return TypedResults.Created($"/api/campaigns/{record.Id}", new CampaignView(record, CampaignCounts.None));
    }

    public static async Task<Results<Ok<IReadOnlyList<CampaignSummary>>, ValidationProblem>> ListCampaigns(
        string? status, CampaignStore store, CancellationToken ct)
    {
        if (status is not null && status is not (CampaignStatus.Draft or CampaignStatus.Running or CampaignStatus.Paused or CampaignStatus.Stopped))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["status"] = ["status must be draft, running, paused or stopped."],
            });
        }

        return TypedResults.Ok(await store.ListAsync(status, ct));
    }

    public static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> GetCampaign(
        long id, CampaignStore store, HttpResponse response, CancellationToken ct)
    {
        var record = await store.GetAsync(id, ct);
        if (record is null)
        {
            return TypedResults.Problem(Problems.NotFound($"No campaign {id}."));
        }

        response.Headers.ETag = ETag(record.Version);
        return TypedResults.Ok(new CampaignView(record, await store.CountsAsync(id, ct)));
    }

    /// <summary>
    /// Full replace. Optimistic: If-Match: "version" (412 when stale), or "version" in the body (409 when
    /// stale); without either the replace applies to the version it reads. 409 for a mode change while
    /// running, a type change after start, or any change to a stopped campaign.
    /// </summary>
    public static async Task<Results<Ok<CampaignView>, ValidationProblem, ProblemHttpResult>> ReplaceCampaign(
        long id, HttpRequest request, JsonBody json, IValidator<CampaignDefinition> validator, CampaignStore store, CancellationToken ct)
    {
        int? ifMatch = null;
        string? header = request.Headers.IfMatch;
        if (!string.IsNullOrWhiteSpace(header) && header.Trim() != "*")
        {
            if (!int.TryParse(header.Trim().TrimStart('W', '/').Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["If-Match"] = ["If-Match must be the ETag of the campaign, e.g. \"3\"."],
                });
            }

            ifMatch = v;
        }

        var (view, problem) = await json.ReadAsync<CampaignView>(request, validator, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (view!.Id is not null && view.Id != id)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["id"] = [Texts.Pick($"The body is campaign {view.Id}, the URL campaign {id}.", $"请求体是活动 {view.Id}，而 URL 是活动 {id}。")],
            });
        }

        var change = await store.UpdateAsync(id, view, ifMatch ?? view.Version, ct);
        switch (change.Outcome)
        {
            case CampaignChangeOutcome.Done:
                request.HttpContext.Response.Headers.ETag = ETag(change.Campaign!.Version);
                return TypedResults.Ok(new CampaignView(change.Campaign, await store.CountsAsync(id, ct)));
            case CampaignChangeOutcome.NotFound:
                return TypedResults.Problem(Problems.NotFound($"No campaign {id}."));
            case CampaignChangeOutcome.VersionMismatch when ifMatch is not null:
                return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed", detail: change.Reason);
            default:
                return TypedResults.Problem(Problems.Conflict(change.Reason!));
        }
    }

    /// <summary>
    /// Start, pause or stop as a compare-and-set of the status. Starting re-checks the stored definition
    /// (a campaign written by an older version may no longer pass) and refuses a stopAt in the past. A
    /// campaign without contacts may start: it waits for an import or for billing reminders.
    /// </summary>
    public static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> ChangeStatus(
        long id, CampaignAction action, CampaignStore store, IValidator<CampaignDefinition> validator, TimeProvider time, HttpContext http, AuditTrail audit,
        CancellationToken ct)
    {
        if (action == CampaignAction.Start)
        {
            var current = await store.GetAsync(id, ct);
            if (current is null)
            {
                return TypedResults.Problem(Problems.NotFound($"No campaign {id}."));
            }

            var check = await validator.ValidateAsync(current.Definition, ct);
            if (!check.IsValid)
            {
                return TypedResults.Problem(Problems.Conflict(Texts.Pick("The campaign cannot start until its definition is fixed: ", "活动定义需先修正才能开始：")
                    + string.Join(" ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}"))));
            }

            if (current.Definition.StopAt is { } stopAt && stopAt <= time.GetUtcNow())
            {
                return TypedResults.Problem(Problems.Conflict(Texts.Pick(
                    $"The campaign cannot start: its stopAt ({stopAt:O}) has passed.", $"活动无法开始：结束时间 stopAt（{stopAt:O}）已过。")));
            }

            if (ComplianceProfile.IsSimulatedOnly(current.Definition.ComplianceProfile)
                && !string.IsNullOrWhiteSpace(http.RequestServices.GetRequiredService<IConfiguration>()["Telephony:Trunk:Host"]))
            {
                return TypedResults.Problem(Problems.Conflict(Texts.Pick(
                    "The campaign cannot start: its compliance profile SIM is for the simulated carrier only, and a real SIP trunk is configured. Choose the profile of the country called (CN, UK, US).",
                    "活动无法开始：合规规范 SIM 仅用于模拟运营商，而当前已配置真实 SIP 中继。请选择被叫国家的规范（CN、UK、US）。")));
            }
        }

        var change = await store.TransitionAsync(id, action, ct);
        if (change.Outcome == CampaignChangeOutcome.NotFound)
        {
            return TypedResults.Problem(Problems.NotFound($"No campaign {id}."));
        }

        if (!change.Ok)
        {
            return TypedResults.Problem(Problems.Conflict(change.Reason!));
        }

        await audit.RecordAsync(http.User, action switch
        {
            CampaignAction.Start => AuditActions.CampaignStart,
            CampaignAction.Pause => AuditActions.CampaignPause,
            _ => AuditActions.CampaignStop,
        }, AuditTargets.Campaign, id, ct, campaignId: id);
        http.Response.Headers.ETag = ETag(change.Campaign!.Version);
        return TypedResults.Ok(new CampaignView(change.Campaign, await store.CountsAsync(id, ct)));
    }

    private static string ETag(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";
}
