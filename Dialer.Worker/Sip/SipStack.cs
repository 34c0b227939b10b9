using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Dialer.Worker.Sip.Dialogs;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transactions;
using Dialer.Worker.Sip.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Sip;

/// <summary>
/// The SIP core: channels, the transaction layer, dialogs, and routing of requests that start no dialog
/// (REGISTER to the registrar, OPTIONS answered here, stray INVITEs declined).
/// </summary>
public sealed class SipStack : IAsyncDisposable
{
    private int disposed;
    private readonly List<SipChannel> channels;
    private readonly ConcurrentDictionary<string, ISipDialogUser> dialogs = new();
    private readonly ConcurrentDictionary<string, IPEndPoint> resolved = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<IPAddress, IPAddress> localFor = new();
    private readonly string? publicAddress;
    private readonly ILogger logger;

    public SipStack(IEnumerable<SipChannel> channels, TimeProvider time, string? publicAddress = null, string userAgent = "Dialer", ILogger? logger = null)
    {
        this.channels = [.. channels];
        this.publicAddress = publicAddress;
        this.logger = logger ?? NullLogger.Instance;
        UserAgent = userAgent;
        Time = time;
        Transactions = new SipTransactionLayer(time)
        {
            RequestReceived = OnRequest,
            StrayResponse = OnStrayResponse,
        };
        foreach (var channel in this.channels)
        {
            channel.MessageReceived = Transactions.OnMessage;
        }
    }

    public TimeProvider Time { get; }

    public SipTransactionLayer Transactions { get; }

    public string UserAgent { get; }

    public IReadOnlyList<SipChannel> Channels => channels;

    public int DialogCount => dialogs.Count;

    /// <summary>Handles REGISTER requests (the registrar); without one they are answered 405.</summary>
    public Action<SipRequest, SipServerTransaction, IPEndPoint>? RegisterHandler { get; set; }

    public void Start()
    {
        foreach (var c in channels)
        {
            c.Start();
        }
    }

    public SipChannel GetChannel(string transport) =>
        channels.FirstOrDefault(c => string.Equals(c.Transport, transport, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"no {transport} channel configured");

    /// <summary>Routes in-dialog requests and stray responses for Call-ID and our tag to <paramref name="user"/>.</summary>
    public void AddDialogUser(string callId, string localTag, ISipDialogUser user) => dialogs[callId + "|" + localTag] = user;

    public void RemoveDialogUser(string callId, string localTag) => dialogs.TryRemove(callId + "|" + localTag, out _);

    public static string NewBranch() => SipVia.MagicCookie + Random.Shared.NextInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public static string NewTag() => Random.Shared.NextInt64().ToString("x12", System.Globalization.CultureInfo.InvariantCulture);

    public static string NewCallId() => Guid.NewGuid().ToString("N");

    /// <summary>The host:port we advertise on <paramref name="channel"/> towards <paramref name="remote"/>.</summary>
    public string HostPort(SipChannel channel, IPEndPoint? remote = null)
    {
        var host = publicAddress;
        if (host is null)
        {
            var address = channel.LocalEndPoint.Address;
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            {
                address = remote is null ? IPAddress.Loopback : LocalAddressFor(remote.Address);
            }

            host = address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();
        }

        return host + ":" + channel.LocalEndPoint.Port;
    }

    /// <summary>The local address this host would use to reach <paramref name="remote"/> (or the bound one).</summary>
    public IPAddress LocalAddressFor(IPAddress remote)
    {
        if (publicAddress is not null && IPAddress.TryParse(publicAddress, out var configured))
        {
            return configured;
        }

        var bound = channels[0].LocalEndPoint.Address;
        return bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any) ? localFor.GetOrAdd(remote, LocalAddressTowards) : bound;
    }

    private static IPAddress LocalAddressTowards(IPAddress remote)
    {
        try
        {
            using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(remote, 9);
            return ((IPEndPoint)probe.LocalEndPoint!).Address;
        }
        catch (SocketException)
        {
            return IPAddress.Loopback;
        }
    }

    public string NewVia(SipChannel channel, IPEndPoint? remote = null) =>
        "SIP/2.0/" + channel.Transport + " " + HostPort(channel, remote) + ";branch=" + NewBranch() + ";rport";

    public string ContactUri(SipChannel channel, string user, IPEndPoint? remote = null) =>
        "sip:" + user + "@" + HostPort(channel, remote) + (channel.IsReliable ? ";transport=" + channel.Transport.ToLowerInvariant() : string.Empty);

    /// <summary>A new out-of-dialog request with Via, Max-Forwards, From, To, Call-ID, CSeq.</summary>
    public SipRequest NewRequest(string method, string requestUri, string from, string to, string callId, uint cseq, SipChannel channel, IPEndPoint remote)
    {
        var request = new SipRequest(method, requestUri);
        request.Add(SipHeaderNames.Via, NewVia(channel, remote));
        request.Add(SipHeaderNames.MaxForwards, "70");
        request.Add(SipHeaderNames.From, from);
        request.Add(SipHeaderNames.To, to);
        request.Add(SipHeaderNames.CallId, callId);
        request.Add(SipHeaderNames.CSeq, cseq + " " + method);
        request.Add(SipHeaderNames.UserAgent, UserAgent);
        return request;
    }

    /// <summary>Resolves host and port (IP literal or DNS name), cached.</summary>
    public IPEndPoint Resolve(string host, int port)
    {
        var key = host + ":" + port;
        if (resolved.TryGetValue(key, out var endPoint))
        {
            return endPoint;
        }

        var address = IPAddress.TryParse(host.Trim('[', ']'), out var ip)
            ? ip
            : Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
        endPoint = new IPEndPoint(address, port);
        resolved[key] = endPoint;
        return endPoint;
    }

    private void OnRequest(SipRequest request, SipServerTransaction? tx, SipChannel channel, IPEndPoint remote)
    {
        var toTag = SipNameAddr.TryParse(request.Get(SipHeaderNames.To) ?? string.Empty, out var to) ? to.Tag : null;
        if (toTag is not null)
        {
            if (dialogs.TryGetValue(request.CallId + "|" + toTag, out var user))
            {
                user.OnDialogRequest(request, tx);
            }
            else
            {
                tx?.Respond(481);
            }

            return;
        }

        if (tx is null)
        {
            return; // an ACK that belongs to nothing we know
        }

        switch (request.Method)
        {
            case SipMethods.Register when RegisterHandler is not null:
                RegisterHandler(request, tx, remote);
                break;
            case SipMethods.Options:
                var ok = SipResponse.For(request, 200, toTag: NewTag());
                ok.Add(SipHeaderNames.Allow, "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REGISTER");
                ok.Add(SipHeaderNames.Server, UserAgent);
                tx.Respond(ok);
                break;
            case SipMethods.Cancel:
                var invite = Transactions.FindServer(request.TopVia!, SipMethods.Invite);
                if (invite is null)
                {
                    tx.Respond(481);
                }
                else
                {
                    tx.Respond(200);
                    invite.Respond(487);
                }

                break;
            case SipMethods.Invite:
                tx.Respond(603, "Inbound calls are not accepted", NewTag());
                break;
            default:
                tx.Respond(405, toTag: NewTag());
                break;
        }
    }

    private void OnStrayResponse(SipResponse response, SipChannel channel, IPEndPoint remote)
    {
        var fromTag = SipNameAddr.TryParse(response.Get(SipHeaderNames.From) ?? string.Empty, out var from) ? from.Tag : null;
        if (fromTag is not null && dialogs.TryGetValue(response.CallId + "|" + fromTag, out var user))
        {
            user.OnStrayResponse(response);
        }
        else
        {
            logger.LogDebug("Stray {Code} for {CallId}", response.StatusCode, response.CallId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        foreach (var c in channels)
        {
            await c.DisposeAsync();
        }
    }
}
