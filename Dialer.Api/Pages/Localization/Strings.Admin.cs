namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> AdminTexts() => new()
    {
        // The SIM compliance profile (the demo's campaigns on the simulated carrier)
        ["sim.badge"] = ("Simulated carrier", "模拟运营商"),
        ["sim.explain"] = (
            "Compliance profile SIM: no calling-hour limit, for the built-in simulated carrier only. It is never dialled over a real SIP trunk.",
            "合规规范 SIM：不限呼叫时段，仅用于内置的模拟运营商，绝不会通过真实 SIP 中继拨打。"),
        ["sim.profileOption"] = ("{0} (simulated carrier only)", "{0}（仅限模拟运营商）"),

        // Stop is final: the confirmation page
        ["stop.title"] = ("Stop the campaign?", "停止活动？"),
        ["stop.final"] = (
            "Stop is final: the campaign stops dialling, its open billing reminders are cancelled, and it cannot be started again.",
            "停止是最终操作：活动停止拨号，未完成的账单提醒将被取消，且无法再次开始。"),
        ["stop.pauseInstead"] = ("To halt it for a while, pause it instead.", "如只需暂时中止，请改用暂停。"),
        ["stop.forGood"] = ("Stop for good", "永久停止"),
        ["stop.cancel"] = ("Cancel", "取消"),
        ["stop.already"] = ("This campaign is already stopped.", "该活动已停止。"),
        ["stop.back"] = ("Back", "返回"),
        // People (/users, /users/{id}/campaigns, /campaigns/{id}/agents)
        ["nav.people"] = ("People", "人员"),
        ["nav.keys"] = ("API keys", "API 密钥"),
        ["role.admin"] = ("Administrator", "管理员"),
        ["role.manager"] = ("Manager", "经理"),
        ["role.agent"] = ("Agent", "坐席"),
        ["role.billing"] = ("Billing system", "账单系统"),
        ["people.title"] = ("People", "人员"),
        ["people.username"] = ("Username", "用户名"),
        ["people.displayName"] = ("Display name", "显示名称"),
        ["people.role"] = ("Role", "角色"),
        ["people.enabled"] = ("Enabled", "启用"),
        ["people.yes"] = ("Yes", "是"),
        ["people.disabled"] = ("Disabled", "已停用"),
        ["people.sipUser"] = ("SIP user", "SIP 用户"),
        ["people.sipUserHint"] = ("the username if left empty", "留空则使用用户名"),
        ["people.sipPassword"] = ("SIP password", "SIP 密码"),
        ["people.sipExplain"] = (
            "Agents need SIP credentials: their phone registers with the dialer with them (realm from Telephony:Realm). Managers need none.",
            "坐席需要 SIP 凭据：其电话用它向外呼系统注册（注册域由系统配置）。经理不需要。"),
        ["people.password"] = ("Password", "密码"),
        ["people.language"] = ("Language", "语言"),
        ["people.campaigns"] = ("Campaigns", "活动"),
        ["people.anyCampaign"] = ("Any campaign (none assigned)", "任意活动（未分配）"),
        ["people.assign"] = ("Campaigns", "分配活动"),
        ["people.disable"] = ("Disable", "停用"),
        ["people.enable"] = ("Enable", "启用"),
        ["people.new"] = ("New user", "新建用户"),
        ["people.create"] = ("Create user", "创建用户"),
        ["people.created"] = ("User {0} created.", "已创建用户 {0}。"),
        ["people.taken"] = ("This username is taken.", "该用户名已被使用。"),
        ["people.adminOnly"] = ("Only an administrator may do this.", "只有管理员可以执行此操作。"),
        ["people.assignTitle"] = ("Campaigns of an agent", "坐席的活动"),
        ["people.assignExplain"] = (
            "An agent with no campaign ticked may join any campaign; with any ticked, only those.",
            "未勾选任何活动的坐席可以加入任意活动；勾选后只能加入所勾选的活动。"),
        ["people.assigned"] = ("Campaigns of {0} saved.", "已保存 {0} 的活动。"),
        ["people.save"] = ("Save", "保存"),
        ["people.saved"] = ("Saved.", "已保存。"),
        ["people.campaignAgents"] = ("Agents", "坐席"),
        ["people.campaignAgentsExplain"] = (
            "The agents ticked work this campaign. An agent with any assignment sees only the campaigns assigned to it.",
            "勾选的坐席负责本活动。已有分配的坐席只能看到分配给自己的活动。"),
        ["people.noAgents"] = ("No enabled agents yet: an administrator creates them under People.", "还没有已启用的坐席：请管理员在“人员”页面创建。"),

        // API keys (/keys)
        ["keys.title"] = ("API keys", "API 密钥"),
        ["keys.name"] = ("Name", "名称"),
        ["keys.prefix"] = ("Key", "密钥"),
        ["keys.campaigns"] = ("Campaigns", "活动"),
        ["keys.created"] = ("Created", "创建时间"),
        ["keys.lastUsed"] = ("Last used", "最近使用"),
        ["keys.state"] = ("State", "状态"),
        ["keys.active"] = ("Active", "有效"),
        ["keys.revoked"] = ("Revoked", "已吊销"),
        ["keys.revoke"] = ("Revoke", "吊销"),
        ["keys.scopeTitle"] = ("Campaigns of a billing key", "账单密钥的活动"),
        ["keys.new"] = ("New API key", "新建 API 密钥"),
        ["keys.create"] = ("Create key", "创建密钥"),
        ["keys.campaignsExplain"] = (
            "A billing key submits reminders only into the campaigns ticked here; other roles take none.",
            "账单密钥只能向此处勾选的活动提交提醒；其他角色不需要勾选。"),
        ["keys.createdOnce"] = (
            "Key “{0}” created. Copy it now: it is shown only this once (only its hash is kept).",
            "已创建密钥“{0}”。请立即复制：它只显示这一次（系统只保存其哈希值）。"),
    };
}
