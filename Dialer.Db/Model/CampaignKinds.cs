namespace Dialer.Db.Model;

/// <summary>The campaign types a manager can choose (campaigns.type).</summary>
public static class CampaignTypes
{
    public const string Care = "care";
    public const string Survey = "survey";
    public const string Retention = "retention";
    public const string BillingReminder = "billing_reminder";
    public const string Marketing = "marketing";

    public static readonly IReadOnlyList<string> All = [Care, Survey, Retention, BillingReminder, Marketing];
}

/// <summary>The dialing modes (campaigns.mode).</summary>
public static class CampaignModes
{
    public const string Preview = "preview";
    public const string Progressive = "progressive";
    public const string Predictive = "predictive";
    public const string Agentless = "agentless";

    public static readonly IReadOnlyList<string> All = [Preview, Progressive, Predictive, Agentless];
}

/// <summary>Kinds of survey question.</summary>
public static class SurveyQuestionKinds
{
    public static readonly IReadOnlyList<string> All = ["text", "choice", "number", "rating", "yesno"];
}

/// <summary>A campaign's status (campaigns.status), as stored.</summary>
public static class CampaignStatus
{
    public const string Draft = "draft";
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Stopped = "stopped";
}
