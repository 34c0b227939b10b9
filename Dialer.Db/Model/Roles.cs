namespace Dialer.Db.Model;

public static class Roles
{
    public const string Admin = "admin";
    public const string Manager = "manager";
    public const string Billing = "billing";
    public const string Agent = "agent";

    public static readonly IReadOnlyList<string> ApiKeyRoles = [Admin, Manager, Billing];
    public static readonly IReadOnlyList<string> UserRoles = [Admin, Manager, Agent];
}

public static class CampaignStatus
{
    public const string Draft = "draft";
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Stopped = "stopped";
}

public static class ContactState
{
    public const string New = "new";
    public const string Dialing = "dialing";
    public const string Retry = "retry";
    public const string Callback = "callback";
    public const string Done = "done";
    public const string Dnc = "dnc";
    public const string Invalid = "invalid";
    public const string Cancelled = "cancelled";
}
