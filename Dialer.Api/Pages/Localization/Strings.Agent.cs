namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> AgentTexts() => new()
    {
        ["desk.phoneUnknown"] = ("Phone: no report", "话机：未上报"),
        ["desk.phoneRegistered"] = ("Phone registered", "话机已注册"),
        ["desk.phoneNotRegistered"] = ("Phone not registered", "话机未注册"),
        ["desk.ready"] = ("Ready", "就绪"),
        ["desk.pause"] = ("Pause", "暂停"),
        ["desk.logout"] = ("Leave campaigns", "签出活动"),
        ["desk.chooseCampaigns"] = ("Choose your campaigns", "选择要签入的活动"),
        ["desk.noCampaigns"] = ("No campaign is running for you now.", "目前没有可签入的活动。"),
        ["desk.goReady"] = ("Sign in and go ready", "签入并就绪"),
        ["desk.offer"] = ("Next contact: dial or skip", "下一位客户：拨打或跳过"),
        ["desk.dial"] = ("Dial", "拨打"),
        ["desk.skip"] = ("Skip", "跳过"),
        ["desk.waiting"] = ("Ready: waiting for the next call…", "就绪：等待来电…"),
        ["desk.connecting"] = ("Connecting a call…", "正在接通…"),
        ["desk.onCallWith"] = ("On call with", "正在通话："),
        ["desk.wrapUpFor"] = ("Wrap-up for", "话后整理："),
        ["desk.script"] = ("Script", "话术"),
        ["desk.history"] = ("Previous attempts", "历史呼叫"),
        ["desk.firstCall"] = ("First call to this contact.", "首次联系该客户。"),
        ["desk.when"] = ("When", "时间"),
        ["desk.notes"] = ("Notes", "备注"),
        ["desk.wrapUp"] = ("Wrap-up", "话后整理"),
        ["desk.disposition"] = ("Outcome", "处理结果"),
        ["desk.callback"] = ("Callback", "预约回拨"),
        ["desk.noCallback"] = ("No callback", "不回拨"),
        ["desk.callbackMine"] = ("Call back myself", "由我回拨"),
        ["desk.callbackAnyone"] = ("Anyone may call back", "任何坐席可回拨"),
        ["desk.callbackAt"] = ("At (customer's local time, {0})", "时间（客户当地时间，{0}）"),
        ["desk.save"] = ("Save outcome", "提交结果"),
        ["desk.campaign"] = ("Campaign", "活动"),
        ["desk.myCalls"] = ("My calls today", "我今天的通话"),
        ["desk.noCallsYet"] = ("No calls yet today.", "今天还没有通话。"),

        ["pause.break"] = ("Break", "休息"),
        ["pause.lunch"] = ("Lunch", "午餐"),
        ["pause.training"] = ("Training", "培训"),
        ["pause.meeting"] = ("Meeting", "会议"),
        ["pause.coaching"] = ("Coaching", "辅导"),
        ["pause.other"] = ("Other", "其他"),
        ["pause.preview_timeout"] = ("Preview time ran out", "预览超时"),
        ["pause.phone_disconnected"] = ("Phone disconnected", "话机断开"),
    };
}
