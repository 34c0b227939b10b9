using Dialer.Db.Agents;

namespace Dialer.Api.BrowserPhone;

/// <summary>
/// The WebSocket URLs live Workers publish for SIP over WebSocket (workers.sip_ws_url), read from the database at most
/// every <see cref="BrowserPhoneOptions.OriginsCacheSeconds"/>: the desk connects to the freshest, and the
/// Content-Security-Policy's connect-src lets the pages reach all of them (and no other host).
/// </summary>
public sealed class BrowserPhoneOrigins(BrowserPhoneStore store, BrowserPhoneOptions options, TimeProvider time)
{
    private readonly SemaphoreSlim reading = new(1, 1);
    private IReadOnlyList<string> urls = [];
    private long readAt = long.MinValue;

    /// <summary>The live Workers' WebSocket URLs, the freshest first (read now, bypassing the cache).</summary>
    public async Task<IReadOnlyList<string>> ReadAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var read = await store.WebSocketUrlsAsync(now - options.WorkerLiveSeconds * 1000L, ct);
        urls = read;
        readAt = now;
        return read;
    }

    /// <summary>The URLs as last read, read again when older than the cache time.</summary>
    public async Task<IReadOnlyList<string>> CachedAsync(CancellationToken ct)
    {
        if (time.GetUtcNow().ToUnixTimeMilliseconds() - readAt < options.OriginsCacheSeconds * 1000L)
        {
            return urls;
        }

        await reading.WaitAsync(ct);
        try
        {
            return time.GetUtcNow().ToUnixTimeMilliseconds() - readAt < options.OriginsCacheSeconds * 1000L ? urls : await ReadAsync(ct);
        }
        finally
        {
            reading.Release();
        }
    }

    /// <summary>The CSP source for a URL: its scheme, host and port (ws://127.0.0.1:5066), nothing that could widen the policy.</summary>
    public static string? Source(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss" && !uri.Authority.Any(c => c is ' ' or ';' or ',' or '\'')
            ? uri.Scheme + "://" + uri.Authority
            : null;
}
