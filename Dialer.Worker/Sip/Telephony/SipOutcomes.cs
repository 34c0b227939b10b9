using Dialer.Db.Model;
using Dialer.Worker.Sip.Calls;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Sip.Telephony;

/// <summary>Maps how a SIP call ended to the engine's outcome (issue 4: final responses to outcomes).</summary>
public static class SipOutcomes
{
    public static CallOutcome Map(SipCallEnd end)
    {
        if (end.Answered)
        {
            return CallOutcome.Connected;
        }

        if (end.Cancelled && (end.Code is 487 || end.TimedOut))
        {
            return CallOutcome.NoAnswer;
        }

        if (end.TimedOut)
        {
            return CallOutcome.Failed;
        }

        return end.Code switch
        {
            486 or 600 => CallOutcome.Busy,
            408 or 480 => CallOutcome.NoAnswer,
            404 or 484 or 410 or 604 => CallOutcome.Invalid,
            403 or 603 => CallOutcome.Declined,
            _ => CallOutcome.Failed,
        };
    }
}
