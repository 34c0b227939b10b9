namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    /// <summary>Listen, whisper and barge on the agent board (issue 14).</summary>
    private static Dictionary<string, (string En, string Zh)> MonitorTexts() => new()
    {
        ["monitor.title"] = ("On a call", "通话监听"),
        ["monitor.help"] = ("Listen: you hear the customer and the agent. Whisper: the agent hears you too, the customer does not. Barge: all of you hear each other. The dialer rings your SIP phone; answer it to join.",
            "监听：您能听到客户和坐席。耳语：坐席也能听到您，客户听不到。强插：三方互相都能听到。系统会呼叫您的 SIP 话机，接听即加入。"),
        ["monitor.listen"] = ("Listen", "监听"),
        ["monitor.whisper"] = ("Whisper", "耳语"),
        ["monitor.barge"] = ("Barge", "强插"),
        ["monitor.leave"] = ("Leave the call", "离开通话"),
        ["monitor.agent"] = ("Agent {0}", "坐席 {0}"),
        ["monitor.state.requested"] = ("Waiting for the agent's call", "等待坐席通话"),
        ["monitor.state.calling"] = ("Ringing your phone", "正在呼叫您的话机"),
        ["monitor.state.on"] = ("On the call", "已加入通话"),
        ["monitor.started"] = ("Your phone will ring: answer it to join the call (at the agent's next call when the agent is between calls).",
            "您的话机将振铃：接听即加入通话（坐席不在通话中时，在其下一通电话加入）。"),
        ["monitor.switched"] = ("Mode changed.", "模式已切换。"),
        ["monitor.left"] = ("You left the call.", "您已离开通话。"),
    };
}
