using System.Net;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Transactions;

/// <summary>Common state of client and server transactions: key, peer, state, timers on a <see cref="TimeProvider"/>.</summary>
public abstract class SipTransaction(string key, SipChannel channel, IPEndPoint remote, TimeProvider time)
{
    private readonly List<ITimer> timers = new(3);

    protected object Gate { get; } = new();

    public string Key { get; } = key;

    public SipChannel Channel { get; } = channel;

    public IPEndPoint Remote { get; } = remote;

    protected TimeProvider Time { get; } = time;

    public SipTransactionState State { get; protected set; }

    /// <summary>Raised once when the transaction reaches Terminated (the layer forgets it).</summary>
    internal Action<SipTransaction>? Terminated { get; set; }

    protected bool Reliable => Channel.IsReliable;

    protected ITimer Schedule(Action callback, TimeSpan due)
    {
        var timer = Time.CreateTimer(static s => ((Action)s!)(), callback, due, Timeout.InfiniteTimeSpan);
        timers.Add(timer);
        return timer;
    }

    protected bool Send(SipMessage message) => Channel.Send(Remote, message);

    protected bool Send(byte[] bytes) => Channel.Send(Remote, bytes);

    /// <summary>Moves to Terminated (call under <see cref="Gate"/>); returns false if it already was.</summary>
    protected bool TerminateLocked()
    {
        if (State == SipTransactionState.Terminated)
        {
            return false;
        }

        State = SipTransactionState.Terminated;
        foreach (var t in timers)
        {
            t.Dispose();
        }

        timers.Clear();
        return true;
    }

    /// <summary>Schedules termination after <paramref name="wait"/>, or terminates now when it is zero (reliable transports).</summary>
    protected void TerminateAfter(TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero)
        {
            if (TerminateLocked())
            {
                Terminated?.Invoke(this);
            }

            return;
        }

        Schedule(() =>
        {
            bool done;
            lock (Gate)
            {
                done = TerminateLocked();
            }

            if (done)
            {
                Terminated?.Invoke(this);
            }
        }, wait);
    }

    internal static string ClientKey(string branch, string method) => branch + "|" + method;

    internal static string ServerKey(SipVia via, string method) =>
        via.Branch + "|" + via.Host + ":" + (via.Port ?? 0) + "|" + (method == SipMethods.Ack ? SipMethods.Invite : method);
}
