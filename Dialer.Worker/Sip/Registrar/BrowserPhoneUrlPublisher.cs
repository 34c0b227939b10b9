using Dialer.Db.Agents;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Registrar;

/// <summary>
/// Writes where pages reach this Worker's SIP over WebSocket (ws:// or wss://) on its row of the workers table once the
/// stack listens, and clears it on a clean stop. The Api gives the URL of a live Worker to the agent's desk with the
/// browser phone credential, and lets it through its Content-Security-Policy: the Api and the Worker share only the
/// database, and the actual port (0 picks one) and address are known only here.
/// </summary>
public sealed partial class BrowserPhoneUrlPublisher(
    SipStack stack,
    BrowserPhoneStore store,
    SipStackOptions stackOptions,
    Hosting.DialingOptions options,
    ILogger<BrowserPhoneUrlPublisher> logger) : IHostedService
{
    /// <summary>The URL published, or null when this Worker offers no SIP over WebSocket.</summary>
    public string? Url => stack.Channels.OfType<WebSocketSipChannel>().FirstOrDefault()?.PublicUrl(stackOptions.PublicAddress);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var url = Url;
        await store.PublishWebSocketUrlAsync(options.ResolveWorkerId(), url, cancellationToken);
        if (url is not null)
        {
            LogPublished(url);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Url is not null)
        {
            await store.PublishWebSocketUrlAsync(options.ResolveWorkerId(), null, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Browser phones reach SIP over WebSocket at {Url}")]
    private partial void LogPublished(string url);
}
