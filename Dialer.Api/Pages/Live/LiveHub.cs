using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.SignalR;

namespace Dialer.Api.Pages.Live;

/// <summary>
/// The push channel of the pages. A page subscribes to the regions it shows; the server renders each region and
/// sends its HTML ("render", topic, html, serverNowMs) when it changes. Signed-in callers only (the fallback policy),
/// and each topic checks the role.
/// </summary>
public sealed class LiveHub(LiveSubscriptions subscriptions, LivePublisher publisher) : Hub
{
    public const string Path = "/hubs/live";

    public async Task Subscribe(string[] topics)
    {
        var culture = Context.GetHttpContext()?.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture
            ?? CultureInfo.GetCultureInfo("en");
        foreach (var topic in topics.Take(10))
        {
            var watch = subscriptions.Add(Context.ConnectionId, topic, Context.User!, culture.Name);
            if (watch is not null)
            {
                await publisher.SendNowAsync(watch, Clients.Caller, Context.ConnectionAborted);
            }
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.RemoveConnection(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
