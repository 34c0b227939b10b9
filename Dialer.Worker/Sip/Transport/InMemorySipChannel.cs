using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;

namespace Dialer.Worker.Sip.Transport;

/// <summary>Connects in-memory channels by address, so stacks can talk without sockets (tests).</summary>
public sealed class InMemorySipNetwork
{
    private readonly ConcurrentDictionary<IPEndPoint, InMemorySipChannel> channels = new();

    internal void Attach(InMemorySipChannel channel) => channels[channel.LocalEndPoint] = channel;

    internal void Deliver(IPEndPoint from, IPEndPoint to, byte[] data)
    {
        if (channels.TryGetValue(to, out var target))
        {
            target.Enqueue(data, from);
        }
    }
}

/// <summary>
/// A channel with no sockets: what it sends goes to the network (and to <see cref="Sent"/>), what it receives is
/// queued and delivered by its own loop, like a socket. <see cref="Inject"/> delivers on the caller's thread.
/// </summary>
public sealed class InMemorySipChannel : SipChannel
{
    private int disposed;
    private readonly InMemorySipNetwork? network;
    private readonly Channel<(byte[] Data, IPEndPoint From)> inbox = Channel.CreateUnbounded<(byte[], IPEndPoint)>();
    private Task? loop;

    public InMemorySipChannel(IPEndPoint local, InMemorySipNetwork? network = null, bool reliable = false) : base(null)
    {
        LocalEndPoint = local;
        IsReliable = reliable;
        this.network = network;
        network?.Attach(this);
    }

    public override string Transport => IsReliable ? "TCP" : "UDP";

    public override bool IsReliable { get; }

    public override IPEndPoint LocalEndPoint { get; }

    /// <summary>Everything sent, in order (tests read it).</summary>
    public Channel<(IPEndPoint To, byte[] Data)> Sent { get; } = Channel.CreateUnbounded<(IPEndPoint, byte[])>();

    /// <summary>When it returns true the outgoing message is lost (simulates UDP loss).</summary>
    public Func<byte[], bool>? DropOutgoing { get; set; }

    public override void Start() => loop ??= Task.Run(async () =>
    {
        await foreach (var (data, from) in inbox.Reader.ReadAllAsync())
        {
            OnReceived(data, from);
        }
    });

    internal void Enqueue(byte[] data, IPEndPoint from) => inbox.Writer.TryWrite((data, from));

    public void Inject(byte[] data, IPEndPoint from) => OnReceived(data, from);

    public override bool Send(IPEndPoint remote, byte[] data)
    {
        Sent.Writer.TryWrite((remote, data));
        if (DropOutgoing?.Invoke(data) == true)
        {
            return true;
        }

        network?.Deliver(LocalEndPoint, remote, data);
        return true;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        inbox.Writer.TryComplete();
        Sent.Writer.TryComplete();
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }
    }
}
