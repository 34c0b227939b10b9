using System.Security.Claims;
using Dialer.Api.Pages.Data;
using Dialer.Api.Pages.Live;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Supervisor;

/// <summary>The agent board across all campaigns ("agent-board"), for managers, once a second.</summary>
public sealed class AgentBoardTopic(SupervisorQueries queries, FragmentRenderer renderer) : ILiveTopic
{
    public const string Name = "agent-board";

    public TimeSpan Interval => TimeSpan.FromSeconds(1);

    public string? Resolve(string topic, ClaimsPrincipal user) =>
        topic == Name && (user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager)) ? Name : null;

    public async Task<string> RenderAsync(string key, CancellationToken ct) =>
        await renderer.RenderAsync<AgentBoardView>(new Dictionary<string, object?>
        {
            [nameof(AgentBoardView.Board)] = await queries.BoardAsync(ct),
        });
}
