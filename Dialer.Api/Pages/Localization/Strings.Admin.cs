namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> AdminTexts() => new()
    {
        // The SIM compliance profile (the demo's campaigns on the simulated carrier)
        ["sim.badge"] = ("Simulated carrier", "模拟运营商"),
        ["sim.explain"] = (
            "Compliance profile SIM: no calling-hour limit, for the built-in simulated carrier only. It is never dialled over a real SIP trunk.",
            "合规规范 SIM：不限呼叫时段，仅用于内置的模拟运营商，绝不会通过真实 SIP 中继拨打。"),
        ["sim.profileOption"] = ("{0} (simulated carrier only)", "{0}（仅限模拟运营商）"),

        // Stop is final: the confirmation page
        ["stop.title"] = ("Stop the campaign?", "停止活动？"),
        ["stop.final"] = (
            "Stop is final: the campaign stops dialling, its open billing reminders are cancelled, and it cannot be started again.",
            "停止是最终操作：活动停止拨号，未完成的账单提醒将被取消，且无法再次开始。"),
        ["stop.pauseInstead"] = ("To halt it for a while, pause it instead.", "如只需暂时中止，请改用暂停。"),
        ["stop.forGood"] = ("Stop for good", "永久停止"),
        ["stop.cancel"] = ("Cancel", "取消"),
        ["stop.already"] = ("This campaign is already stopped.", "该活动已停止。"),
        ["stop.back"] = ("Back", "返回"),
    };
}
