using Dialer.Api.Auth;
using Dialer.Db.Agents;
using Dialer.Db.Campaigns;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

public sealed record CampaignAgentsRequest(IReadOnlyList<long>? AgentIds);

/// <summary>Which agents work a campaign. An agent may log in only to campaigns it is assigned to (or any, when it has none).</summary>
public static class CampaignAgentsApi
{
    public static IEndpointRouteBuilder MapCampaignAgentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns/{id:long}/agents").WithTags("Campaigns").RequireAuthorization(Policies.Manager);
        group.MapGet("/", ListAgents);
        group.MapPut("/", ReplaceAgents);
        return app;
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
        long id, CampaignAgentsRequest request, CampaignStore campaigns, CampaignAgentStore agents, CancellationToken ct)
    {
        if (await campaigns.GetAsync(id, ct) is null)
        {
            return TypedResults.NotFound(Problems.NotFound($"No campaign {id}."));
        }

        if (request.AgentIds is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["agentIds"] = ["A list of agent user ids is required."] });
        }

        var unknown = await agents.UnknownAgentsAsync(request.AgentIds.ToList(), ct);
        if (unknown.Count > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["agentIds"] = [$"Not enabled agents: {string.Join(", ", unknown)}."],
            });
        }

        await agents.ReplaceAsync(id, request.AgentIds.ToList(), ct);
        return TypedResults.Ok(await agents.ListAsync(id, ct));
    }
}
