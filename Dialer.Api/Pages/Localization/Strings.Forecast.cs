namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> ForecastTexts() => new()
    {
        // /campaigns/{id}/forecast: staffing and completion forecast, Erlang C calculator
        ["campaigns.forecast"] = ("Forecast", "预测"),
        ["forecast.title"] = ("Staffing and completion forecast", "人力与完成预测"),
        ["forecast.agents"] = ("Agents", "坐席数"),
        ["forecast.until"] = ("Finish by", "完成日期"),
        ["forecast.dailyLiveTarget"] = ("Live contacts a day", "每日接通目标"),
        ["forecast.show"] = ("Forecast", "预测"),
        ["forecast.fromDefaults"] = (
            "This campaign has no call history yet: the forecast uses the defaults of its type ({0}).",
            "该活动还没有通话记录：预测使用其类型（{0}）的默认值。"),
        ["forecast.fromHistory"] = ("From the campaign's own history: {0} attempts over {1} days.", "依据本活动的历史：{1} 天内 {0} 次拨打。"),
        ["forecast.workedBy"] = ("List worked by", "名单完成日期"),
        ["forecast.notWithin"] = ("not within {0} days", "{0} 天内无法完成"),
        ["forecast.agentsUsed"] = ("Agents in the forecast", "预测所用坐席数"),
        ["forecast.source.given"] = ("entered", "手动输入"),
        ["forecast.source.loggedIn"] = ("logged in now", "当前已登录"),
        ["forecast.source.history"] = ("as on the last day", "同最近一天"),
        ["forecast.source.default"] = ("nobody logged in", "无人登录"),
        ["forecast.remaining"] = ("Contacts left", "剩余联系人"),
        ["forecast.rates"] = ("Live share · productivity", "接通率 · 效率"),
        ["forecast.perAgentHour"] = ("{0} live per agent-hour", "每坐席小时接通 {0} 个"),
        ["forecast.hoursPerDay"] = ("{0} h a day", "每天 {0} 小时"),
        ["forecast.agentsToFinish"] = ("Agents to finish by {0}", "在 {0} 前完成所需坐席"),
        ["forecast.notPossible"] = ("not possible", "无法完成"),
        ["forecast.agentsForTarget"] = ("Agents every hour for {0} live a day", "每天接通 {0} 个所需的每小时坐席数"),
        ["forecast.chart"] = ("Live contacts per day: actual and forecast", "每日接通数：实际与预测"),
        ["forecast.actual"] = ("Actual", "实际"),
        ["forecast.forecast"] = ("Forecast", "预测"),
        ["forecast.noDays"] = ("Nothing to forecast: no contacts left and no calls made.", "没有可预测的内容：没有剩余联系人，也没有通话。"),
        ["forecast.days"] = ("Forecast by day", "按天预测"),
        ["forecast.day"] = ("Day", "日期"),
        ["forecast.attempts"] = ("Attempts", "拨打次数"),
        ["forecast.live"] = ("Live contacts", "接通数"),
        ["forecast.completions"] = ("Completed", "完成数"),
        ["forecast.left"] = ("Left", "剩余"),
        ["forecast.err.agents"] = ("Agents must be a whole number from 1 to {0}.", "坐席数必须是 1 到 {0} 之间的整数。"),
        ["forecast.err.until"] = ("The date must be from today to {0} days ahead.", "日期必须在今天到 {0} 天之后之间。"),
        ["forecast.err.target"] = ("The target must be a number from 1 to 1,000,000.", "目标必须是 1 到 1,000,000 之间的数字。"),
        ["erlang.title"] = ("Seat calculator (Erlang C)", "座席计算器（Erlang C）"),
        ["erlang.explain"] = (
            "For callbacks and \"press 0\" transfers: the agents needed so that the given share of calls is answered within the target time.",
            "用于回拨和“按 0 转人工”来电：使指定比例的来电在目标时间内被接听所需的坐席数。"),
        ["erlang.callsPerHour"] = ("Calls per hour", "每小时来电数"),
        ["erlang.handleSeconds"] = ("Handling time (s)", "处理时长（秒）"),
        ["erlang.targetSeconds"] = ("Answered within (s)", "接听时限（秒）"),
        ["erlang.serviceLevel"] = ("Service level (%)", "服务水平（%）"),
        ["erlang.compute"] = ("Calculate", "计算"),
        ["erlang.result"] = (
            "{0} agents: {1} erlangs of traffic, service level {2}, average speed of answer {3} s, occupancy {4}.",
            "需要 {0} 名坐席：话务量 {1} 爱尔兰，服务水平 {2}，平均应答时间 {3} 秒，占用率 {4}。"),
        ["erlang.err.calls"] = ("Calls per hour must be a number from 0 to 100,000.", "每小时来电数必须是 0 到 100,000 之间的数字。"),
        ["erlang.err.handle"] = ("Handling time must be from 1 to 36,000 seconds.", "处理时长必须在 1 到 36,000 秒之间。"),
        ["erlang.err.target"] = ("The time must be from 0 to 3,600 seconds.", "时限必须在 0 到 3,600 秒之间。"),
        ["erlang.err.level"] = ("The service level must be from 1 to 99.9 %.", "服务水平必须在 1 到 99.9 % 之间。"),
        ["erlang.err.tooMany"] = ("More than {0} agents would be needed.", "所需坐席将超过 {0} 名。"),
    };
}
