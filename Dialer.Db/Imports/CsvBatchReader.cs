namespace Dialer.Db.Imports;

/// <summary>
/// A streaming RFC 4180 CSV reader that fills <see cref="CsvBatch"/>es: comma separated, fields optionally
/// in double quotes with "" for a quote and line breaks allowed inside quotes, lines ending in CRLF, LF or
/// CR, blank lines skipped. A record with bad quoting is returned as malformed (with its raw line) and the
/// reader goes on at the next line. It holds one buffer, never the file.
/// </summary>
public sealed class CsvBatchReader(TextReader reader)
{
    /// <summary>The longest record accepted; a longer one stops the import (the file is not CSV).</summary>
    public const int MaxRecordChars = 4 * 1024 * 1024;

    private static readonly System.Buffers.SearchValues<char> Specials = System.Buffers.SearchValues.Create(",\"\r\n");

    private char[] buffer = new char[256 * 1024];
    private int pos;
    private int len;
    private bool eof;
    private int line = 1;

    private enum Step
    {
        Record,
        NeedMore,
        End,
    }

    /// <summary>Reads up to <paramref name="maxRows"/> records into the (cleared) batch; false when the file is done.</summary>
    public async ValueTask<bool> ReadBatchAsync(CsvBatch batch, int maxRows, CancellationToken ct)
    {
        batch.Clear();
        while (batch.Count < maxRows)
        {
            var step = Parse(batch);
            if (step == Step.End)
            {
                break;
            }

            if (step == Step.NeedMore)
            {
                await FillAsync(ct);
            }
        }

        return batch.Count > 0;
    }

    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (pos > 0)
        {
            Array.Copy(buffer, pos, buffer, 0, len - pos);
            len -= pos;
            pos = 0;
        }

        if (len == buffer.Length)
        {
            if (buffer.Length >= MaxRecordChars)
            {
                throw new InvalidDataException($"line {line}: a record longer than {MaxRecordChars / (1024 * 1024)} M characters; is this a CSV file?");
            }

            Array.Resize(ref buffer, buffer.Length * 2);
        }

        var read = await reader.ReadAsync(buffer.AsMemory(len), ct);
        if (read == 0)
        {
            eof = true;
        }

        len += read;
    }

    private Step Parse(CsvBatch batch)
    {
        var span = buffer.AsSpan(0, len);
        var p = pos;
        var l = line;

        // Blank lines carry nothing: skip them (the line count goes on).
        while (p < len && span[p] is '\r' or '\n')
        {
            if (span[p] == '\r')
            {
                if (p + 1 == len && !eof)
                {
                    break;
                }

                if (p + 1 < len && span[p + 1] == '\n')
                {
                    p++;
                }
            }

            p++;
            l++;
        }

        pos = p;
        line = l;
        if (p == len || (span[p] == '\r' && p + 1 == len))
        {
            return eof ? Step.End : Step.NeedMore;
        }

        var mark = batch.Mark;
        var startLine = l;
        var recordStart = p;
        var firstField = batch.FieldCount;
        string? error;
        while (true)
        {
            batch.BeginField();
            char c;
            if (span[p] == '"')
            {
                p++;
                while (true)
                {
                    var q = span[p..].IndexOf('"');
                    if (q < 0)
                    {
                        if (!eof)
                        {
                            return NeedMore(batch, mark);
                        }

                        error = $"unterminated quoted field (the quote opened on line {startLine} is never closed)";
                        return Malformed(batch, mark, span, recordStart, recordStart, firstField, startLine, startLine, error,
                            $"引号未闭合（第 {startLine} 行开始的引号没有结束）", toEnd: true);
                    }

                    var segment = span.Slice(p, q);
                    batch.Append(segment);
                    l += segment.Count('\n');
                    p += q + 1;
                    if (p == len)
                    {
                        if (!eof)
                        {
                            return NeedMore(batch, mark);
                        }

                        return EndRecord(batch, p, l, startLine, firstField);
                    }

                    if (span[p] != '"')
                    {
                        break;
                    }

                    batch.Append("\"");
                    p++;
                }

                c = span[p];
                if (c is not (',' or '\r' or '\n'))
                {
                    error = $"unexpected character '{c}' after a closing quote";
                    return Malformed(batch, mark, span, recordStart, p, firstField, startLine, l, error, $"结束引号后出现意外的字符“{c}”", toEnd: false);
                }
            }
            else
            {
                var q = span[p..].IndexOfAny(Specials);
                if (q < 0)
                {
                    if (!eof)
                    {
                        return NeedMore(batch, mark);
                    }

                    batch.Append(span[p..]);
                    return EndRecord(batch, len, l, startLine, firstField);
                }

                batch.Append(span.Slice(p, q));
                p += q;
                c = span[p];
                if (c == '"')
                {
                    error = "a quote inside an unquoted field (quote the whole field and double the quote)";
                    return Malformed(batch, mark, span, recordStart, p, firstField, startLine, l, error, "未加引号的字段中有引号（请给整个字段加引号，并把其中的引号写两次）", toEnd: false);
                }
            }

            if (c == ',')
            {
                p++;
                if (p == len)
                {
                    if (!eof)
                    {
                        return NeedMore(batch, mark);
                    }

                    batch.BeginField();
                    return EndRecord(batch, p, l, startLine, firstField);
                }

                continue;
            }

            // End of line: CRLF, LF or CR.
            p++;
            if (c == '\r')
            {
                if (p == len && !eof)
                {
                    return NeedMore(batch, mark);
                }

                if (p < len && span[p] == '\n')
                {
                    p++;
                }
            }

            return EndRecord(batch, p, l + 1, startLine, firstField);
        }
    }

    private Step EndRecord(CsvBatch batch, int p, int l, int startLine, int firstField)
    {
        batch.EndRecord(startLine, firstField, null);
        pos = p;
        line = l;
        return Step.Record;
    }

    private static Step NeedMore(CsvBatch batch, (int, int) mark)
    {
        batch.Rewind(mark);
        return Step.NeedMore;
    }

    /// <summary>Records a malformed record as its raw text up to the end of the physical line where the fault is.</summary>
    private Step Malformed(CsvBatch batch, (int, int) mark, ReadOnlySpan<char> span, int recordStart, int faultAt, int firstField,
        int startLine, int l, string error, string errorZh, bool toEnd)
    {
        int end;
        if (toEnd)
        {
            end = len;
            l += span[faultAt..].Count('\n');
        }
        else
        {
            var q = span[faultAt..].IndexOf('\n');
            if (q < 0 && !eof)
            {
                return NeedMore(batch, mark);
            }

            end = q < 0 ? len : faultAt + q + 1;
            l += q < 0 ? 0 : 1;
        }

        batch.Rewind(mark);
        batch.BeginField();
        var raw = span[recordStart..end].TrimEnd("\r\n");
        var firstLine = raw.IndexOfAny('\r', '\n');
        batch.Append(toEnd && firstLine >= 0 ? raw[..firstLine] : raw);
        batch.EndRecord(startLine, firstField, error, errorZh);
        pos = end;
        line = l;
        return Step.Record;
    }
}
