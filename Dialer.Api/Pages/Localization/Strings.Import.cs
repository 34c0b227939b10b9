namespace Dialer.Api.Pages.Localization;

public static partial class Strings
{
    private static Dictionary<string, (string En, string Zh)> ImportTexts() => new()
    {
        ["import.title"] = ("Upload a call list", "导入呼叫名单"),
        ["import.help"] = ("A CSV with a header row. The phone column is found by its name (phone, mobile, tel, 电话, 手机, 号码, 联系电话); name/姓名, account/账号 and timezone are recognised; every other column is kept for the script.",
            "带表头的 CSV 文件。电话列按列名识别（phone、mobile、tel、电话、手机、号码、联系电话）；可识别 name/姓名、account/账号、timezone；其余列保留给话术使用。"),
        ["import.file"] = ("File", "文件"),
        ["import.encoding"] = ("Encoding", "编码"),
        ["import.phoneColumn"] = ("Phone column", "电话列"),
        ["import.phoneColumnHint"] = ("found by name", "自动识别"),
        ["import.upload"] = ("Upload", "上传"),
        ["import.rowsRead"] = ("{0} rows read…", "已读取 {0} 行…"),
        ["import.failedBecause"] = ("The import failed: {0}", "导入失败：{0}"),
        ["import.total"] = ("Rows", "总行数"),
        ["import.imported"] = ("Imported", "已导入"),
        ["import.duplicates"] = ("Duplicates", "重复"),
        ["import.invalid"] = ("Invalid", "无效"),
        ["import.dnc"] = ("On do-not-call", "免打扰"),
        ["import.downloadErrors"] = ("Download the {0} rejected rows (CSV)", "下载 {0} 条未导入行（CSV）"),
        ["import.allImported"] = ("Every row was imported.", "所有行均已导入。"),
        ["import.earlier"] = ("Earlier uploads", "以往导入"),
        ["import.report"] = ("Rejected rows", "未导入行"),
        ["import.queued"] = ("Queued", "排队中"),
        ["import.running"] = ("Importing", "导入中"),
        ["import.completed"] = ("Done", "已完成"),
        ["import.failed"] = ("Failed", "失败"),
    };
}
