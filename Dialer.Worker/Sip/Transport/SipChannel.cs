using System.Net;
using Dialer.Worker.Sip.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Sip.Transport;

/// <summary>
/// One SIP transport endpoint (a UDP socket, a TCP listener with its connections, or an in-memory pipe).
/// Each channel runs one receive loop; received bytes are parsed here, malformed requests answered 400.
/// </summary>
public abstract class SipChannel(ILogger? logger) : IAsyncDisposable
{
    protected ILogger Logger { get; } = logger ?? NullLogger.Instance;

    /// <summary>"UDP" or "TCP", as written in Via.</summary>
    public abstract string Transport { get; }

    /// <summary>True when the transport delivers reliably (no retransmissions needed).</summary>
    public abstract bool IsReliable { get; }

    public abstract IPEndPoint LocalEndPoint { get; }

    /// <summary>Set by the stack before <see cref="Start"/>; runs on the receive loop.</summary>
    public Action<SipChannel, SipMessage, IPEndPoint>? MessageReceived { get; set; }

    /// <summary>Raised when a connection-oriented peer's connection closes (a WebSocket); its bindings end with it.</summary>
    public event Action<SipChannel, IPEndPoint>? ConnectionClosed;

    public long MalformedCount => Interlocked.Read(ref malformed);

    private long malformed;

    public abstract void Start();

    /// <summary>
    /// Hands one message to the transport; false on a transport error (RFC 3261 §18.4: a TCP connection refused, no
    /// WebSocket to the peer, a network unreachable), which a client transaction hears as 503 at once.
    /// </summary>
    public abstract bool Send(IPEndPoint remote, byte[] data);

    public bool Send(IPEndPoint remote, SipMessage message) => Send(remote, message.ToBytes());

    /// <summary>Parses and delivers one message; never throws.</summary>
    protected void OnReceived(ReadOnlySpan<byte> data, IPEndPoint remote)
    {
        if (data.Trim("\r\n \t"u8).IsEmpty)
        {
            return;
        }

        SipMessage message;
        try
        {
            message = SipParser.Parse(data);
        }
        catch (SipParseException ex)
        {
            Interlocked.Increment(ref malformed);
            Logger.LogDebug("Malformed SIP from {Remote}: {Error}", remote, ex.Message);
            var badRequest = SipParser.BadRequestFor(data, ex.Message);
            if (badRequest is not null)
            {
                SafeSend(remote, badRequest);
            }

            return;
        }

        try
        {
            MessageReceived?.Invoke(this, message, remote);
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "SIP handler failed for a message from {Remote}", remote);
        }
    }

    protected void OnConnectionClosed(IPEndPoint remote)
    {
        try
        {
            ConnectionClosed?.Invoke(this, remote);
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "Handling the closed connection of {Remote} failed", remote);
        }
    }

    private void SafeSend(IPEndPoint remote, SipMessage message)
    {
        try
        {
            Send(remote, message);
        }
        catch (Exception ex)
        {
            Logger.LogDebug(ex, "Could not send to {Remote}", remote);
        }
    }

    public abstract ValueTask DisposeAsync();
}
