namespace Dialer.Db.Model;

/// <summary>How a call attempt ended (call_attempts.outcome); <see cref="CallOutcomes"/> maps it to and from the database.</summary>
public enum CallOutcome
{
    Connected,
    Busy,
    NoAnswer,
    Machine,
    Abandoned,
    Invalid,
    Declined,
    Failed,
}

/// <summary>
/// The one mapping of <see cref="CallOutcome"/> to and from call_attempts.outcome, and how each outcome is counted:
/// the attempts' statistics, the daily statistics and the reports all use <see cref="Column"/>, so a declined call
/// (the callee refused it: SIP 603, or 486 sent by the callee's phone) counts as busy everywhere.
/// </summary>
public static class CallOutcomes
{
    public const string Connected = "connected";
    public const string Busy = "busy";
    public const string NoAnswer = "no_answer";
    public const string Machine = "machine";
    public const string Abandoned = "abandoned";
    public const string Invalid = "invalid";
    public const string Declined = "declined";
    public const string Failed = "failed";

    /// <summary>For SQL texts: the outcomes counted as busy.</summary>
    public const string BusySql = $"'{Busy}', '{Declined}'";

    /// <summary>For SQL texts: the outcomes of a live answer (<see cref="IsLiveAnswer"/>).</summary>
    public const string LiveSql = $"'{Connected}', '{Abandoned}'";

    /// <summary>The columns the reports show, in order.</summary>
    public static readonly IReadOnlyList<string> Columns = [Connected, Busy, NoAnswer, Machine, Abandoned, Invalid, Failed];

    public static string ToDb(this CallOutcome outcome) => outcome switch
    {
        CallOutcome.Connected => Connected,
        CallOutcome.Busy => Busy,
        CallOutcome.NoAnswer => NoAnswer,
        CallOutcome.Machine => Machine,
        CallOutcome.Abandoned => Abandoned,
        CallOutcome.Invalid => Invalid,
        CallOutcome.Declined => Declined,
        _ => Failed,
    };

    /// <summary>The stored outcome; null when the attempt has none yet; an unknown text counts as failed.</summary>
    public static CallOutcome? FromDb(string? outcome) => outcome switch
    {
        null => null,
        Connected => CallOutcome.Connected,
        Busy => CallOutcome.Busy,
        NoAnswer => CallOutcome.NoAnswer,
        Machine => CallOutcome.Machine,
        Abandoned => CallOutcome.Abandoned,
        Invalid => CallOutcome.Invalid,
        Declined => CallOutcome.Declined,
        _ => CallOutcome.Failed,
    };

    /// <summary>The column an outcome is counted in (one of <see cref="Columns"/>; declined is busy); "" when there is none yet.</summary>
    public static string Column(string? outcome) => FromDb(outcome) switch
    {
        null => "",
        CallOutcome.Declined => Busy,
        { } o => o.ToDb(),
    };

    /// <summary>Counted as busy in the statistics and the reports: busy or declined.</summary>
    public static bool IsBusy(string? outcome) => Column(outcome) == Busy;

    /// <summary>A person answered: put through to an agent, or dropped because none was free in time.</summary>
    public static bool IsLiveAnswer(string? outcome) => outcome is Connected or Abandoned;
}
