using Dialer.Api.Pages.Data;
using Dialer.Api.Pages.Live;

namespace Dialer.Api.Pages.Console;

/// <summary>A campaign's live dashboard ("dashboard:7"), for managers, once a second and at once on engine events.</summary>
public sealed class DashboardTopic(DashboardQueries dashboard, FragmentRenderer renderer) : ManagerIdTopic("dashboard")
{
    public override TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected override async Task<string> RenderAsync(long id, CancellationToken ct)
    {
        var snapshot = await dashboard.SnapshotAsync(id, ct);
        return snapshot is null
            ? ""
            : await renderer.RenderAsync<DashboardView>(new Dictionary<string, object?> { [nameof(DashboardView.Snapshot)] = snapshot });
    }
}
