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
