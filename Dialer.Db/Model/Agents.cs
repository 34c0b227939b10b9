namespace Dialer.Db.Model;

/// <summary>An agent's state (agent_states.state); <see cref="AgentStates"/> maps it to and from the database.</summary>
public enum AgentState
{
    LoggedOut,
    Ready,
    Reserved,
    OnCall,
    WrapUp,
    Paused,
}

/// <summary>The one mapping of <see cref="AgentState"/> to and from agent_states.state (constants for SQL texts).</summary>
public static class AgentStates
{
    public const string LoggedOut = "logged_out";
    public const string Ready = "ready";
    public const string Reserved = "reserved";
    public const string OnCall = "on_call";
    public const string WrapUp = "wrap_up";
    public const string Paused = "paused";

    /// <summary>The reason of <see cref="AgentState.Reserved"/> while a contact is offered for preview.</summary>
    public const string PreviewReason = "preview";

    /// <summary>
    /// The reason of <see cref="AgentState.Reserved"/> while an agent's manual dial rings, and of <see cref="AgentState.Paused"/>
    /// after a manual call (the agent was not taking calls when it dialled).
    /// </summary>
    public const string ManualReason = "manual";

    /// <summary>For SQL texts: the states in which the engine owns the agent (a call offered, up or in wrap-up).</summary>
    public const string BusySql = $"'{Reserved}', '{OnCall}', '{WrapUp}'";

    /// <summary>Every state, for SQL texts that check the column holds nothing else.</summary>
    public const string AllSql = $"'{LoggedOut}', '{Ready}', '{Reserved}', '{OnCall}', '{WrapUp}', '{Paused}'";

    public static string ToDb(this AgentState state) => state switch
    {
        AgentState.LoggedOut => LoggedOut,
        AgentState.Ready => Ready,
        AgentState.Reserved => Reserved,
        AgentState.OnCall => OnCall,
        AgentState.WrapUp => WrapUp,
        AgentState.Paused => Paused,
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static AgentState FromDb(string state) => state switch
    {
        LoggedOut => AgentState.LoggedOut,
        Ready => AgentState.Ready,
        Reserved => AgentState.Reserved,
        OnCall => AgentState.OnCall,
        WrapUp => AgentState.WrapUp,
        Paused => AgentState.Paused,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown agent state"),
    };

    /// <summary>Logged in and not paused: the time occupancy is measured against.</summary>
    public static bool IsWorking(this AgentState state) =>
        state is AgentState.Ready or AgentState.Reserved or AgentState.OnCall or AgentState.WrapUp;

    /// <summary>The engine owns the agent: a contact offered or reserved, a call up, or wrap-up.</summary>
    public static bool IsBusy(this AgentState state) => state is AgentState.Reserved or AgentState.OnCall or AgentState.WrapUp;
}

/// <summary>What an agent asked that the engine carries out (agent_states.request).</summary>
public enum AgentRequestKind
{
    /// <summary>Pause when the current call is done (<see cref="AgentRequest.PauseReason"/>).</summary>
    Pause,

    /// <summary>Log out when the current call is done.</summary>
    Logout,

    /// <summary>Stay ready: cancels a pending pause or logout.</summary>
    Ready,

    /// <summary>Dial the contact offered for preview.</summary>
    PreviewDial,

    /// <summary>Skip the contact offered for preview.</summary>
    PreviewSkip,

    /// <summary>Dial a contact of a campaign from the desk (<see cref="AgentRequest.ManualTarget"/>), while paused.</summary>
    ManualDial,
}

/// <summary>
/// A request of the agent to the engine, made while the engine owns the agent (reserved, on a call, in wrap-up), stored in
/// agent_states.request and request_reason with a new row version; the engine carries it out and clears it with its next change.
/// </summary>
/// <param name="PauseReason">agent_states.request_reason: the pause reason of a pause; "campaign:contact" of a manual dial.</param>
public sealed record AgentRequest(AgentRequestKind Kind, string? PauseReason = null)
{
    public const string ManualDialDb = "manual_dial";

    /// <summary>Manual dial of <paramref name="contactId"/> in <paramref name="campaignId"/>: the campaign's engine dials it.</summary>
    public static AgentRequest ManualDial(long campaignId, long contactId) =>
        new(AgentRequestKind.ManualDial, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{campaignId}:{contactId}"));

    /// <summary>The campaign and contact of a manual dial; null for other requests.</summary>
    public (long CampaignId, long ContactId)? ManualTarget =>
        Kind == AgentRequestKind.ManualDial && PauseReason?.Split(':') is [var k, var c]
            && long.TryParse(k, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var campaign)
            && long.TryParse(c, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var contact)
            ? (campaign, contact)
            : null;

    public const string PauseDb = "pause";
    public const string LogoutDb = "logout";
    public const string ReadyDb = "ready";
    public const string PreviewDialDb = "preview_dial";
    public const string PreviewSkipDb = "preview_skip";

    public static AgentRequest Pause(string? reason) => new(AgentRequestKind.Pause, string.IsNullOrEmpty(reason) ? null : reason);

    public static readonly AgentRequest Logout = new(AgentRequestKind.Logout);

    public static readonly AgentRequest StayReady = new(AgentRequestKind.Ready);

    public static readonly AgentRequest PreviewDial = new(AgentRequestKind.PreviewDial);

    public static readonly AgentRequest PreviewSkip = new(AgentRequestKind.PreviewSkip);

    /// <summary>agent_states.request.</summary>
    public string Db => Kind switch
    {
        AgentRequestKind.Pause => PauseDb,
        AgentRequestKind.Logout => LogoutDb,
        AgentRequestKind.Ready => ReadyDb,
        AgentRequestKind.PreviewDial => PreviewDialDb,
        AgentRequestKind.PreviewSkip => PreviewSkipDb,
        AgentRequestKind.ManualDial => ManualDialDb,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };

    /// <summary>The request stored in agent_states.request and request_reason; null when there is none.</summary>
    public static AgentRequest? FromDb(string? request, string? requestReason) => request switch
    {
        null or "" => null,
        PauseDb => Pause(requestReason),
        LogoutDb => Logout,
        ReadyDb => StayReady,
        PreviewDialDb => PreviewDial,
        PreviewSkipDb => PreviewSkip,
        ManualDialDb => new AgentRequest(AgentRequestKind.ManualDial, requestReason),
        _ => throw new ArgumentOutOfRangeException(nameof(request), request, "unknown agent request"),
    };

    /// <summary>The state an agent freed from its call goes to when this request (or none) is pending: ready unless a pause or a logout was asked.</summary>
    public static (AgentState State, string? Reason) AfterCall(AgentRequest? request) => request?.Kind switch
    {
        AgentRequestKind.Logout => (AgentState.LoggedOut, null),
        AgentRequestKind.Pause => (AgentState.Paused, request.PauseReason),
        _ => (AgentState.Ready, null),
    };
}
