using System.Globalization;
using System.Security.Claims;
using Dialer.Api.Pages.Data;
using Dialer.Api.Pages.Live;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Console;

/// <summary>A campaign's live dashboard ("dashboard:7"), for managers, once a second and at once on engine events.</summary>
public sealed class DashboardTopic(DashboardQueries dashboard, FragmentRenderer renderer) : ILiveTopic
{
    public TimeSpan Interval => TimeSpan.FromSeconds(1);

    public string? Resolve(string topic, ClaimsPrincipal user) =>
        topic.StartsWith("dashboard:", StringComparison.Ordinal)
        && long.TryParse(topic["dashboard:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _)
        && (user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager))
            ? topic
            : null;

    public async Task<string> RenderAsync(string key, CancellationToken ct)
    {
        var snapshot = await dashboard.SnapshotAsync(long.Parse(key["dashboard:".Length..], CultureInfo.InvariantCulture), ct);
        return snapshot is null
            ? ""
            : await renderer.RenderAsync<DashboardView>(new Dictionary<string, object?> { [nameof(DashboardView.Snapshot)] = snapshot });
    }
}
