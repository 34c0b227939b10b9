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
