namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    /// <summary>The campaign's daily KPI report, its charts and CSV, and the dashboard's figures (issue 14, reports).</summary>
    private static Dictionary<string, (string En, string Zh)> KpiTexts() => new()
    {
        ["campaigns.kpi"] = ("KPIs", "KPI 日报"),
        ["kpi.title"] = ("Daily KPIs", "每日 KPI"),
        ["kpi.from"] = ("From", "开始日期"),
        ["kpi.to"] = ("To", "结束日期"),
        ["kpi.range"] = ("{0} to {1} · times in {2}", "{0} 至 {1} · 时区 {2}"),
        ["kpi.badDate"] = ("A date as yyyy-MM-dd.", "日期格式应为 yyyy-MM-dd。"),
        ["kpi.toBeforeFrom"] = ("The end must not be before the start.", "结束日期不能早于开始日期。"),
        ["kpi.tooLong"] = ("At most {0} days.", "最多 {0} 天。"),
        ["kpi.day"] = ("Day", "日期"),
        ["kpi.attempts"] = ("Attempts", "呼叫次数"),
        ["kpi.signIn"] = ("Agent sign-in rate", "坐席签入率"),
        ["kpi.occupancy"] = ("Utilisation (occupancy)", "坐席利用率"),
        ["kpi.avgTalk"] = ("Average talk", "平均通话时长"),
        ["kpi.avgWrap"] = ("Average wrap-up", "平均话后整理时长"),
        ["kpi.answerRate"] = ("Answer rate", "接通率"),
        ["kpi.busyHour"] = ("Busy-hour minimum answer rate", "忙时最低接通率"),
        ["kpi.abandonDay"] = ("Abandon rate (day)", "放弃率（当日）"),
        ["kpi.abandon30"] = ("Abandon rate (30 days)", "放弃率（30 天滚动）"),
        ["kpi.overCap"] = ("over the cap", "超过上限"),
        ["kpi.overCapDays"] = ("Days over the cap {0}: {1} by the day's rate, {2} by the 30-day rate.", "超过上限 {0} 的天数：当日放弃率 {1} 天，30 天滚动放弃率 {2} 天。"),
        ["kpi.total"] = ("Range", "区间合计"),
        ["kpi.noCalls"] = ("No calls and no agent time in this range.", "此区间内没有呼叫，也没有坐席工作时间。"),
        ["kpi.inProgress"] = ("In progress", "进行中"),
        ["kpi.hourlyChart"] = ("Calls by hour of day and outcome (the whole range)", "各时段呼叫量及结果（整个区间）"),
        ["kpi.abandonChart"] = ("Abandon rate per day against the cap", "每日放弃率与上限"),
        ["kpi.occupancyChart"] = ("Utilisation (occupancy) per day", "每日坐席利用率"),
        ["kpi.rolling"] = ("30-day rate", "30 天滚动"),
        ["kpi.dayRate"] = ("Day's rate", "当日"),
        ["kpi.capLine"] = ("Cap {0}", "上限 {0}"),
        ["kpi.legendTitle"] = ("How each figure is computed", "各指标的计算方法"),
        ["kpi.legend.signIn"] = (
            "Of the agents who may work the campaign (enabled; assigned to it, or to no campaign), the share signed in to it at some time of the day. Range: agent-days signed in over eligible agent-days.",
            "可参与本活动的坐席（未停用，且分配到本活动或未分配任何活动）中，当天曾签入本活动的比例。区间合计：签入人天 ÷ 应签入人天。"),
        ["kpi.legend.occupancy"] = (
            "Time on call and in wrap-up over the time signed in to the campaign and not paused (ready, reserved, on call, wrap-up), all agents together.",
            "所有坐席的通话时长与话后整理时长之和 ÷ 签入本活动且未暂停的时长（就绪、预占、通话、话后整理）。"),
        ["kpi.legend.talk"] = (
            "The mean talk and wrap-up seconds of the attempts connected to an agent, by the day they were dialled.",
            "按拨出日期统计，接通坐席的呼叫的平均通话秒数和平均话后整理秒数。"),
        ["kpi.legend.answer"] = (
            "Attempts answered by a person (connected to an agent, or abandoned) over attempts finished (with an outcome).",
            "被真人接听的呼叫（接通坐席或放弃）÷ 已结束（有结果）的呼叫。"),
        ["kpi.legend.busyHour"] = (
            "The lowest hourly answer rate among the day's busy hours: the hours with at least half as many attempts as the busiest hour (the hour in brackets). Range: the lowest of the days.",
            "当天忙时（呼叫量不低于最忙时段一半的各小时）中最低的小时接通率，括号内为该时段。区间合计：各天中的最低值。"),
        ["kpi.legend.abandon"] = (
            "Abandoned over answered by a person, for the day and for the 30 days ending with it; red when above the campaign's cap.",
            "放弃的呼叫 ÷ 被真人接听的呼叫，分别按当日和截至当日的 30 天计算；超过活动上限时标红。"),
        ["kpi.csvSignedIn"] = ("Agents signed in", "签入坐席数"),
        ["kpi.csvEligible"] = ("Agents eligible", "应签入坐席数"),
        ["kpi.csvFinished"] = ("Finished", "已结束"),
        ["kpi.csvLive"] = ("Answered by a person", "真人接听"),
        ["kpi.csvAbandoned"] = ("Abandoned", "放弃"),
        ["kpi.csvBusyHour"] = ("Busy hour", "忙时时段"),
        ["kpi.csvAvgTalk"] = ("Average talk (s)", "平均通话（秒）"),
        ["kpi.csvAvgWrap"] = ("Average wrap-up (s)", "平均话后整理（秒）"),
        ["kpi.csvOverCap"] = ("Day over cap", "当日超上限"),
        ["kpi.csvOverCap30"] = ("30 days over cap", "30 天超上限"),
        ["kpi.csvCap"] = ("Cap", "上限"),
        ["dash.attemptsToday"] = ("Calls today", "今日呼叫"),
        ["dash.connectedToday"] = ("Connected today", "今日接通坐席"),
        ["dash.connectedSub"] = ("{0} talking now · abandoned {1}", "{0} 正在通话 · 放弃 {1}"),
        ["dash.abandon30Sub"] = ("{0} of {1} answered", "{0} / {1} 真人接听"),
        ["dash.chartCap"] = ("cap {0}", "上限 {0}"),
    };
}
