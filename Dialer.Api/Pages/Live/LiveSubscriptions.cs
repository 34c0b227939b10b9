using System.Collections.Concurrent;
using System.Security.Claims;

namespace Dialer.Api.Pages.Live;

/// <summary>A region watched by someone: the page's topic name, the concrete key, and the language it is rendered in.</summary>
public sealed record LiveWatch(string Topic, string Key, string Culture, ILiveTopic Source)
{
    public string Group => $"{Key}|{Culture}";
}

/// <summary>Which connections watch which regions; the publisher renders only watched ones.</summary>
public sealed class LiveSubscriptions(IEnumerable<ILiveTopic> topics)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, LiveWatch>> byConnection = new();

    public LiveWatch? Add(string connectionId, string topic, ClaimsPrincipal user, string culture)
    {
        foreach (var source in topics)
        {
            var key = source.Resolve(topic, user);
            if (key is not null)
            {
                var watch = new LiveWatch(topic, key, culture, source);
                byConnection.GetOrAdd(connectionId, _ => new())[watch.Group] = watch;
                return watch;
            }
        }

        return null;
    }

    public void RemoveConnection(string connectionId) => byConnection.TryRemove(connectionId, out _);

    /// <summary>Every distinct watched region with the connections that watch it.</summary>
    public IReadOnlyList<(LiveWatch Watch, IReadOnlyList<string> Connections)> Watched() =>
        [.. byConnection
            .SelectMany(c => c.Value.Values.Select(w => (Watch: w, Connection: c.Key)))
            .GroupBy(x => x.Watch.Group)
            .Select(g => (g.First().Watch, (IReadOnlyList<string>)[.. g.Select(x => x.Connection)]))];
}
