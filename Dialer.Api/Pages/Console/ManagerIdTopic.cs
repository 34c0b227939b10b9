using System.Globalization;
using System.Security.Claims;
using Dialer.Api.Pages.Live;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Console;

/// <summary>A live region about one thing with an id ("prefix:id"), watched by managers and administrators.</summary>
public abstract class ManagerIdTopic(string prefix) : ILiveTopic
{
    private readonly string prefix = prefix + ":";

    public abstract TimeSpan Interval { get; }

    public string? Resolve(string topic, ClaimsPrincipal user) =>
        topic.StartsWith(prefix, StringComparison.Ordinal)
        && long.TryParse(topic[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _)
        && (user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager))
            ? topic
            : null;

    public Task<string> RenderAsync(string key, CancellationToken ct) =>
        RenderAsync(long.Parse(key[prefix.Length..], CultureInfo.InvariantCulture), ct);

    /// <summary>The region's HTML for the thing <paramref name="id"/>; empty when it is gone.</summary>
    protected abstract Task<string> RenderAsync(long id, CancellationToken ct);
}
