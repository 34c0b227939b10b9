namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> AgentTexts() => new()
    {
        ["agent.state"] = ("State", "状态"),
    };
}
