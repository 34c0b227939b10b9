namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> ShellTexts() => new()
    {
        // Shell
        ["app.name"] = ("Dialer", "外呼系统"),
        ["app.console"] = ("Manager console", "管理控制台"),
        ["app.desktop"] = ("Agent desktop", "坐席工作台"),
        ["nav.campaigns"] = ("Campaigns", "活动"),
        ["nav.dnc"] = ("Do not call", "免打扰名单"),
        ["nav.agentReport"] = ("Agent report", "坐席报表"),
        ["nav.signOut"] = ("Sign out", "退出"),
        ["nav.language"] = ("中文", "English"),
        ["common.loading"] = ("Loading…", "加载中…"),
        ["common.save"] = ("Save", "保存"),
        ["common.cancel"] = ("Cancel", "取消"),
        ["common.back"] = ("Back", "返回"),
        ["common.search"] = ("Search", "搜索"),
        ["common.none"] = ("None", "无"),
        ["common.yes"] = ("Yes", "是"),
        ["common.no"] = ("No", "否"),
        ["common.remove"] = ("Remove", "删除"),
        ["common.add"] = ("Add", "添加"),
        ["common.previous"] = ("Previous", "上一页"),
        ["common.next"] = ("Next", "下一页"),
        ["common.error"] = ("Something went wrong: {0}", "出错了：{0}"),
        ["common.notFound"] = ("Not found.", "未找到。"),
        ["common.downloadCsv"] = ("Download CSV", "下载 CSV"),
        ["common.page"] = ("Page {0}", "第 {0} 页"),

        // Sign-in
        ["login.title"] = ("Sign in", "登录"),
        ["login.username"] = ("Username", "用户名"),
        ["login.password"] = ("Password", "密码"),
        ["login.submit"] = ("Sign in", "登录"),
        ["login.failed"] = ("Wrong username or password.", "用户名或密码错误。"),
        ["login.locked"] = ("Too many failed sign-ins for this username; try again later (a lock lasts 15 minutes by default).", "该用户名登录失败次数过多；请稍后再试（默认锁定 15 分钟）。"),
        ["login.intro"] = ("Managers see the console, agents their desktop.", "管理员进入控制台，坐席进入工作台。"),

        // Campaign list
        ["campaigns.title"] = ("Campaigns", "外呼活动"),
        ["campaigns.new"] = ("New campaign", "新建活动"),
        ["campaigns.empty"] = ("No campaigns yet. Create the first one.", "还没有活动，请新建一个。"),
        ["campaigns.name"] = ("Name", "名称"),
        ["campaigns.type"] = ("Type", "类型"),
        ["campaigns.mode"] = ("Mode", "模式"),
        ["campaigns.status"] = ("Status", "状态"),
        ["campaigns.todayAttempts"] = ("Calls today", "今日呼叫"),
        ["campaigns.todayConnected"] = ("Connected", "接通坐席"),
        ["campaigns.todayAbandoned"] = ("Abandoned", "放弃"),
        ["campaigns.contactsLeft"] = ("Contacts left", "剩余联系人"),
        ["campaigns.actions"] = ("Actions", "操作"),
        ["campaigns.start"] = ("Start", "开始"),
        ["campaigns.pause"] = ("Pause", "暂停"),
        ["campaigns.stop"] = ("Stop", "停止"),
        ["campaigns.edit"] = ("Edit", "编辑"),
        ["campaigns.dashboard"] = ("Dashboard", "实时看板"),
        ["campaigns.contacts"] = ("Contacts", "联系人"),
        ["campaigns.upload"] = ("Upload list", "导入名单"),
        ["campaigns.reports"] = ("Reports", "报表"),

        ["status.draft"] = ("Draft", "草稿"),
        ["status.running"] = ("Running", "运行中"),
        ["status.paused"] = ("Paused", "已暂停"),
        ["status.stopped"] = ("Stopped", "已停止"),

        ["type.care"] = ("Care / return visit", "关怀回访"),
        ["type.survey"] = ("Survey", "客户调查"),
        ["type.retention"] = ("Retention", "挽留维系"),
        ["type.billing_reminder"] = ("Billing reminder", "账单提醒"),
        ["type.marketing"] = ("Marketing", "营销"),

        ["mode.preview"] = ("Preview", "预览式"),
        ["mode.progressive"] = ("Progressive", "渐进式"),
        ["mode.predictive"] = ("Predictive", "预测式"),
        ["mode.agentless"] = ("Agentless", "自动语音"),
    };
}
