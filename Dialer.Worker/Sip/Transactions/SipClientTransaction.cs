using System.Net;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Transactions;

/// <summary>What the transaction user hears from a client transaction.</summary>
public interface IClientTransactionUser
{
    void OnResponse(SipClientTransaction transaction, SipResponse response);

    /// <summary>Timer B or F fired: no final response (treated as 408).</summary>
    void OnTimeout(SipClientTransaction transaction);

    /// <summary>
    /// The request could not be sent (RFC 3261 §8.1.3.1: a TCP connection refused, no WebSocket to the peer). Heard as
    /// a 503 unless the user knows better (a keepalive counts it as no answer).
    /// </summary>
    void OnTransportError(SipClientTransaction transaction) =>
        OnResponse(transaction, SipResponse.For(transaction.Request, 503, SipClientTransaction.TransportErrorReason));
}

public abstract class SipClientTransaction(SipRequest request, SipChannel channel, IPEndPoint remote, TimeProvider time, IClientTransactionUser user)
    : SipTransaction(ClientKey(request.TopVia?.Branch ?? string.Empty, request.Method), channel, remote, time)
{
    public SipRequest Request { get; } = request;

    protected IClientTransactionUser User { get; } = user;

    protected byte[] RequestBytes { get; } = request.ToBytes();

    public abstract void Start();

    internal abstract void ReceiveResponse(SipResponse response);

    /// <summary>Timer B applies only while Calling; timer F while Trying or Proceeding.</summary>
    protected abstract bool TimesOutIn(SipTransactionState state);

    /// <summary>
    /// The request could not be sent (RFC 3261 §8.1.3.1, §17.1.4): the user hears of it at once (a call as 503), so a
    /// trunk whose TCP port refuses ends its calls now rather than after timer B's 32 s. Call outside
    /// <see cref="SipTransaction.Gate"/>.
    /// </summary>
    protected void TransportFailed()
    {
        bool fire;
        lock (Gate)
        {
            fire = TerminateLocked();
        }

        if (fire)
        {
            // Heard on the thread pool: the user learns of this transaction only when Start (which fails here) returns.
            ThreadPool.UnsafeQueueUserWorkItem(
                static tx =>
                {
                    tx.User.OnTransportError(tx);
                    tx.Terminated?.Invoke(tx);
                },
                this,
                preferLocal: false);
        }
    }

    /// <summary>The reason of the 503 a transport error is heard as.</summary>
    public const string TransportErrorReason = "Service Unavailable (transport error)";

    protected void TimedOut()
    {
        bool fire;
        lock (Gate)
        {
            fire = TimesOutIn(State) && TerminateLocked();
        }

        if (fire)
        {
            User.OnTimeout(this);
            Terminated?.Invoke(this);
        }
    }
}
