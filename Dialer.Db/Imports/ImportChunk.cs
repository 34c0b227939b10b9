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

/// <summary>A row not imported: its line, kind (invalid | duplicate | dnc), reason and raw text.</summary>
public readonly record struct RowError(int Line, string Kind, string Reason, string? Raw);

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
        Invalid = Duplicates = Dnc = 0;
    }
}
