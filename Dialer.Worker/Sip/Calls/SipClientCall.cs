using System.Text;
using Dialer.Worker.Sip.Auth;
using Dialer.Worker.Sip.Dialogs;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transactions;

namespace Dialer.Worker.Sip.Calls;

/// <summary>
/// An outbound call (UAC INVITE session): INVITE with an SDP offer, digest retry on 401/407, CANCEL before the
/// answer (only after a provisional response, RFC 3261 §9.1), ACK for 2xx, BYE either way, re-INVITE answered.
/// </summary>
public sealed class SipClientCall : IClientTransactionUser, ISipDialogUser
{
    private readonly object gate = new();
    private readonly SipStack stack;
    private readonly SipCallTarget target;
    private readonly ISipCallEvents events;
    private readonly string localTag = SipStack.NewTag();
    private readonly string from;
    private readonly string to;
    private SipRequest invite = null!;
    private InviteClientTransaction? inviteTx;
    private string? authorizationName;
    private string? authorizationValue;
    private bool authTried;
    private bool provisionalSeen;
    private bool cancelWanted;
    private bool cancelSent;
    private bool ended;
    private SipDialog? dialog;
    private byte[]? ackBytes;
    private ITimer? cancelGuard;
    private ITimer? forget;

    public SipClientCall(SipStack stack, SipCallTarget target, string sdpOffer, ISipCallEvents events)
    {
        this.stack = stack;
        this.target = target;
        this.events = events;
        LocalSdp = sdpOffer;
        CallId = SipStack.NewCallId();
        var fromAddr = new SipNameAddr { Uri = "sip:" + target.FromUser + "@" + target.FromHost, DisplayName = target.DisplayName, Tag = localTag };
        from = fromAddr.ToString();
        to = "<" + target.RequestUri + ">";
    }

    public string CallId { get; }

    /// <summary>The SDP we offered (and answer re-INVITEs with).</summary>
    public string LocalSdp { get; private set; }

    /// <summary>The remote SDP from the 2xx (or from a 183 with early media), or null.</summary>
    public string? RemoteSdp { get; private set; }

    public bool IsAnswered => dialog is not null && !ended;

    public bool IsEnded => ended;

    /// <summary>Hangup was asked before the answer (the CANCEL goes out once a provisional response has arrived).</summary>
    public bool CancelRequested => cancelWanted;

    public SipDialog? Dialog => dialog;

    public void Start()
    {
        stack.AddDialogUser(CallId, localTag, this);
        lock (gate)
        {
            SendInvite(1);
        }
    }

    private void SendInvite(uint cseq)
    {
        invite = stack.NewRequest(SipMethods.Invite, target.RequestUri, from, to, CallId, cseq, target.Channel, target.Remote);
        invite.Add(SipHeaderNames.Contact, "<" + stack.ContactUri(target.Channel, target.FromUser, target.Remote) + ">");
        invite.Add(SipHeaderNames.Allow, "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO");
        if (authorizationName is not null)
        {
            invite.Add(authorizationName, authorizationValue!);
        }

        invite.Add(SipHeaderNames.ContentType, "application/sdp");
        invite.Body = Encoding.UTF8.GetBytes(LocalSdp);
        provisionalSeen = false;
        inviteTx = stack.Transactions.SendInvite(invite, target.Channel, target.Remote, this);
    }

    /// <summary>CANCEL before the answer, BYE after; idempotent.</summary>
    public void Hangup()
    {
        SipDialog? bye = null;
        lock (gate)
        {
            if (ended)
            {
                return;
            }

            if (dialog is not null)
            {
                bye = dialog;
            }
            else
            {
                cancelWanted = true;
                if (provisionalSeen)
                {
                    SendCancelLocked();
                }
            }
        }

        if (bye is not null)
        {
            SendBye(bye);
            Finish(new SipCallEnd(200, "BYE sent", ByUs: true, Answered: true, Cancelled: false, TimedOut: false));
        }
    }

    private void SendCancelLocked()
    {
        if (cancelSent)
        {
            return;
        }

        cancelSent = true;
        var cancel = new SipRequest(SipMethods.Cancel, invite.Uri);
        foreach (var h in invite.Headers)
        {
            if (h.Name == SipHeaderNames.Via)
            {
                cancel.Headers.Add(h);
                break;
            }
        }

        foreach (var h in invite.Headers)
        {
            if (h.Name is SipHeaderNames.MaxForwards or SipHeaderNames.From or SipHeaderNames.To or SipHeaderNames.CallId or SipHeaderNames.Route)
            {
                cancel.Headers.Add(h);
            }
        }

        cancel.Add(SipHeaderNames.CSeq, invite.CSeq.Number + " CANCEL");
        stack.Transactions.SendNonInvite(cancel, target.Channel, target.Remote, this);

        // RFC 3261 §9.1: without a final response 64*T1 after CANCEL, consider the INVITE over.
        cancelGuard = stack.Time.CreateTimer(
            _ => Finish(new SipCallEnd(487, "No final response after CANCEL", ByUs: true, Answered: false, Cancelled: true, TimedOut: true)),
            null, SipTimers.TransactionTimeout, Timeout.InfiniteTimeSpan);
    }

    private void SendBye(SipDialog d)
    {
        var bye = d.CreateRequest(SipMethods.Bye, stack);
        stack.Transactions.SendNonInvite(bye, d.Channel, d.Remote, this);
    }

    public void OnResponse(SipClientTransaction transaction, SipResponse response)
    {
        if (transaction.Request.Method != SipMethods.Invite)
        {
            return; // CANCEL, BYE, re-INVITE answers need nothing further
        }

        if (response.IsProvisional)
        {
            OnProvisional(transaction, response);
        }
        else if (response.IsSuccess)
        {
            OnSuccess(response);
        }
        else
        {
            OnFailure(transaction, response);
        }
    }

    private void OnProvisional(SipClientTransaction transaction, SipResponse response)
    {
        lock (gate)
        {
            if (transaction != inviteTx || ended)
            {
                return;
            }

            provisionalSeen = true;
            if (cancelWanted)
            {
                SendCancelLocked();
                return;
            }

            if (response.Body.Length > 0)
            {
                RemoteSdp = response.BodyText;
            }
        }

        if (response.StatusCode > 100)
        {
            events.OnProgress(this, response);
        }
    }

    private void OnSuccess(SipResponse response)
    {
        SipDialog d;
        bool hangUp;
        bool first;
        lock (gate)
        {
            first = dialog is null;
            if (first)
            {
                dialog = SipDialog.FromUac(invite, response, target.Channel, target.Remote);
                var ack = dialog.CreateRequest(SipMethods.Ack, stack, invite.CSeq.Number);
                if (authorizationName is not null)
                {
                    ack.Add(authorizationName, authorizationValue!);
                }

                ackBytes = ack.ToBytes();
                if (response.Body.Length > 0)
                {
                    RemoteSdp = response.BodyText;
                }
            }

            d = dialog!;
            d.Channel.Send(d.Remote, ackBytes!);
            hangUp = first && (cancelWanted || ended);
        }

        if (!first)
        {
            return;
        }

        if (hangUp)
        {
            // The 200 crossed our CANCEL: the call was answered, so end it with BYE (RFC 3261 §15).
            SendBye(d);
            Finish(new SipCallEnd(487, "Answered after CANCEL", ByUs: true, Answered: false, Cancelled: true, TimedOut: false));
            return;
        }

        events.OnAnswered(this, response);
    }

    private void OnFailure(SipClientTransaction transaction, SipResponse response)
    {
        lock (gate)
        {
            if (transaction != inviteTx || ended)
            {
                return;
            }

            if (response.StatusCode is 401 or 407 && !authTried && target.Username is not null && !cancelWanted)
            {
                var header = response.StatusCode == 401 ? SipHeaderNames.WwwAuthenticate : SipHeaderNames.ProxyAuthenticate;
                var challenge = response.GetAll(header).Select(DigestChallenge.Parse).FirstOrDefault(c => c is not null);
                if (challenge is not null)
                {
                    authTried = true;
                    authorizationName = response.StatusCode == 401 ? SipHeaderNames.Authorization : SipHeaderNames.ProxyAuthorization;
                    authorizationValue = Digest.Answer(challenge, target.Username, target.Password ?? string.Empty, SipMethods.Invite, target.RequestUri).ToString();
                    SendInvite(invite.CSeq.Number + 1);
                    return;
                }
            }
        }

        Finish(new SipCallEnd(response.StatusCode, response.Reason, ByUs: cancelSent, Answered: false, Cancelled: cancelSent, TimedOut: false));
    }

    public void OnTimeout(SipClientTransaction transaction)
    {
        if (transaction.Request.Method == SipMethods.Invite && transaction == inviteTx)
        {
            Finish(new SipCallEnd(408, "No response", ByUs: false, Answered: false, Cancelled: cancelSent, TimedOut: true));
        }
    }

    public void OnDialogRequest(SipRequest request, SipServerTransaction? transaction)
    {
        if (transaction is null)
        {
            return; // ACK to our answer of a re-INVITE
        }

        switch (request.Method)
        {
            case SipMethods.Bye:
                transaction.Respond(200);
                Finish(new SipCallEnd(200, "BYE received", ByUs: false, Answered: true, Cancelled: false, TimedOut: false));
                break;
            case SipMethods.Invite or SipMethods.Update:
                var ok = SipResponse.For(request, 200);
                ok.Add(SipHeaderNames.Contact, "<" + stack.ContactUri(target.Channel, target.FromUser, target.Remote) + ">");
                ok.Add(SipHeaderNames.ContentType, "application/sdp");
                ok.Body = Encoding.UTF8.GetBytes(LocalSdp);
                transaction.Respond(ok);
                if (request.Body.Length > 0)
                {
                    RemoteSdp = request.BodyText;
                    events.OnRemoteSdp(this, RemoteSdp);
                }

                break;
            default:
                transaction.Respond(200);
                break;
        }
    }

    public void OnStrayResponse(SipResponse response)
    {
        if (response.IsSuccess && response.CSeq.Method == SipMethods.Invite)
        {
            OnSuccess(response);
        }
    }

    private void Finish(SipCallEnd end)
    {
        lock (gate)
        {
            if (ended)
            {
                return;
            }

            ended = true;
            cancelGuard?.Dispose();
        }

        // Keep routing a little longer so 2xx retransmissions are still ACKed; the transaction layer absorbs the rest.
        forget = stack.Time.CreateTimer(_ => stack.RemoveDialogUser(CallId, localTag), null, SipTimers.TransactionTimeout, Timeout.InfiniteTimeSpan);
        events.OnEnded(this, end);
    }
}
