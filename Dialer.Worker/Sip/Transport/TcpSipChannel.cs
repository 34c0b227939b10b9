using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Dialer.Worker.Sip.Messages;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Sip.Transport;

/// <summary>SIP over TCP: a listener plus one connection per peer, each with a receive loop framing by Content-Length.</summary>
public sealed class TcpSipChannel : SipChannel
{
    private int disposed;
    private readonly Socket listener;
    private readonly ConcurrentDictionary<IPEndPoint, TcpConnection> connections = new();
    private readonly CancellationTokenSource stop = new();
    private Task? acceptLoop;

    public TcpSipChannel(IPEndPoint bind, ILogger? logger = null) : base(logger)
    {
        listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(bind);
        listener.Listen(512);
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
    }

    public override string Transport => "TCP";

    public override bool IsReliable => true;

    public override IPEndPoint LocalEndPoint { get; }

    public int ConnectionCount => connections.Count;

    public override void Start() => acceptLoop ??= Task.Run(() => AcceptLoopAsync(stop.Token));

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await listener.AcceptAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            Track(accepted);
        }
    }

    private TcpConnection Track(Socket socket)
    {
        socket.NoDelay = true;
        var connection = new TcpConnection(socket, (IPEndPoint)socket.RemoteEndPoint!);
        connections[connection.Remote] = connection;
        _ = Task.Run(() => ReceiveLoopAsync(connection, stop.Token));
        return connection;
    }

    private async Task ReceiveLoopAsync(TcpConnection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[16384];
        var filled = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= SipParser.MaxMessageSize * 2)
                    {
                        return;
                    }

                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var read = await connection.Socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                filled += read;
                var consumed = 0;
                while (true)
                {
                    int length;
                    int skip;
                    try
                    {
                        length = SipParser.FrameLength(buffer.AsSpan(consumed, filled - consumed), out skip);
                    }
                    catch (SipParseException ex)
                    {
                        // The stream can no longer be framed: answer if possible and close the connection.
                        OnReceived(buffer.AsSpan(consumed, filled - consumed), connection.Remote);
                        Logger.LogDebug("Closing TCP connection from {Remote}: {Error}", connection.Remote, ex.Message);
                        return;
                    }

                    if (length < 0)
                    {
                        consumed += skip;
                        break;
                    }

                    OnReceived(buffer.AsSpan(consumed + skip, length), connection.Remote);
                    consumed += skip + length;
                }

                if (consumed > 0)
                {
                    Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                    filled -= consumed;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            connections.TryRemove(new KeyValuePair<IPEndPoint, TcpConnection>(connection.Remote, connection));
            connection.Socket.Dispose();
        }
    }

    public override bool Send(IPEndPoint remote, byte[] data)
    {
        try
        {
            if (!connections.TryGetValue(remote, out var connection))
            {
                lock (connections)
                {
                    if (!connections.TryGetValue(remote, out connection))
                    {
                        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                        socket.Connect(remote);
                        connection = Track(socket);
                    }
                }
            }

            lock (connection)
            {
                connection.Socket.Send(data);
            }

            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Logger.LogDebug("TCP send to {Remote} failed: {Error}", remote, ex.Message);
            return false;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync();
        listener.Dispose();
        foreach (var c in connections.Values)
        {
            c.Socket.Dispose();
        }

        if (acceptLoop is not null)
        {
            await acceptLoop.ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private sealed record TcpConnection(Socket Socket, IPEndPoint Remote);
}
