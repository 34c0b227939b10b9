namespace Dialer.Api.Pages.Localization;

/// <summary>Texts of issue 14's Chinese pages part: the not-found page, codes and reasons that were shown as they are.</summary>
public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> ChineseTexts() => new()
    {
        ["notFound.title"] = ("Page not found", "页面不存在"),
        ["notFound.text"] = ("There is no page at this address. It may have moved, or the link was mistyped.", "此地址没有页面，可能已移动，或链接有误。"),
        ["notFound.home"] = ("Back to the start page", "返回首页"),

        // The rejected rows of an import, shown on the page (the CSV report has them all).
        ["import.row"] = ("Row", "行号"),
        ["import.kind"] = ("Kind", "类别"),
        ["import.reason"] = ("Reason", "原因"),
        ["import.raw"] = ("Row as in the file", "文件中的原始行"),
        ["import.firstRejected"] = ("The first {0} of {1} rejected rows; the CSV has them all.", "仅显示 {1} 条未导入行中的前 {0} 条；CSV 中包含全部。"),
        ["rowKind.invalid"] = ("Invalid", "无效"),
        ["rowKind.duplicate"] = ("Duplicate", "重复"),
        ["rowKind.dnc"] = ("Do not call", "免打扰"),
    };
}
