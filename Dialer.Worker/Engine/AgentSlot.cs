using Dialer.Db.Model;

namespace Dialer.Worker.Engine;

/// <summary>One agent as a campaign engine sees it. Touched only on the engine's loop.</summary>
public sealed class AgentSlot(long id, string? sipUser)
{
    public long Id => id;

    public string? SipUser => sipUser;

    public AgentState State { get; internal set; } = AgentState.LoggedOut;

    public string? Reason { get; internal set; }

    public DateTimeOffset Since { get; internal set; }

    /// <summary>Row version of agent_states, for compare-and-set against the Api's changes.</summary>
    public long Version { get; set; }

    /// <summary>The call reserved for or connected to this agent.</summary>
    public ActiveCall? Call { get; internal set; }

    /// <summary>Preview mode: the contact offered to the agent.</summary>
    public DialContact? Offered { get; internal set; }

    /// <summary>The contact about to be dialed for this agent: recorded with its reservation, before the attempt exists.</summary>
    public DialContact? Dialing { get; internal set; }

    /// <summary>The agent's nailed-up phone leg, when telephony needs one.</summary>
    public Telephony.ICallLeg? Leg { get; internal set; }

    internal Telephony.ICallObserver? LegObserver { get; set; }

    /// <summary>Wrap-up or preview timer.</summary>
    internal IDisposable? Timer { get; set; }

    /// <summary>Set by a logout or pause requested while on a call: applied when the call is done.</summary>
    internal AgentState? After { get; set; }

    internal string? AfterReason { get; set; }

    /// <summary>
    /// No longer assigned to this campaign (a manager took the agent off it): offered none of its calls; the call in progress
    /// ends as usual (talk, wrap-up, disposition), then the engine lets the agent go without changing its stored state.
    /// </summary>
    internal bool Unassigned { get; set; }
}
