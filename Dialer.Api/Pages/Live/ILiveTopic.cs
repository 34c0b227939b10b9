using System.Security.Claims;

namespace Dialer.Api.Pages.Live;

/// <summary>
/// One kind of live region ("campaigns", "dashboard:7", "import:12", "agent"): who may watch it, the
/// concrete key it stands for for this viewer, and its HTML now.
/// </summary>
public interface ILiveTopic
{
    /// <summary>The key for this viewer (e.g. "agent" becomes "agent:42"), or null when this topic is not one of ours or not allowed.</summary>
    string? Resolve(string topic, ClaimsPrincipal user);

    /// <summary>How often the region is re-rendered while watched (an agent's region also re-renders at once on its events).</summary>
    TimeSpan Interval { get; }

    Task<string> RenderAsync(string key, CancellationToken ct);
}
