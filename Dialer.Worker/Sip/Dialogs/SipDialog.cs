using System.Net;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Worker.Sip.Dialogs;

/// <summary>
/// Dialog state (RFC 3261 §12): Call-ID, tags, local and remote URIs, remote target, route set and CSeq counters.
/// In-dialog requests go to the same network peer as the dialog-creating INVITE (the trunk or the phone).
/// </summary>
public sealed class SipDialog
{
    private uint localSeq;

    public required string CallId { get; init; }

    public required string LocalTag { get; init; }

    public required string RemoteTag { get; init; }

    /// <summary>The From value we send (with our tag).</summary>
    public required string LocalParty { get; init; }

    /// <summary>The To value we send (with their tag).</summary>
    public required string RemoteParty { get; init; }

    public required string RemoteTarget { get; set; }

    public IReadOnlyList<string> RouteSet { get; init; } = [];

    public required SipChannel Channel { get; init; }

    public required IPEndPoint Remote { get; init; }

    public uint RemoteSeq { get; set; }

    public uint LocalSeq => localSeq;

    public string Key => CallId + "|" + LocalTag;

    /// <summary>Builds the dialog a UAC gets from a 2xx (or a tagged 1xx) to its INVITE (RFC 3261 §12.1.2).</summary>
    public static SipDialog FromUac(SipRequest invite, SipResponse response, SipChannel channel, IPEndPoint remote)
    {
        var from = invite.From;
        var to = response.To;
        var contact = response.Get(SipHeaderNames.Contact) is { } c && SipNameAddr.TryParse(SipText.SplitList(c).FirstOrDefault() ?? c, out var contactAddr)
            ? contactAddr.Uri
            : invite.Uri;
        var routes = response.GetAll(SipHeaderNames.RecordRoute);
        routes.Reverse();
        return new SipDialog
        {
            CallId = invite.CallId,
            LocalTag = from.Tag ?? string.Empty,
            RemoteTag = to.Tag ?? string.Empty,
            LocalParty = invite.Get(SipHeaderNames.From)!,
            RemoteParty = response.Get(SipHeaderNames.To)!,
            RemoteTarget = contact,
            RouteSet = routes,
            Channel = channel,
            Remote = remote,
            localSeq = invite.CSeq.Number,
        };
    }

    /// <summary>Carries on the CSeq of the early dialog this one confirms (after a PRACK the next request goes higher).</summary>
    public void ContinueSequence(uint used)
    {
        if (used > localSeq)
        {
            localSeq = used;
        }
    }

    /// <summary>A new in-dialog request; ACK takes the INVITE's sequence number, others the next one.</summary>
    public SipRequest CreateRequest(string method, SipStack stack, uint? cseq = null)
    {
        var number = cseq ?? Interlocked.Increment(ref localSeq);
        var request = new SipRequest(method, RemoteTarget);
        request.Add(SipHeaderNames.Via, stack.NewVia(Channel));
        request.Add(SipHeaderNames.MaxForwards, "70");
        foreach (var route in RouteSet)
        {
            request.Add(SipHeaderNames.Route, route);
        }

        request.Add(SipHeaderNames.From, LocalParty);
        request.Add(SipHeaderNames.To, RemoteParty);
        request.Add(SipHeaderNames.CallId, CallId);
        request.Add(SipHeaderNames.CSeq, number + " " + method);
        return request;
    }
}
