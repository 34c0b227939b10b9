using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Sip.Transport;

/// <summary>SIP over UDP: one socket, one receive loop.</summary>
public sealed class UdpSipChannel : SipChannel
{
    private int disposed;
    private readonly Socket socket;
    private readonly CancellationTokenSource stop = new();
    private Task? loop;

    public UdpSipChannel(IPEndPoint bind, ILogger? logger = null) : base(logger)
    {
        socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = 8 * 1024 * 1024,
            SendBufferSize = 8 * 1024 * 1024,
        };
        socket.Bind(bind);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public override string Transport => "UDP";

    public override bool IsReliable => false;

    public override IPEndPoint LocalEndPoint { get; }

    public override void Start() => loop ??= Task.Run(() => ReceiveLoopAsync(stop.Token));

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // ICMP port unreachable from an earlier send surfaces here on some systems; keep receiving.
                Logger.LogDebug("UDP receive error {Error}", ex.SocketErrorCode);
                continue;
            }

            OnReceived(buffer.AsSpan(0, result.ReceivedBytes), (IPEndPoint)result.RemoteEndPoint);
        }
    }

    public override bool Send(IPEndPoint remote, byte[] data)
    {
        try
        {
            socket.SendTo(data, SocketFlags.None, remote);
            return true;
        }
        catch (SocketException ex)
        {
            Logger.LogDebug("UDP send to {Remote} failed: {Error}", remote, ex.SocketErrorCode);
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true; // shutting down: the stack's own end, not the peer's
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync();
        socket.Dispose();
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        stop.Dispose();
    }
}
