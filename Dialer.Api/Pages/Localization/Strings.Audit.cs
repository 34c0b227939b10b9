namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    /// <summary>The audit of supervisors' and administrators' actions (/audit, issue 14).</summary>
    private static Dictionary<string, (string En, string Zh)> AuditTexts() => new()
    {
        ["nav.audit"] = ("Audit", "操作审计"),
        ["audit.title"] = ("Audit of supervisors' actions", "主管操作审计"),
        ["audit.help"] = ("Who did what to whom, and when: forced pauses and logouts, listening, whispering and barging, contacts recycled, lists switched on or off, campaigns started, paused or stopped, users disabled or enabled, API keys revoked. Newest first; times in UTC.",
            "谁在何时对谁做了什么：强制暂停和签出、监听、耳语和强插、回收客户、启用或停用名单、开始、暂停或停止活动、停用或启用用户、吊销 API 密钥。最新的在前；时间为 UTC。"),
        ["audit.action"] = ("Action", "操作"),
        ["audit.allActions"] = ("All actions", "全部操作"),
        ["audit.none"] = ("No actions recorded.", "暂无操作记录。"),
        ["audit.when"] = ("When", "时间"),
        ["audit.who"] = ("Who", "操作人"),
        ["audit.target"] = ("To whom / what", "对象"),
        ["audit.campaign"] = ("Campaign", "活动"),
        ["audit.detail"] = ("Detail", "详情"),
        ["audit.viaKey"] = ("(API key)", "（API 密钥）"),
        ["audit.newest"] = ("Newest", "最新"),
        ["audit.older"] = ("Older", "更早"),
        ["audit.reset"] = ("attempts reset", "尝试次数清零"),
        ["audit.count"] = ("contacts: {0}", "客户数：{0}"),
        ["audit.when.now"] = ("at once", "立即生效"),
        ["audit.when.after_call"] = ("after the call", "通话结束后生效"),
        ["audit.kind.user"] = ("User", "用户"),
        ["audit.kind.campaign"] = ("Campaign", "活动"),
        ["audit.kind.list"] = ("List", "名单"),
        ["audit.kind.key"] = ("API key", "API 密钥"),
        ["audit.action.force_pause"] = ("Forced pause", "强制暂停"),
        ["audit.action.force_logout"] = ("Forced logout", "强制签出"),
        ["audit.action.monitor_start"] = ("Joined a call", "加入通话"),
        ["audit.action.monitor_mode"] = ("Changed the monitor mode", "切换监听方式"),
        ["audit.action.monitor_leave"] = ("Left a call", "退出通话"),
        ["audit.action.contacts_recycle"] = ("Recycled contacts", "回收客户"),
        ["audit.action.list_on"] = ("Switched a list on", "启用名单"),
        ["audit.action.list_off"] = ("Switched a list off", "停用名单"),
        ["audit.action.campaign_start"] = ("Started a campaign", "开始活动"),
        ["audit.action.campaign_pause"] = ("Paused a campaign", "暂停活动"),
        ["audit.action.campaign_stop"] = ("Stopped a campaign", "停止活动"),
        ["audit.action.user_disable"] = ("Disabled a user", "停用用户"),
        ["audit.action.user_enable"] = ("Enabled a user", "启用用户"),
        ["audit.action.key_revoke"] = ("Revoked an API key", "吊销 API 密钥"),
    };
}
