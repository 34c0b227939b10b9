namespace Dialer.Db.Imports;

/// <summary>A text value as UTF-8 bytes in a chunk's arena; a negative length is NULL.</summary>
public readonly record struct Utf8Text(int Offset, int Length)
{
    public static readonly Utf8Text Null = new(0, -1);

    public bool IsNull => Length < 0;

    public ReadOnlySpan<byte> In(ReadOnlySpan<byte> arena) => arena.Slice(Offset, Length);

    public string? ToString(ReadOnlySpan<byte> arena) => IsNull ? null : System.Text.Encoding.UTF8.GetString(In(arena));
}

/// <summary>
/// A contact ready to insert. Its text is already UTF-8 in the chunk's arena (encoded by the parallel
/// stage), so the single writer only binds bytes.
/// </summary>
public struct ContactRow
{
    public long Key;          // the E.164 digits as a number: cheap to hash and compare
    public string Phone;
    public Utf8Text PhoneUtf8;
    public Utf8Text Name;
    public Utf8Text TimeZone;
    public Utf8Text Account;
    public Utf8Text CustomJson;
    public int Line;
    public int Record;        // index in the chunk's CsvBatch, for the raw text of a later rejection
}

/// <summary>A row not imported: its line, kind (invalid | duplicate | dnc), why (a stable code, in English and Chinese) and raw text.</summary>
public readonly record struct RowError(int Line, string Kind, RowReason Why, string? Raw)
{
    public string Code => Why.Code;

    /// <summary>The reason in English (import_errors.reason, the API's and the CSV report's text).</summary>
    public string Reason => Why.En;

    public string ReasonZh => Why.Zh;
}

/// <summary>Why a row was refused: a stable code (<see cref="RowReasons"/>) and the reason for a person, in English and Simplified Chinese.</summary>
public readonly record struct RowReason(string Code, string En, string Zh);

/// <summary>The reasons rows of a contact or do-not-call import are refused, each with its stable code.</summary>
public static class RowReasons
{
    public const string MalformedCsv = "malformed_csv";
    public const string ColumnCount = "column_count";
    public const string NulCharacter = "nul_character";
    public const string InvalidPhone = "invalid_phone";
    public const string InvalidTimeZone = "invalid_time_zone";
    public const string InvalidExpiry = "invalid_expiry";
    public const string DncGlobal = "dnc_global";
    public const string DncCampaign = "dnc_campaign";
    public const string DuplicateInFile = "duplicate_in_file";
    public const string InCampaign = "already_in_campaign";
    public const string OnList = "already_on_list";

    public static RowReason Malformed(string en, string? zh) => new(MalformedCsv, $"malformed CSV: {en}", $"CSV 格式错误：{zh ?? en}");

    public static RowReason Columns(int fields, int header) =>
        new(ColumnCount, $"malformed CSV: {fields} columns where the header has {header}", $"CSV 格式错误：本行 {fields} 列，表头为 {header} 列");

    public static RowReason Nul(int column) => new(NulCharacter, $"a NUL character in column {column}", $"第 {column} 列含有 NUL 字符");

    public static RowReason Phone(Phones.PhoneResult phone) =>
        new(InvalidPhone, $"invalid phone: {phone.Reason}", $"号码无效：{phone.ReasonZh ?? phone.Reason}");

    public static RowReason TimeZone(string given) =>
        new(InvalidTimeZone, $"invalid time zone '{given}': not an IANA id such as Asia/Shanghai", $"时区“{given}”无效：不是 IANA 时区（例如 Asia/Shanghai）");

    public static RowReason Expiry(string given) =>
        new(InvalidExpiry, $"invalid expiry '{given}': use an ISO 8601 date or time", $"到期时间“{given}”无效：请使用 ISO 8601 日期或时间");

    public static RowReason Dnc(string e164, bool global) => global
        ? new(DncGlobal, $"{e164} is on the global do-not-call list", $"{e164} 在全局免打扰名单中")
        : new(DncCampaign, $"{e164} is on this campaign's do-not-call list", $"{e164} 在本活动的免打扰名单中");

    public static RowReason DuplicateOf(string e164, int row) => new(DuplicateInFile, $"{e164} is a duplicate of row {row}", $"{e164} 与第 {row} 行重复");

    public static RowReason AlreadyInCampaign(string e164) => new(InCampaign, $"{e164} is already in the campaign", $"{e164} 已在本活动中");

    public static RowReason AlreadyOnList(string e164) => new(OnList, $"{e164} is already on the list", $"{e164} 已在名单中");
}

public static class RowKinds
{
    public const string Invalid = "invalid";
    public const string Duplicate = "duplicate";
    public const string Dnc = "dnc";
}

/// <summary>One batch on its way through the pipeline: parsed records in, accepted rows and rejections out.</summary>
public sealed class ImportChunk
{
    public CsvBatch Csv { get; } = new();

    public ContactRow[] Rows { get; private set; } = new ContactRow[ContactImporter.BatchRows];

    public int RowCount { get; set; }

    public List<RowError> Errors { get; } = [];

    private byte[] utf8 = new byte[1 << 20];

    public int Utf8Length { get; private set; }

    public ReadOnlySpan<byte> Utf8 => utf8.AsSpan(0, Utf8Length);

    public Utf8Text AddUtf8(ReadOnlySpan<char> text)
    {
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        if (Utf8Length + max > utf8.Length)
        {
            Array.Resize(ref utf8, Math.Max(utf8.Length * 2, Utf8Length + max));
        }

        var length = System.Text.Encoding.UTF8.GetBytes(text, utf8.AsSpan(Utf8Length));
        var result = new Utf8Text(Utf8Length, length);
        Utf8Length += length;
        return result;
    }

    public int Invalid { get; set; }

    public int Duplicates { get; set; }

    public int Dnc { get; set; }

    /// <summary>Records of empty fields only, skipped like blank lines (not counted in the total).</summary>
    public int Empty { get; set; }

    public void Reset()
    {
        Csv.Clear();
        if (Rows.Length < ContactImporter.BatchRows)
        {
            Rows = new ContactRow[ContactImporter.BatchRows];
        }

        Array.Clear(Rows, 0, RowCount);
        RowCount = 0;
        Utf8Length = 0;
        Errors.Clear();
        Invalid = Duplicates = Dnc = Empty = 0;
    }
}
