namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> JobsTexts() => new()
    {
        // /jobs (administrators), when the Worker's job store is in its memory (SQLite)
        ["nav.jobs"] = ("Jobs", "后台任务"),
        ["jobs.title"] = ("Background jobs", "后台任务"),
        ["jobs.storeTitle"] = ("The job store is in the Worker's memory", "任务存储在 Worker 进程内存中"),
        ["jobs.inProcess"] = (
            "On the embedded SQLite database the Worker keeps its Hangfire jobs in its own process memory (Hangfire.InMemory), which the Api cannot read: no job list is shown here. Below is what the database knows instead: the Worker processes and the campaign leases.",
            "使用内置 SQLite 数据库时，Worker 把 Hangfire 任务保存在自己的进程内存中（Hangfire.InMemory），Api 无法读取，因此这里不显示任务列表。下面是数据库中记录的信息：Worker 进程和活动租约。"),
        ["jobs.whyOneMachine"] = (
            "Why in memory: the embedded database lives on one machine, so there is no other process to share a job store with.",
            "为什么放在内存中：内置数据库只在一台机器上，没有其他进程需要共享任务存储。"),
        ["jobs.whyRecurring"] = (
            "The jobs are short and recurring, and the Worker registers them again every time it starts: nothing is lost when it stops.",
            "这些任务短小且周期执行，Worker 每次启动都会重新注册，停止时不会丢失任何东西。"),
        ["jobs.whyLease"] = (
            "Which Worker dials a campaign is decided by the campaign lease in the database, not by the job store.",
            "由哪个 Worker 拨打某个活动，取决于数据库中的活动租约，而不是任务存储。"),
        ["jobs.onSqlServer"] = (
            "On SQL Server the jobs are kept in the product database (schema hangfire) and this page is the Hangfire dashboard, read-only.",
            "使用 SQL Server 时，任务保存在产品数据库中（hangfire 架构），本页即为只读的 Hangfire 仪表板。"),
        ["jobs.workers"] = ("Workers", "Worker 进程"),
        ["jobs.noWorkers"] = ("No Worker has reported in the last 24 hours.", "最近 24 小时内没有 Worker 上报。"),
        ["jobs.worker"] = ("Worker", "Worker"),
        ["jobs.host"] = ("Host", "主机"),
        ["jobs.pid"] = ("PID", "进程号"),
        ["jobs.started"] = ("Started", "启动时间"),
        ["jobs.heartbeat"] = ("Last heartbeat", "最后心跳"),
        ["jobs.ago"] = ("{0} ago", "{0} 前"),
        ["jobs.state"] = ("State", "状态"),
        ["jobs.live"] = ("Live", "在线"),
        ["jobs.silent"] = ("Silent", "无响应"),
        ["jobs.stopped"] = ("Stopped", "已停止"),
        ["jobs.storage"] = ("Job storage", "任务存储"),
        ["jobs.liveRule"] = ("Live: a heartbeat within the last {0} s and not stopped.", "在线：最近 {0} 秒内有心跳且未停止。"),
        ["jobs.leases"] = ("Campaign leases", "活动租约"),
        ["jobs.noLeases"] = ("No campaign has been dialed by a Worker yet.", "还没有活动被 Worker 拨打过。"),
        ["jobs.campaign"] = ("Campaign", "活动"),
        ["jobs.owner"] = ("Owner", "持有者"),
        ["jobs.epoch"] = ("Epoch", "纪元"),
        ["jobs.expires"] = ("Expires", "到期时间"),
        ["jobs.expired"] = ("expired", "已过期"),
        ["jobs.in"] = ("in {0}", "{0} 后"),
        ["jobs.leaseRule"] = (
            "A Worker runs a campaign's engine only while it holds the lease; the epoch grows at every takeover and fences older writes.",
            "Worker 只有持有租约时才运行活动的拨号引擎；每次接管纪元加一，旧纪元的写入一律无效。"),
        ["jobStorage.inmemory"] = ("In memory (Hangfire.InMemory)", "内存（Hangfire.InMemory）"),
        ["jobStorage.sqlserver"] = ("SQL Server", "SQL Server"),
        ["jobStorage.postgres"] = ("PostgreSQL", "PostgreSQL"),
    };
}
