using Dialer.Api.Auth;
using Dialer.Api.Validation;
using Dialer.Db.Agents;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

public sealed record CampaignAgentsRequest(IReadOnlyList<long>? AgentIds);

/// <summary>The whole list of campaigns one agent works (empty: any campaign).</summary>
public sealed record AgentCampaignsRequest(IReadOnlyList<long>? CampaignIds);

/// <summary>The whole list of campaigns (possibly empty), each an existing campaign.</summary>
public sealed class AgentCampaignsRequestValidator : JsonPathValidator<AgentCampaignsRequest>
{
    public AgentCampaignsRequestValidator(Dialer.Db.Auth.ApiKeyStore keys)
    {
        RuleFor(r => r.CampaignIds).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => Texts.Pick("A list of campaign ids is required.", "需要活动编号列表 (campaignIds)。"))
            .Must(KeyCampaignsRequestValidator.Fits!).WithMessage(_ => KeyCampaignsRequestValidator.Message)
            .CustomAsync(async (ids, context, ct) =>
            {
                if (await keys.MissingCampaignsAsync(ids!.ToList(), ct) is { Count: > 0 } missing)
                {
                    context.AddFailure(Texts.Pick($"No campaign {string.Join(", ", missing)}.", $"活动 {string.Join("、", missing)} 不存在。"));
                }
            });
    }
}

/// <summary>The whole list of agents (possibly empty), each an enabled user with role agent.</summary>
public sealed class CampaignAgentsRequestValidator : JsonPathValidator<CampaignAgentsRequest>
{
    public CampaignAgentsRequestValidator(CampaignAgentStore agents)
    {
        RuleFor(r => r.AgentIds).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage(_ => Texts.Pick("A list of agent user ids is required.", "需要坐席用户编号列表 (agentIds)。"))
            .CustomAsync(async (ids, context, ct) =>
            {
                if (await agents.UnknownAgentsAsync(ids!.ToList(), ct) is { Count: > 0 } unknown)
                {
                    context.AddFailure(Texts.Pick($"Not enabled agents: {string.Join(", ", unknown)}.", $"不是已启用的坐席：{string.Join(", ", unknown)}。"));
                }
            });
    }
}

/// <summary>Which agents work a campaign. An agent may log in only to campaigns it is assigned to (or any, when it has none).</summary>
public static class CampaignAgentsApi
{
    public static IEndpointRouteBuilder MapCampaignAgentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns/{id:long}/agents").WithTags("Campaigns").RequireAuthorization(Policies.Manager);
        group.MapGet("/", ListAgents);
        group.MapPut("/", ReplaceAgents);
        app.MapPut("/api/users/{id:long}/campaigns", ReplaceCampaigns).WithTags("Users").RequireAuthorization(Policies.Manager)
            .ProducesProblem(404).WithSummary("Replace the campaigns an agent works (an empty list: any campaign).");
        return app;
    }

    /// <summary>The agent's side of the same assignments: 404 when the id is not an enabled agent.</summary>
    public static async Task<Results<Ok<IReadOnlyList<long>>, NotFound<ProblemDetails>, ValidationProblem>> ReplaceCampaigns(
        long id, AgentCampaignsRequest request, IValidator<AgentCampaignsRequest> validator, CampaignAgentStore agents, CancellationToken ct)
    {
        if ((await agents.UnknownAgentsAsync([id], ct)).Count > 0)
        {
            return TypedResults.NotFound(Problems.NotFound(Texts.Pick($"No enabled agent {id}.", $"没有已启用的坐席 {id}。")));
        }

        if (await validator.ProblemAsync(request, ct) is { } invalid)
        {
            return invalid;
        }

        var campaignIds = request.CampaignIds!.Distinct().ToList();
        await agents.ReplaceForAgentAsync(id, campaignIds, ct);
        return TypedResults.Ok<IReadOnlyList<long>>([.. (await agents.AssignmentsAsync(ct))[id]]);
    }

    public static async Task<Results<Ok<IReadOnlyList<AssignedAgent>>, NotFound<ProblemDetails>>> ListAgents(
        long id, CampaignStore campaigns, CampaignAgentStore agents, CancellationToken ct)
    {
        if (await campaigns.GetAsync(id, ct) is null)
        {
            return TypedResults.NotFound(Problems.NotFound($"No campaign {id}."));
        }

        return TypedResults.Ok(await agents.ListAsync(id, ct));
    }

    public static async Task<Results<Ok<IReadOnlyList<AssignedAgent>>, NotFound<ProblemDetails>, ValidationProblem>> ReplaceAgents(
        long id, CampaignAgentsRequest request, IValidator<CampaignAgentsRequest> validator, CampaignStore campaigns, CampaignAgentStore agents,
        CancellationToken ct)
    {
        if (await campaigns.GetAsync(id, ct) is null)
        {
            return TypedResults.NotFound(Problems.NotFound($"No campaign {id}."));
        }

        if (await validator.ProblemAsync(request, ct) is { } invalid)
        {
            return invalid;
        }

        await agents.ReplaceAsync(id, request.AgentIds!.ToList(), ct);
        return TypedResults.Ok(await agents.ListAsync(id, ct));
    }
}
