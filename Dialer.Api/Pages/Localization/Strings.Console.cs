namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> ConsoleTexts() => new()
    {
        // Dashboard
        ["dash.title"] = ("Live dashboard", "实时看板"),
        ["dash.agents"] = ("Agents", "坐席"),
        ["dash.noAgents"] = ("No agent is signed in to this campaign.", "没有坐席签入此活动。"),
        ["dash.timeInState"] = ("Time in state", "状态时长"),
        ["dash.state"] = ("State", "状态"),
        ["dash.contact"] = ("Contact", "客户"),
        ["dash.lines"] = ("Lines", "线路"),
        ["dash.dialing"] = ("Dialing", "拨号中"),
        ["dash.ringing"] = ("Ringing", "振铃中"),
        ["dash.waiting"] = ("Answered, waiting", "已接听待转"),
        ["dash.talking"] = ("Talking", "通话中"),
        ["dash.today"] = ("Today", "今日"),
        ["dash.answered"] = ("Answered", "已接听"),
        ["dash.connected"] = ("Connected", "接通坐席"),
        ["dash.abandoned"] = ("Abandoned", "放弃"),
        ["dash.abandonToday"] = ("Abandon rate today", "今日放弃率"),
        ["dash.abandon30"] = ("Abandon rate, 30 days", "30 天放弃率"),
        ["dash.cap"] = ("cap {0}", "上限 {0}"),
        ["dash.dialLevel"] = ("Dial level", "拨号比"),
        ["dash.dialLevelSub"] = ("lines per available agent", "每位可用坐席线路数"),
        ["dash.occupancy"] = ("Occupancy, last hour", "近一小时利用率"),
        ["dash.contactsLeft"] = ("Contacts left", "剩余联系人"),
        ["dash.penetration"] = ("List penetration", "名单渗透率"),
        ["dash.penetrationSub"] = ("{0} of {1} contacts tried", "已呼 {0} / {1}"),
        ["dash.abandonChart"] = ("Abandon rate, last 8 hours", "近 8 小时放弃率"),
        ["dash.occupancyChart"] = ("Occupancy, last 8 hours", "近 8 小时利用率"),
        ["dash.updated"] = ("Updated {0}", "更新于 {0}"),

        ["state.logged_out"] = ("Signed out", "已签出"),
        ["state.ready"] = ("Ready", "就绪"),
        ["state.reserved"] = ("Reserved", "预占"),
        ["state.on_call"] = ("On call", "通话中"),
        ["state.wrap_up"] = ("Wrap-up", "话后整理"),
        ["state.paused"] = ("Paused", "暂停"),

        // Contacts
        ["contacts.title"] = ("Contacts", "联系人"),
        ["contacts.search"] = ("Name, phone or account", "姓名、电话或账号"),
        ["contacts.empty"] = ("No contacts match.", "没有匹配的联系人。"),
        ["contacts.none"] = ("No contacts yet. Upload a list.", "还没有联系人，请导入名单。"),
        ["contacts.phone"] = ("Phone", "电话"),
        ["contacts.name"] = ("Name", "姓名"),
        ["contacts.account"] = ("Account", "账号"),
        ["contacts.state"] = ("State", "状态"),
        ["contacts.attempts"] = ("Attempts", "呼叫次数"),
        ["contacts.lastOutcome"] = ("Last outcome", "上次结果"),
        ["contacts.next"] = ("Next call", "下次呼叫"),
        ["contacts.timeZone"] = ("Time zone", "时区"),
        ["contacts.fields"] = ("Other fields", "其他字段"),
        ["contacts.count"] = ("{0} contacts", "共 {0} 位联系人"),
        ["contacts.allStates"] = ("All states", "全部状态"),

        ["contact.new"] = ("New", "新"),
        ["contact.dialing"] = ("Dialing", "拨号中"),
        ["contact.retry"] = ("Retry", "待重拨"),
        ["contact.callback"] = ("Callback", "预约回拨"),
        ["contact.done"] = ("Done", "完成"),
        ["contact.dnc"] = ("Do not call", "免打扰"),
        ["contact.invalid"] = ("Invalid", "无效"),
        ["contact.cancelled"] = ("Cancelled", "已取消"),
    };
}
