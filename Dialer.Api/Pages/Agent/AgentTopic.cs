using System.Globalization;
using System.Security.Claims;
using Dialer.Api.Auth;
using Dialer.Api.Pages.Data;
using Dialer.Api.Pages.Live;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Agent;

/// <summary>
/// The signed-in agent's own desk ("agent" → "agent:42"): state, offer, call, wrap-up. Re-rendered at once when the
/// engine writes an event for this agent, else every second (only pushed when it changed).
/// </summary>
public sealed class AgentTopic(AgentQueries desk, FragmentRenderer renderer) : ILiveTopic
{
    public TimeSpan Interval => TimeSpan.FromSeconds(1);

    public string? Resolve(string topic, ClaimsPrincipal user) =>
        topic == "agent" && user.IsInRole(Roles.Agent) && user.UserId() is { } id
            ? $"agent:{id.ToString(CultureInfo.InvariantCulture)}"
            : null;

    public async Task<string> RenderAsync(string key, CancellationToken ct)
    {
        var snapshot = await desk.SnapshotAsync(long.Parse(key["agent:".Length..], CultureInfo.InvariantCulture), ct);
        return snapshot is null
            ? ""
            : await renderer.RenderAsync<DeskView>(new Dictionary<string, object?> { [nameof(DeskView.Snapshot)] = snapshot });
    }
}
