using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Sip.Transport;

/// <summary>UDP and TCP channels on the same port; with port 0, retries until one port is free for both.</summary>
public static class SipChannelPair
{
    public static (UdpSipChannel Udp, TcpSipChannel Tcp) Bind(IPAddress address, int port, ILogger? logger = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new UdpSipChannel(new IPEndPoint(address, port), logger);
            try
            {
                return (udp, new TcpSipChannel(new IPEndPoint(address, udp.LocalEndPoint.Port), logger));
            }
            catch (SocketException ex) when (port == 0 && ex.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 20)
            {
                udp.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch
            {
                udp.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }
    }
}
