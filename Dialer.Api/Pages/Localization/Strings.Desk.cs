namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    /// <summary>The agent desk's call controls, callbacks, notices and the paused campaign (issue 14).</summary>
    private static Dictionary<string, (string En, string Zh)> DeskTexts() => new()
    {
        ["desk.notice.saved"] = ("Outcome saved.", "处理结果已保存。"),
        ["desk.campaignUnassigned"] = ("You are no longer assigned to {0}: no more calls come from it (a call in progress is yours to finish).", "您已不再分配到{0}：不会再有该活动的来电（进行中的通话请照常完成）。"),
        ["desk.campaignPaused"] = ("{0} is paused: no calls come from it until a manager resumes it.", "{0} 已暂停：经理恢复之前不会有来电。"),
        ["desk.talking"] = ("Talking", "通话中"),
        ["desk.onHold"] = ("On hold", "保持中"),
        ["desk.hangingUp"] = ("Hanging up…", "正在挂断…"),
        ["desk.mutedBadge"] = ("Muted", "已静音"),
        ["desk.hold"] = ("Hold", "保持"),
        ["desk.resume"] = ("Resume", "恢复通话"),
        ["desk.mute"] = ("Mute", "静音"),
        ["desk.unmute"] = ("Unmute", "取消静音"),
        ["desk.hangup"] = ("Hang up", "挂断"),
        ["desk.transfer"] = ("Transfer", "转接"),
        ["desk.transferTo"] = ("Number to transfer to", "转接号码"),
        ["desk.transferring"] = ("Transferring to {0}…", "正在转接至 {0}…"),
        ["desk.transferFailed"] = ("Transfer to {0} failed: {1}; the customer is back with you.", "转接至 {0} 失败：{1}；客户已回到您这里。"),
        ["desk.myCallbacks"] = ("My callbacks", "我的预约回拨"),
        ["desk.noCallbacks"] = ("No callbacks scheduled for you.", "您没有预约的回拨。"),
        ["desk.callbackWhen"] = ("Call back at (customer's time)", "回拨时间（客户当地时间）"),
        ["desk.callbackZone"] = ("({0})", "（{0}）"),
        ["desk.callbackDue"] = ("Due", "已到期"),
    };
}
