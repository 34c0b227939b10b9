using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Sip.Transport;

/// <summary>
/// SIP over WebSocket (RFC 7118), the browser phones' transport: a Kestrel listener (ws, or wss with a certificate)
/// accepting WebSocket connections with the subprotocol "sip", one SIP message per WebSocket message (text or binary).
/// Each connection is a flow: requests and responses to a peer go back over the connection it came on, keyed by the
/// peer's address and port; nothing is ever sent to a peer without an open connection (a browser cannot be dialled).
/// A closed connection raises <see cref="SipChannel.ConnectionClosed"/> (the registrar ends its bindings). A message
/// larger than <see cref="SipWebSocketOptions.MaxMessageBytes"/> closes the connection (1009); a malformed one is
/// answered 400 or dropped, as on the other channels.
/// </summary>
public sealed class WebSocketSipChannel : SipChannel
{
    public const string SubProtocol = "sip";

    /// <summary>Messages queued to one slow peer before its connection is closed.</summary>
    private const int MaxQueued = 256;

    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    private readonly SipWebSocketOptions options;
    private readonly ConcurrentDictionary<IPEndPoint, Connection> connections = new();
    private readonly CancellationTokenSource stop = new();
    private readonly WebApplication app;
    private int disposed;
    private volatile bool started;

    private WebSocketSipChannel(SipWebSocketOptions options, X509Certificate2? certificate, ILogger? logger) : base(logger)
    {
        this.options = options;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            k.Limits.MaxRequestBodySize = 0;
            k.Listen(IPAddress.Parse(options.ListenAddress), options.Port, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        builder.Services.AddRouting();
        app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = KeepAlive });
        app.Run(AcceptAsync);
        app.StartAsync().GetAwaiter().GetResult();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        LocalEndPoint = new IPEndPoint(IPAddress.Parse(options.ListenAddress), new Uri(address).Port);
        Transport = certificate is null ? "WS" : "WSS";
    }

    /// <summary>Starts listening at once (the port is known on return); messages flow after <see cref="Start"/>.</summary>
    public static WebSocketSipChannel Open(SipWebSocketOptions options, ILogger? logger = null) =>
        new(options, LoadCertificate(options), logger);

    public override string Transport { get; }

    public override bool IsReliable => true;

    public override IPEndPoint LocalEndPoint { get; }

    public int ConnectionCount => connections.Count;

    /// <summary>The URL pages connect to: <see cref="SipWebSocketOptions.PublicUrl"/>, else scheme://host:port of this listener.</summary>
    public string PublicUrl(string? publicAddress)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicUrl))
        {
            return options.PublicUrl;
        }

        var host = publicAddress ?? LocalEndPoint.Address.ToString();
        if (LocalEndPoint.Address.Equals(IPAddress.Any) && publicAddress is null)
        {
            host = Environment.MachineName;
        }

        return (Transport == "WSS" ? "wss" : "ws") + "://" + (host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host) + ":" + LocalEndPoint.Port;
    }

    public override void Start() => started = true;

    private async Task AcceptAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            http.Response.Headers.Upgrade = "websocket";
            return;
        }

        // RFC 7118 §4: the client asks for the "sip" subprotocol; a connection without it is not a SIP one.
        if (!http.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol, StringComparer.OrdinalIgnoreCase))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (!started || connections.Count >= options.MaxConnections || http.Connection.RemoteIpAddress is null)
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var remote = new IPEndPoint(http.Connection.RemoteIpAddress, http.Connection.RemotePort);
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = SubProtocol, KeepAliveInterval = KeepAlive });
        var connection = new Connection(socket, remote);
        connections[remote] = connection;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, http.RequestAborted);
        var sending = Task.Run(() => SendLoopAsync(connection, linked.Token), CancellationToken.None);
        try
        {
            await ReceiveLoopAsync(connection, linked.Token);
        }
        finally
        {
            connections.TryRemove(new KeyValuePair<IPEndPoint, Connection>(remote, connection));
            connection.Outgoing.Writer.TryComplete();
            await linked.CancelAsync();
            await sending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Logger.LogDebug("SIP WebSocket from {Remote} closed", remote);
            OnConnectionClosed(remote);
        }
    }

    private async Task ReceiveLoopAsync(Connection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[options.MaxMessageBytes];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var filled = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (filled == buffer.Length)
                    {
                        Logger.LogDebug("SIP WebSocket message from {Remote} over {Max} bytes: closing", connection.Remote, buffer.Length);
                        await CloseAsync(connection, WebSocketCloseStatus.MessageTooBig, "SIP message too big");
                        return;
                    }

                    result = await connection.Socket.ReceiveAsync(buffer.AsMemory(filled), cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await CloseAsync(connection, WebSocketCloseStatus.NormalClosure, null);
                        return;
                    }

                    filled += result.Count;
                }
                while (!result.EndOfMessage);

                OnReceived(buffer.AsSpan(0, filled), connection.Remote);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException)
        {
        }
    }

    private static async Task CloseAsync(Connection connection, WebSocketCloseStatus status, string? reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await connection.Socket.CloseOutputAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException)
        {
        }
    }

    private async Task SendLoopAsync(Connection connection, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var data in connection.Outgoing.Reader.ReadAllAsync(cancellationToken))
            {
                await connection.Socket.SendAsync(data, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException)
        {
            connection.Socket.Abort();
        }
    }

    /// <summary>Queues one SIP message to the peer's connection; dropped (and logged) when it has none.</summary>
    public override bool Send(IPEndPoint remote, byte[] data)
    {
        if (!connections.TryGetValue(remote, out var connection))
        {
            Logger.LogDebug("No SIP WebSocket connection to {Remote}: message dropped", remote);
            return false;
        }

        if (!connection.Outgoing.Writer.TryWrite(data))
        {
            Logger.LogDebug("SIP WebSocket to {Remote} does not read: closing", remote);
            connection.Socket.Abort();
            return false;
        }

        return true;
    }

    private static X509Certificate2? LoadCertificate(SipWebSocketOptions options)
    {
        if (!options.Secure)
        {
            return null;
        }

        var path = options.CertificatePath!;
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".pfx" or ".p12")
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
        }

        var keyPath = string.IsNullOrWhiteSpace(options.CertificateKeyPath) ? path : options.CertificateKeyPath;
        var pem = string.IsNullOrEmpty(options.CertificatePassword)
            ? X509Certificate2.CreateFromPemFile(path, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, options.CertificatePassword, keyPath);

        // An ephemeral PEM key is not usable by SslStream on every platform: export and reload it as PKCS#12.
        using (pem)
        {
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync();
        foreach (var c in connections.Values)
        {
            c.Socket.Abort();
        }

        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        stop.Dispose();
    }

    private sealed record Connection(WebSocket Socket, IPEndPoint Remote)
    {
        public Channel<byte[]> Outgoing { get; } = System.Threading.Channels.Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }
}
