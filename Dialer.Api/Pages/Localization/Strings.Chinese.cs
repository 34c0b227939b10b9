namespace Dialer.Api.Pages.Localization;

/// <summary>Texts of issue 14's Chinese pages part: the not-found page, codes and reasons that were shown as they are.</summary>
public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> ChineseTexts() => new()
    {
        ["notFound.title"] = ("Page not found", "页面不存在"),
        ["notFound.text"] = ("There is no page at this address. It may have moved, or the link was mistyped.", "此地址没有页面，可能已移动，或链接有误。"),
        ["notFound.home"] = ("Back to the start page", "返回首页"),

        // The live indicator's tooltip.
        ["live.idle"] = ("Live updates: nothing to follow on this page", "实时更新：本页无需更新"),
        ["live.connected"] = ("Live updates: connected", "实时更新：已连接"),
        ["live.disconnected"] = ("Live updates: disconnected, reconnecting…", "实时更新：已断开，正在重连…"),
        ["live.refused"] = ("Live updates: refused", "实时更新：被拒绝"),

        // The rejected rows of an import, shown on the page (the CSV report has them all).
        ["import.row"] = ("Row", "行号"),
        ["import.kind"] = ("Kind", "类别"),
        ["import.reason"] = ("Reason", "原因"),
        ["import.raw"] = ("Row as in the file", "文件中的原始行"),
        ["import.firstRejected"] = ("The first {0} of {1} rejected rows; the CSV has them all.", "仅显示 {1} 条未导入行中的前 {0} 条；CSV 中包含全部。"),
        ["rowKind.invalid"] = ("Invalid", "无效"),
        ["rowKind.duplicate"] = ("Duplicate", "重复"),
        ["rowKind.dnc"] = ("Do not call", "免打扰"),

        // Why a contact is due when it is (contacts.eligible_reason).
        ["next.retryAfter"] = ("Retry after: {0}", "重拨原因：{0}"),
        ["next.retry_after"] = ("The callee's network asked not to call again before this (Retry-After)", "对方网络要求此时间前不要重拨（Retry-After）"),
        ["next.abandon_redial_block"] = ("Abandoned: no redial before the block ends", "放弃呼叫：封锁期内不重拨"),
        ["next.callback"] = ("Callback booked", "已预约回拨"),
        ["next.callback_time"] = ("Callback time", "回拨时间"),
        ["next.invalid_number"] = ("Invalid number", "空号"),
        ["next.max_attempts"] = ("Attempts used up", "已达最大呼叫次数"),
        ["next.min_gap"] = ("Minimum gap between calls", "两次呼叫的最小间隔"),
        ["next.phone_disconnected"] = ("Agent's phone disconnected", "坐席话机断开"),
        ["next.preview_timeout"] = ("Preview time ran out", "预览超时"),
        ["next.voicemail_left"] = ("Voicemail left", "已留言"),
        ["next.ivr_callback"] = ("Callback asked in the voice menu", "客户在语音菜单中要求回拨"),
        ["next.ivr_transfer"] = ("Transfer asked in the voice menu", "客户在语音菜单中要求转人工"),
        ["next.ivr_transfer_no_agent"] = ("Transfer asked, no agent free: callback", "要求转人工但无空闲坐席：回拨"),
        ["next.agent_left"] = ("The agent left", "坐席已离开"),
        ["next.claim_recovered"] = ("Taken back after an interrupted dial", "拨号中断后收回"),
        ["next.worker_lost"] = ("The dialing engine stopped during the call", "通话期间拨号引擎停止"),
    };
}
