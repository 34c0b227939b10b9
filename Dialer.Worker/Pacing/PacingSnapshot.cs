using Dialer.Db.Model;
using Dialer.Worker.Engine;

namespace Dialer.Worker.Pacing;

/// <summary>Counts the simple pacers work from.</summary>
public readonly record struct PacingSnapshot(int Ready, int Working, int CallsUp, int UnreservedPending, int Waiting)
{
    public static PacingSnapshot Of(CampaignEngine engine)
    {
        int ready = 0, working = 0, unreserved = 0;
        foreach (var agent in engine.Agents)
        {
            if (agent.Unassigned)
            {
                // Taken off the campaign: it finishes its call here but takes no more.
                continue;
            }

            if (agent.State == AgentState.Ready && agent.Offered is null)
            {
                ready++;
            }

            if (agent.State.IsWorking())
            {
                working++;
            }
        }

        foreach (var call in engine.Calls)
        {
            if (!call.Reserved && call.Phase is CallPhase.Dialing or CallPhase.Ringing)
            {
                unreserved++;
            }
        }

        return new PacingSnapshot(ready, working, engine.Calls.Count, unreserved, engine.WaitingCount);
    }
}
