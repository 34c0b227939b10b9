namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    /// <summary>The agent desk's browser phone (issue 11): its switch, states, keypad and what is wrong.</summary>
    private static Dictionary<string, (string En, string Zh)> BrowserPhoneTexts() => new()
    {
        ["phone.title"] = ("Browser phone", "浏览器话机"),
        ["phone.use"] = ("Use this browser as my phone", "使用本浏览器作为我的话机"),
        ["phone.hint"] = ("The dialer calls this browser when you go ready and keeps the line open between customers: keep this tab open.",
            "您就绪时系统会呼叫本浏览器，并在客户之间保持线路接通：请保持此标签页打开。"),
        ["phone.mic"] = ("Microphone", "麦克风"),
        ["phone.registration"] = ("Registration", "注册"),
        ["phone.call"] = ("Line", "线路"),
        ["phone.micLevel"] = ("Your voice", "您的声音"),
        ["phone.speakerLevel"] = ("Line audio", "线路声音"),
        ["phone.keypad"] = ("Keypad", "拨号键盘"),
        ["phone.off"] = ("Off", "已关闭"),
        ["phone.mic.asking"] = ("Asking…", "正在请求…"),
        ["phone.mic.allowed"] = ("Allowed", "已允许"),
        ["phone.mic.denied"] = ("Not allowed", "未允许"),
        ["phone.mic.missing"] = ("None found", "未找到"),
        ["phone.reg.connecting"] = ("Connecting…", "正在连接…"),
        ["phone.reg.registered"] = ("Registered", "已注册"),
        ["phone.reg.unregistered"] = ("Not registered", "未注册"),
        ["phone.reg.failed"] = ("Failed", "失败"),
        ["phone.call.idle"] = ("No call", "无通话"),
        ["phone.call.ringing"] = ("Answering…", "正在接听…"),
        ["phone.call.connected"] = ("Connected", "已接通"),
        ["phone.err.insecure"] = (
            "This page is not secure: browsers give the microphone only to pages served over HTTPS (or from localhost). Open the dialer at its https:// address.",
            "此页面不安全：浏览器只允许通过 HTTPS（或本机 localhost）打开的页面使用麦克风。请使用系统的 https:// 地址打开。"),
        ["phone.err.micDenied"] = (
            "The browser may not use the microphone: allow it for this site (the icon in the address bar), then turn the browser phone on again.",
            "浏览器无权使用麦克风：请在地址栏的图标中允许本站使用麦克风，然后重新打开浏览器话机。"),
        ["phone.err.noMic"] = ("No microphone was found: connect one, then turn the browser phone on again.", "未找到麦克风：请连接麦克风，然后重新打开浏览器话机。"),
        ["phone.err.registration"] = ("The dialer refused the registration ({0}): turn the browser phone off and on again, or ask your administrator.",
            "系统拒绝了注册（{0}）：请关闭后重新打开浏览器话机，或联系管理员。"),
        ["phone.err.unreachable"] = (
            "The dialer's phone connection ({0}) cannot be reached: check the network; for a wss:// address the browser must trust its certificate.",
            "无法连接系统的话机连接（{0}）：请检查网络；如为 wss:// 地址，浏览器必须信任其证书。"),
        ["phone.err.credential"] = ("The browser phone could not start: {0}", "浏览器话机无法启动：{0}"),
        ["phone.err.library"] = ("The phone's script did not load: reload the page.", "话机脚本未能加载：请刷新页面。"),
        ["phone.err.media"] = ("The call's audio could not be set up ({0}).", "通话音频无法建立（{0}）。"),
    };
}
