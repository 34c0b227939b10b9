namespace Dialer.Db.Imports;

/// <summary>A contact ready to insert.</summary>
public struct ContactRow
{
    public long Key;          // the E.164 digits as a number: cheap to hash and compare
    public string Phone;
    public string? Name;
    public string TimeZone;
    public string? Account;
    public string? CustomJson;
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
        Errors.Clear();
        Invalid = Duplicates = Dnc = 0;
    }
}
