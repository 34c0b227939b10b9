using System.Security.Claims;
using Dialer.Api.Pages.Data;
using Dialer.Api.Pages.Live;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Console;

/// <summary>The campaign list with today's figures, for managers.</summary>
public sealed class CampaignsTopic(ConsoleQueries queries, FragmentRenderer renderer) : ILiveTopic
{
    public TimeSpan Interval => TimeSpan.FromSeconds(2);

    public string? Resolve(string topic, ClaimsPrincipal user) =>
        topic == "campaigns" && (user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager)) ? "campaigns" : null;

    public async Task<string> RenderAsync(string key, CancellationToken ct) =>
        await renderer.RenderAsync<CampaignTable>(new Dictionary<string, object?>
        {
            [nameof(CampaignTable.Campaigns)] = await queries.CampaignsAsync(ct),
        });
}
