namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> ReportTexts() => new()
    {
        ["report.title"] = ("Report by hour", "分时报表"),
        ["report.agentsTitle"] = ("Agents' day", "坐席日报"),
        ["report.day"] = ("Day", "日期"),
        ["report.show"] = ("Show", "查询"),
        ["report.hour"] = ("Hour", "时段"),
        ["report.total"] = ("Total", "合计"),
        ["report.attempts"] = ("Attempts", "呼叫次数"),
        ["report.contactRate"] = ("Contact rate", "接通率"),
        ["report.abandonRate"] = ("Abandon rate", "放弃率"),
        ["report.dispositions"] = ("Dispositions", "处理结果"),
        ["report.outcomes"] = ("Outcomes", "呼叫结果"),
        ["report.agent"] = ("Agent", "坐席"),
        ["report.signedIn"] = ("Signed in", "签入时长"),
        ["report.ready"] = ("Ready", "就绪时长"),
        ["report.talk"] = ("Talk", "通话时长"),
        ["report.avgTalk"] = ("Average talk", "平均通话"),
        ["report.wrap"] = ("Wrap-up", "话后整理"),
        ["report.paused"] = ("Paused", "暂停时长"),
        ["report.occupancy"] = ("Occupancy", "利用率"),
        ["report.calls"] = ("Calls", "通话数"),
        ["report.callsPerHour"] = ("Calls per hour", "每小时通话"),
        ["report.noCalls"] = ("No calls on this day.", "当天没有呼叫。"),
        ["report.noAgents"] = ("No agent signed in on this day.", "当天没有坐席签入。"),
        ["report.timeZone"] = ("Times in {0}.", "时间为 {0}。"),

        ["outcome.connected"] = ("Connected", "接通坐席"),
        ["outcome.busy"] = ("Busy", "忙"),
        ["outcome.no_answer"] = ("No answer", "无人接听"),
        ["outcome.machine"] = ("Machine", "答录机"),
        ["outcome.abandoned"] = ("Abandoned", "放弃"),
        ["outcome.invalid"] = ("Invalid number", "空号"),
        ["outcome.declined"] = ("Declined", "拒接"),
        ["outcome.failed"] = ("Failed", "失败"),
    };
}
