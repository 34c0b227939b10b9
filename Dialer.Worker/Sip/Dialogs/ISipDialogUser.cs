using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transactions;

namespace Dialer.Worker.Sip.Dialogs;

/// <summary>Whoever owns a dialog (a call) and hears its in-dialog traffic.</summary>
public interface ISipDialogUser
{
    /// <summary>An in-dialog request (BYE, re-INVITE, INFO, ACK with a null transaction).</summary>
    void OnDialogRequest(SipRequest request, SipServerTransaction? transaction);

    /// <summary>A response no transaction claimed (a retransmitted 2xx to the INVITE).</summary>
    void OnStrayResponse(SipResponse response);
}
