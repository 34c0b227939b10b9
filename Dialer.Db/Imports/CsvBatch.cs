namespace Dialer.Db.Imports;

/// <summary>
/// A run of parsed CSV records held in one character arena (no string per field): for each record its
/// line number, its fields as (start, length) into <see cref="Chars"/>, or the reason it is malformed and
/// its raw text.
/// </summary>
public sealed class CsvBatch
{
    private char[] chars = new char[64 * 1024];
    private int[] fieldStart = new int[8 * 1024];
    private int[] fieldLength = new int[8 * 1024];
    private int[] rowLine = new int[1024];
    private int[] rowFirstField = new int[1024];
    private int[] rowFieldCount = new int[1024];
    private string?[] rowError = new string?[1024];
    private string?[] rowErrorZh = new string?[1024];

    public int Count { get; private set; }

    public int CharCount { get; private set; }

    public int FieldCount { get; private set; }

    /// <summary>Position of this batch in the file, from 0.</summary>
    public long Sequence { get; set; }

    public ReadOnlySpan<char> Chars => chars.AsSpan(0, CharCount);

    public int Line(int row) => rowLine[row];

    public int Fields(int row) => rowFieldCount[row];

    /// <summary>Null for a well-formed record; otherwise why it is malformed (its raw text is its only field).</summary>
    public string? Error(int row) => rowError[row];

    /// <summary>The same as <see cref="Error"/> in Simplified Chinese, for the pages.</summary>
    public string? ErrorZh(int row) => rowErrorZh[row];

    /// <summary>
    /// True for a well-formed record whose every field is empty or white space: ",,," (Excel writes one for a formatted
    /// but empty row) or "   ". The imports skip it like a blank line.
    /// </summary>
    public bool IsEmpty(int row)
    {
        if (rowError[row] is not null)
        {
            return false;
        }

        for (var f = 0; f < rowFieldCount[row]; f++)
        {
            if (!Field(row, f).IsWhiteSpace())
            {
                return false;
            }
        }

        return true;
    }

    public ReadOnlySpan<char> Field(int row, int index)
    {
        if (index < 0 || index >= rowFieldCount[row])
        {
            return [];
        }

        var f = rowFirstField[row] + index;
        return chars.AsSpan(fieldStart[f], fieldLength[f]);
    }

    public void Clear()
    {
        Count = 0;
        CharCount = 0;
        FieldCount = 0;
        Array.Clear(rowError, 0, rowError.Length);
        Array.Clear(rowErrorZh, 0, rowErrorZh.Length);
    }

    internal (int Chars, int Fields) Mark => (CharCount, FieldCount);

    internal void Rewind((int Chars, int Fields) mark)
    {
        CharCount = mark.Chars;
        FieldCount = mark.Fields;
    }

    internal void BeginField()
    {
        if (FieldCount == fieldStart.Length)
        {
            Array.Resize(ref fieldStart, fieldStart.Length * 2);
            Array.Resize(ref fieldLength, fieldLength.Length * 2);
        }

        fieldStart[FieldCount] = CharCount;
        fieldLength[FieldCount] = 0;
        FieldCount++;
    }

    internal void Append(ReadOnlySpan<char> text)
    {
        if (CharCount + text.Length > chars.Length)
        {
            Array.Resize(ref chars, Math.Max(chars.Length * 2, CharCount + text.Length));
        }

        text.CopyTo(chars.AsSpan(CharCount));
        CharCount += text.Length;
        fieldLength[FieldCount - 1] += text.Length;
    }

    internal void EndRecord(int line, int firstField, string? error, string? errorZh = null)
    {
        if (Count == rowLine.Length)
        {
            var size = rowLine.Length * 2;
            Array.Resize(ref rowLine, size);
            Array.Resize(ref rowFirstField, size);
            Array.Resize(ref rowFieldCount, size);
            Array.Resize(ref rowError, size);
            Array.Resize(ref rowErrorZh, size);
        }

        rowLine[Count] = line;
        rowFirstField[Count] = firstField;
        rowFieldCount[Count] = FieldCount - firstField;
        rowError[Count] = error;
        rowErrorZh[Count] = errorZh;
        Count++;
    }
}
