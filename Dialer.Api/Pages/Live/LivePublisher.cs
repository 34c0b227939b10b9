using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.SignalR;

namespace Dialer.Api.Pages.Live;

/// <summary>
/// Renders watched regions and pushes their HTML when it changed: every region at its topic's interval, an agent's
/// region at once when the engine wrote an event for that agent (the outbox). Runs on the server, so a background
/// tab is never starved of updates by browser timer throttling.
/// </summary>
public sealed class LivePublisher(
    LiveSubscriptions subscriptions,
    IHubContext<LiveHub> hub,
    OutboxWatcher outbox,
    TimeProvider time,
    ILogger<LivePublisher> logger) : BackgroundService
{
    private static readonly TimeSpan Beat = TimeSpan.FromMilliseconds(200);
    private readonly ConcurrentDictionary<string, (string Html, long At)> last = new();

    /// <summary>Sends the region to one new watcher at once (and remembers it as the latest).</summary>
    public async Task SendNowAsync(LiveWatch watch, IClientProxy caller, CancellationToken ct)
    {
        var html = await RenderAsync(watch, ct);
        last[watch.Group] = (html, time.GetUtcNow().ToUnixTimeMilliseconds());
        await caller.SendAsync("render", watch.Topic, html, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Beat, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var woken = await outbox.AgentsWithNewEventsAsync(stoppingToken);
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                foreach (var (watch, connections) in subscriptions.Watched())
                {
                    var previous = last.TryGetValue(watch.Group, out var p) ? p : (Html: null, At: 0L);
                    var due = now - previous.At >= (long)watch.Source.Interval.TotalMilliseconds || woken.Contains(watch.Key);
                    if (!due)
                    {
                        continue;
                    }

                    try
                    {
                        var html = await RenderAsync(watch, stoppingToken);
                        last[watch.Group] = (html, now);
                        if (html != previous.Html)
                        {
                            await hub.Clients.Clients(connections).SendAsync("render", watch.Topic, html, now, stoppingToken);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // One region failing (a database hiccup) must not starve the others; it is tried again next time.
                        last[watch.Group] = (previous.Html!, now);
                        logger.LogWarning(e, "Live region {Topic} could not be rendered", watch.Key);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Live regions could not be rendered this time");
            }
        }
    }

    private static async Task<string> RenderAsync(LiveWatch watch, CancellationToken ct)
    {
        var culture = CultureInfo.GetCultureInfo(watch.Culture);
        var (ui, fmt) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        CultureInfo.CurrentUICulture = culture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            return await watch.Source.RenderAsync(watch.Key, ct);
        }
        finally
        {
            CultureInfo.CurrentUICulture = ui;
            CultureInfo.CurrentCulture = fmt;
        }
    }
}
