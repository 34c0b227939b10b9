namespace Dialer.Worker.Media;

/// <summary>How a supervisor is on an agent's call.</summary>
public enum MonitorMode
{
    /// <summary>The supervisor hears the customer and the agent; nobody hears the supervisor.</summary>
    Listen,

    /// <summary>Coaching: the agent hears the supervisor too; the customer does not.</summary>
    Whisper,

    /// <summary>Barge-in: all three hear each other.</summary>
    Barge,
}

/// <summary>A supervisor on a call, as a carrier gives it (<see cref="Telephony.ICallLeg.Monitor"/>): its mode, switched on the call; disposed when the supervisor leaves.</summary>
public interface ICallMonitor : IDisposable
{
    MonitorMode Mode { get; }

    void Switch(MonitorMode mode);
}

/// <summary>
/// A supervisor on a customer's call with an agent, over the three legs' RTP sessions (the dialer's side of each). The
/// customer and agent stay bridged as they were: listening adds no delay between them. The supervisor hears both mixed;
/// in whisper the agent's leg sends the customer and the supervisor mixed; in barge the customer's leg also sends the
/// agent and the supervisor mixed. Disposing puts the customer and agent back on the plain relay.
/// </summary>
public sealed class CallMonitor : ICallMonitor
{
    private readonly RtpSession customer;
    private readonly RtpSession agent;
    private readonly RtpSession supervisor;
    private readonly Lock gate = new();
    private readonly List<MixFeed> taps = [];
    private bool disposed;

    public CallMonitor(RtpSession customer, RtpSession agent, RtpSession supervisor, MonitorMode mode)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(supervisor);
        if (ReferenceEquals(customer, agent) || ReferenceEquals(customer, supervisor) || ReferenceEquals(agent, supervisor))
        {
            throw new ArgumentException("the customer, agent and supervisor sessions must be three different sessions");
        }

        this.customer = customer;
        this.agent = agent;
        this.supervisor = supervisor;
        Switch(mode);
    }

    public MonitorMode Mode { get; private set; }

    /// <summary>Changes the mode on the call (listen, whisper, barge), without a gap for the customer and agent.</summary>
    public void Switch(MonitorMode mode)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var old = taps.ToList();
            taps.Clear();
            supervisor.MixFrom([Tap(customer), Tap(agent)]);
            agent.MixFrom(mode is MonitorMode.Whisper or MonitorMode.Barge ? [Tap(customer), Tap(supervisor)] : null);
            customer.MixFrom(mode is MonitorMode.Barge ? [Tap(agent), Tap(supervisor)] : null);
            foreach (var feed in old)
            {
                feed.Source.Untap(feed);
            }

            Mode = mode;
        }
    }

    /// <summary>Takes the supervisor off the call: the customer and agent hear each other only, the supervisor's leg goes quiet.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            customer.MixFrom(null);
            agent.MixFrom(null);
            supervisor.MixFrom(null);
            foreach (var feed in taps)
            {
                feed.Source.Untap(feed);
            }

            taps.Clear();
        }
    }

    private MixFeed Tap(RtpSession source)
    {
        var feed = source.Tap();
        taps.Add(feed);
        return feed;
    }
}
