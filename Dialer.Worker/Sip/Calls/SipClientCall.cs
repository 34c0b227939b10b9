using System.Text;
using Dialer.Worker.Sip.Auth;
using Dialer.Worker.Sip.Dialogs;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transactions;

namespace Dialer.Worker.Sip.Calls;

/// <summary>
/// An outbound call (UAC INVITE session): INVITE with an SDP offer, digest retry on 401/407, CANCEL before the
/// answer (only after a provisional response, RFC 3261 §9.1), ACK for 2xx, BYE either way, re-INVITE answered.
/// Also: PRACK for reliable provisional responses (RFC 3262), every forked 2xx ACKed and the extra ones ended with
/// BYE (RFC 3261 §13.2.2.4), challenges for several realms and stale nonces, challenged BYE and PRACK retried.
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
    private readonly Dictionary<string, (string Header, string Value)> credentials = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SipDialog> dialogsByTag = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, (string Header, string Value)>> inDialogCredentials = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> forkAcks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> reliableSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> triedUris = new(StringComparer.OrdinalIgnoreCase);
    private string requestUri;
    private int redirects;
    private int authAttempts;
    private int inDialogAuthAttempts;
    private bool offerInOk;
    private bool provisionalSeen;
    private bool cancelWanted;
    private bool cancelSent;
    private bool ended;
    private SipDialog? dialog;
    private byte[]? ackBytes;
    private ITimer? cancelGuard;
    private ITimer? forget;

    /// <summary>At most this many challenged attempts of one INVITE (several realms, stale nonces) before giving up.</summary>
    public const int MaxAuthAttempts = 5;

    /// <summary>At most this many 3xx redirections are followed for one call.</summary>
    public const int MaxRedirects = 3;

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
        requestUri = target.RequestUri;
        triedUris.Add(requestUri);
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
        invite = stack.NewRequest(SipMethods.Invite, requestUri, from, to, CallId, cseq, target.Channel, target.Remote);
        invite.Add(SipHeaderNames.Contact, "<" + stack.ContactUri(target.Channel, target.FromUser, target.Remote) + ">");
        invite.Add(SipHeaderNames.Allow, AllowedMethods);
        invite.Add(SipHeaderNames.Supported, "100rel");
        AddCredentials(invite);

        invite.Add(SipHeaderNames.ContentType, "application/sdp");
        invite.Body = Encoding.UTF8.GetBytes(LocalSdp);
        provisionalSeen = false;
        dialogsByTag.Clear();
        reliableSeen.Clear();
        inviteTx = stack.Transactions.SendInvite(invite, target.Channel, target.Remote, this);
    }

    private void AddCredentials(SipRequest request)
    {
        foreach (var (header, value) in credentials.Values)
        {
            request.Add(header, value);
        }
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

    /// <summary>
    /// The answer (already ACKed) cannot be used, e.g. its SDP has no codec we have: the call is ended at once with BYE
    /// (RFC 3264 §6, RFC 3261 §13.2.2.4), saying why in a Reason header (RFC 3326), and ends as a 488 with
    /// <paramref name="reason"/>, not answered.
    /// </summary>
    public void RejectAnswer(string reason, string why)
    {
        SipDialog d;
        lock (gate)
        {
            if (ended || dialog is null)
            {
                return;
            }

            d = dialog;
        }

        SendBye(d, "SIP ;cause=488 ;text=" + SipText.Quote(why));
        Finish(new SipCallEnd(488, reason, ByUs: true, Answered: false, Cancelled: false, TimedOut: false));
    }

    private void SendBye(SipDialog d, string? reasonHeader = null)
    {
        var bye = d.CreateRequest(SipMethods.Bye, stack);
        if (reasonHeader is not null)
        {
            bye.Add(SipHeaderNames.Reason, reasonHeader);
        }

        stack.Transactions.SendNonInvite(bye, d.Channel, d.Remote, this);
    }

    public void OnResponse(SipClientTransaction transaction, SipResponse response)
    {
        if (transaction.Request.Method != SipMethods.Invite)
        {
            if (response.StatusCode is 401 or 407 && transaction.Request.Method is SipMethods.Bye or SipMethods.Prack)
            {
                RetryInDialogWithCredentials(transaction.Request, response);
            }

            return; // CANCEL, BYE, PRACK answers need nothing further
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
            var early = response.StatusCode > 100 ? EarlyDialogLocked(response) : null;
            if (response.StatusCode > 100 && IsReliable(response, out var rseq))
            {
                // RFC 3262 §4: PRACK each reliable provisional response once, in order; retransmissions are dropped.
                var tag = response.To.Tag ?? string.Empty;
                if (reliableSeen.TryGetValue(tag, out var last) && rseq != last + 1)
                {
                    return;
                }

                reliableSeen[tag] = rseq;
                if (early is not null)
                {
                    var prack = early.CreateRequest(SipMethods.Prack, stack);
                    prack.Add("RAck", rseq + " " + invite.CSeq.Number + " " + SipMethods.Invite);
                    stack.Transactions.SendNonInvite(prack, early.Channel, early.Remote, this);
                }
            }

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

    /// <summary>A 1xx sent reliably: Require: 100rel and a valid RSeq (RFC 3262 §7.1).</summary>
    private static bool IsReliable(SipResponse response, out uint rseq)
    {
        rseq = 0;
        var require = response.GetAll("Require").SelectMany(SipText.SplitList);
        return require.Any(t => t.Trim().Equals("100rel", StringComparison.OrdinalIgnoreCase))
               && uint.TryParse(response.Get("RSeq")?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out rseq)
               && rseq > 0;
    }

    /// <summary>The early dialog a tagged provisional response creates (RFC 3261 §12.1.2), or null without a To-tag.</summary>
    private SipDialog? EarlyDialogLocked(SipResponse response)
    {
        var tag = response.To.Tag;
        if (string.IsNullOrEmpty(tag))
        {
            return null;
        }

        if (!dialogsByTag.TryGetValue(tag, out var early))
        {
            early = SipDialog.FromUac(invite, response, target.Channel, target.Remote);
            dialogsByTag[tag] = early;
        }

        return early;
    }

    private void OnSuccess(SipResponse response)
    {
        SipDialog d;
        bool hangUp;
        bool first;
        SipDialog? extra = null;
        lock (gate)
        {
            var tag = response.To.Tag ?? string.Empty;
            first = dialog is null;
            if (first)
            {
                dialog = ConfirmLocked(response, tag);
                ackBytes = AckFor(dialog);
                if (response.Body.Length > 0)
                {
                    RemoteSdp = response.BodyText;
                }
            }
            else if (!string.Equals(tag, dialog!.RemoteTag, StringComparison.Ordinal))
            {
                // Another fork answered too: ACK it and end that dialog at once (RFC 3261 §13.2.2.4).
                if (forkAcks.TryGetValue(tag, out var again))
                {
                    target.Channel.Send(target.Remote, again);
                    return;
                }

                extra = ConfirmLocked(response, tag);
                var bytes = AckFor(extra);
                forkAcks[tag] = bytes;
                extra.Channel.Send(extra.Remote, bytes);
            }

            d = dialog!;
            if (extra is null)
            {
                d.Channel.Send(d.Remote, ackBytes!);
            }

            hangUp = first && (cancelWanted || ended);
        }

        if (extra is not null)
        {
            SendBye(extra);
            return;
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

    /// <summary>The confirmed dialog for a 2xx: the early dialog of the same tag (keeping its CSeq after a PRACK) or a new one.</summary>
    private SipDialog ConfirmLocked(SipResponse response, string tag)
    {
        var confirmed = SipDialog.FromUac(invite, response, target.Channel, target.Remote);
        if (dialogsByTag.TryGetValue(tag, out var early))
        {
            confirmed.ContinueSequence(early.LocalSeq);
        }

        dialogsByTag[tag] = confirmed;
        return confirmed;
    }

    private byte[] AckFor(SipDialog d)
    {
        var ack = d.CreateRequest(SipMethods.Ack, stack, invite.CSeq.Number);
        AddCredentials(ack);
        return ack.ToBytes();
    }

    private void OnFailure(SipClientTransaction transaction, SipResponse response)
    {
        lock (gate)
        {
            if (transaction != inviteTx || ended)
            {
                return;
            }

            if (response.StatusCode is 401 or 407 && target.Username is not null && !cancelWanted && authAttempts < MaxAuthAttempts
                && TryAnswerChallengesLocked(response, SipMethods.Invite, requestUri, credentials))
            {
                authAttempts++;
                SendInvite(invite.CSeq.Number + 1);
                return;
            }

            if (response.StatusCode is >= 300 and < 400 && !cancelWanted && redirects < MaxRedirects && RedirectTargetLocked(response) is { } next)
            {
                // RFC 3261 §8.1.3.4: try the Contact with the highest q not tried yet, through the same next hop
                // (the trunk), with the same Call-ID, From and To and a higher CSeq.
                redirects++;
                triedUris.Add(next);
                requestUri = next;
                credentials.Clear();
                authAttempts = 0;
                SendInvite(invite.CSeq.Number + 1);
                return;
            }
        }

        Finish(new SipCallEnd(response.StatusCode, response.Reason, ByUs: cancelSent, Answered: false, Cancelled: cancelSent, TimedOut: false,
            RetryAfter: response.RetryAfter));
    }

    /// <summary>The best sip: or sips: Contact of a 3xx (highest q first) that this call has not tried, or null.</summary>
    private string? RedirectTargetLocked(SipResponse response)
    {
        if (response.StatusCode is 305 or 380)
        {
            return null; // use-proxy is not acted on (RFC 3261 §21.3.6), alternative service is not a SIP target
        }

        return response.GetAll(SipHeaderNames.Contact)
            .Select(c => SipNameAddr.TryParse(c, out var a) ? a : null)
            .OfType<SipNameAddr>()
            .Where(a => SipUri.TryParse(a.Uri, out var u) && u.Scheme is "sip" or "sips" && !triedUris.Contains(a.Uri))
            .OrderByDescending(a => double.TryParse(a.Parameters["q"], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var q) ? q : 1.0)
            .Select(a => a.Uri.Split('?')[0]) // header fields in a Contact URI are not part of the Request-URI (RFC 3261 §19.1.5)
            .FirstOrDefault(u => !triedUris.Contains(u));
    }

    /// <summary>
    /// Answers the digest challenges of a 401/407: one per realm (the first algorithm we support, in the order the
    /// server listed them). False when there is nothing new to answer: a realm we already answered challenges
    /// again without stale=true, meaning the password is wrong (RFC 7616 §3.3, RFC 3261 §22.2).
    /// </summary>
    private bool TryAnswerChallengesLocked(SipResponse response, string method, string uri, Dictionary<string, (string Header, string Value)> answered)
    {
        var proxy = response.StatusCode == 407;
        var header = proxy ? SipHeaderNames.ProxyAuthenticate : SipHeaderNames.WwwAuthenticate;
        var challenges = response.Headers
            .Where(h => string.Equals(h.Name, header, StringComparison.OrdinalIgnoreCase))
            .Select(h => DigestChallenge.Parse(h.Value))
            .OfType<DigestChallenge>()
            .Where(c => c.Qop is null || c.Qop.Split(',').Any(q => q.Trim().Equals("auth", StringComparison.OrdinalIgnoreCase)))
            .GroupBy(c => c.Realm, StringComparer.Ordinal)
            .Select(g => g.First())
            .ToList();
        if (challenges.Count == 0 || challenges.Any(c => answered.ContainsKey(Key(c)) && !c.Stale))
        {
            return false;
        }

        foreach (var challenge in challenges)
        {
            var value = Digest.Answer(challenge, target.Username!, target.Password ?? string.Empty, method, uri).ToString();
            answered[Key(challenge)] = (proxy ? SipHeaderNames.ProxyAuthorization : SipHeaderNames.Authorization, value);
        }

        return true;

        string Key(DigestChallenge c) => (proxy ? "proxy|" : "www|") + c.Realm;
    }

    /// <summary>A BYE or PRACK challenged by the far end: sent again in its dialog with credentials for it.</summary>
    private void RetryInDialogWithCredentials(SipRequest request, SipResponse response)
    {
        SipRequest retry;
        SipDialog? d;
        lock (gate)
        {
            if (target.Username is null || inDialogAuthAttempts >= MaxAuthAttempts
                || !dialogsByTag.TryGetValue(request.To.Tag ?? string.Empty, out d))
            {
                return;
            }

            inDialogAuthAttempts++;
            if (!inDialogCredentials.TryGetValue(request.Method, out var answered))
            {
                answered = new Dictionary<string, (string Header, string Value)>(StringComparer.Ordinal);
                inDialogCredentials[request.Method] = answered;
            }

            if (!TryAnswerChallengesLocked(response, request.Method, d.RemoteTarget, answered))
            {
                return;
            }

            retry = d.CreateRequest(request.Method, stack);
            foreach (var h in request.Headers)
            {
                if (h.Name is "RAck" or SipHeaderNames.Reason)
                {
                    retry.Headers.Add(h);
                }
            }

            foreach (var (header, value) in answered.Values)
            {
                retry.Add(header, value);
            }
        }

        stack.Transactions.SendNonInvite(retry, d.Channel, d.Remote, this);
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
        SipDialog? d;
        bool main;
        bool forked;
        lock (gate)
        {
            var tag = request.From.Tag ?? string.Empty;
            dialogsByTag.TryGetValue(tag, out d);
            main = d is not null && ReferenceEquals(d, dialog);
            forked = forkAcks.ContainsKey(tag);
            if (transaction is null)
            {
                // An ACK to our 2xx of a re-INVITE; when that 2xx carried our offer, the ACK carries the answer.
                if (!main || !offerInOk || request.Body.Length == 0)
                {
                    return;
                }

                offerInOk = false;
                RemoteSdp = request.BodyText;
            }
            else if (d is not null && request.Method is not SipMethods.Cancel)
            {
                // RFC 3261 §12.2.2: a request with a lower CSeq than the last one is out of order.
                if (d.RemoteSeq != 0 && request.CSeq.Number < d.RemoteSeq)
                {
                    transaction.Respond(500, "CSeq out of order");
                    return;
                }

                d.RemoteSeq = request.CSeq.Number;
            }
        }

        if (transaction is null)
        {
            events.OnRemoteSdp(this, RemoteSdp!);
            return;
        }

        if (request.Method == SipMethods.Cancel)
        {
            transaction.Respond(200); // the re-INVITE it names was answered already (RFC 3261 §9.2)
            return;
        }

        if (d is null || (!main && forked && request.Method != SipMethods.Bye))
        {
            transaction.Respond(481);
            return;
        }

        var unsupported = request.GetAll("Require").SelectMany(SipText.SplitList).Select(t => t.Trim())
            .Where(t => t.Length > 0 && !t.Equals("100rel", StringComparison.OrdinalIgnoreCase)).ToList();
        if (unsupported.Count > 0 && request.Method != SipMethods.Bye)
        {
            // RFC 3261 §8.2.2.3: an extension we do not have is refused with 420, naming it (BYE is never refused).
            var bad = SipResponse.For(request, 420, "Bad Extension");
            bad.Add("Unsupported", string.Join(", ", unsupported));
            transaction.Respond(bad);
            return;
        }

        switch (request.Method)
        {
            case SipMethods.Bye:
                transaction.Respond(200);
                if (main)
                {
                    Finish(new SipCallEnd(200, "BYE received", ByUs: false, Answered: true, Cancelled: false, TimedOut: false));
                }

                break;
            case SipMethods.Invite or SipMethods.Update when ended:
                transaction.Respond(481, "Call is ending"); // our BYE is on its way
                break;
            case SipMethods.Invite or SipMethods.Update:
                AnswerSessionRequest(request, transaction, d);
                break;
            case SipMethods.Options:
                var options = SipResponse.For(request, 200);
                options.Add(SipHeaderNames.Allow, AllowedMethods);
                options.Add("Accept", "application/sdp");
                options.Add(SipHeaderNames.Supported, "100rel");
                transaction.Respond(options);
                break;
            case SipMethods.Info or SipMethods.Notify or "MESSAGE":
                transaction.Respond(200);
                break;
            default:
                var refused = SipResponse.For(request, 405);
                refused.Add(SipHeaderNames.Allow, AllowedMethods);
                transaction.Respond(refused);
                break;
        }
    }

    private const string AllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK";

    /// <summary>
    /// A re-INVITE or UPDATE: with an offer, our answer (RFC 3264 §8: hold gets recvonly, resume sendrecv), or 488
    /// when nothing in it is acceptable; a re-INVITE without one gets our current SDP as an offer and its ACK brings
    /// the answer; an UPDATE without one just gets 200 (RFC 3311 §5.2).
    /// </summary>
    private void AnswerSessionRequest(SipRequest request, SipServerTransaction transaction, SipDialog d)
    {
        if (request.Method == SipMethods.Invite && request.Get(SipHeaderNames.Contact) is { } c
            && SipNameAddr.TryParse(SipText.SplitList(c).FirstOrDefault() ?? c, out var contact))
        {
            d.RemoteTarget = contact.Uri; // target refresh (RFC 3261 §12.2.2)
        }

        string? body = null;
        if (request.Body.Length > 0)
        {
            body = events.OnRemoteOffer(this, request.BodyText);
            if (body is null)
            {
                transaction.Respond(488, "Not Acceptable Here");
                return;
            }

            lock (gate)
            {
                RemoteSdp = request.BodyText;
                LocalSdp = body;
            }
        }
        else if (request.Method == SipMethods.Invite)
        {
            lock (gate)
            {
                body = LocalSdp;
                offerInOk = true;
            }
        }

        var ok = SipResponse.For(request, 200);
        ok.Add(SipHeaderNames.Contact, "<" + stack.ContactUri(target.Channel, target.FromUser, target.Remote) + ">");
        ok.Add(SipHeaderNames.Allow, AllowedMethods);
        if (body is not null)
        {
            ok.Add(SipHeaderNames.ContentType, "application/sdp");
            ok.Body = Encoding.UTF8.GetBytes(body);
        }

        transaction.Respond(ok);
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
