namespace Dialer.Api.Reports;

/// <summary>Call outcomes as the engine writes them, and the rates built on them.</summary>
public static class Outcomes
{
    public const string Connected = "connected";
    public const string Busy = "busy";
    public const string NoAnswer = "no_answer";
    public const string Machine = "machine";
    public const string Abandoned = "abandoned";
    public const string Invalid = "invalid";
    public const string Declined = "declined";
    public const string Failed = "failed";

    /// <summary>The columns the reports show, in order; declined and unknown outcomes count as failed.</summary>
    public static readonly string[] Columns = [Connected, Busy, NoAnswer, Machine, Abandoned, Invalid, Failed];

    public static string Column(string? outcome) => outcome switch
    {
        Connected or Busy or NoAnswer or Machine or Abandoned or Invalid => outcome,
        null => "",
        _ => Failed,
    };

    /// <summary>A person answered: put through to an agent, or dropped because none was free in time.</summary>
    public static bool IsLiveAnswer(string? outcome) => outcome is Connected or Abandoned;
}
