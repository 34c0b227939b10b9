namespace Dialer.Db.Imports;

/// <summary>
/// A streaming RFC 4180 CSV reader that fills <see cref="CsvBatch"/>es: fields separated by a comma, a
/// semicolon or a tab (the one the header line uses most, as Excel's exports differ by locale; an Excel
/// "sep=;" first line says it outright), optionally in double quotes with "" for a quote and line breaks
/// allowed inside quotes, lines ending in CRLF, LF or CR, blank lines skipped. A record with bad quoting is
/// returned as malformed (with its raw line) and the reader goes on at the next line. It holds one buffer,
/// never the file.
/// </summary>
public sealed class CsvBatchReader(TextReader reader)
{
    /// <summary>The longest record accepted; a longer one stops the import (the file is not CSV).</summary>
    public const int MaxRecordChars = 4 * 1024 * 1024;

    /// <summary>The separators told apart, in order of preference when the header uses as many of each.</summary>
    private const string Delimiters = ",;\t";

    private static readonly System.Buffers.SearchValues<char>[] SpecialsFor =
        [.. Delimiters.Select(d => System.Buffers.SearchValues.Create($"{d}\"\r\n"))];

    private static readonly System.Buffers.SearchValues<char> LineBreaks = System.Buffers.SearchValues.Create("\r\n");

    private System.Buffers.SearchValues<char> specials = SpecialsFor[0];
    private char delimiter;
    private char[] buffer = new char[256 * 1024];
    private int pos;
    private int len;
    private bool eof;
    private int line = 1;

    /// <summary>The field separator: ',', ';' or '\t', known once the first record has been read.</summary>
    public char Delimiter => delimiter == '\0' ? ',' : delimiter;

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

        if (delimiter == '\0')
        {
            var found = DetectDelimiter(span, p);
            if (found == Step.NeedMore)
            {
                return Step.NeedMore;
            }

            if (found == Step.End)
            {
                // A "sep=;" line only names the separator: the header is on the next line.
                return Step.Record;
            }
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
                    l += LineBreakCount(segment);
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
                if (c != delimiter && c is not ('\r' or '\n'))
                {
                    error = $"unexpected character '{c}' after a closing quote";
                    return Malformed(batch, mark, span, recordStart, p, firstField, startLine, l, error, $"结束引号后出现意外的字符“{c}”", toEnd: false);
                }
            }
            else
            {
                var q = span[p..].IndexOfAny(specials);
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

            if (c == delimiter)
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

    /// <summary>Line breaks in <paramref name="text"/>: each LF, CRLF or lone CR counts once.</summary>
    private static int LineBreakCount(ReadOnlySpan<char> text)
    {
        var n = text.Count('\n');
        var cr = text.Count('\r');
        if (cr == 0)
        {
            return n;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n'))
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>
    /// Chooses the separator from the first line (the header): an Excel "sep=X" line names it (and is skipped,
    /// answering End); otherwise the most frequent of comma, semicolon and tab outside quotes, a comma when none.
    /// </summary>
    private Step DetectDelimiter(ReadOnlySpan<char> span, int p)
    {
        Span<int> counts = stackalloc int[Delimiters.Length];
        var quoted = false;
        var end = p;
        for (; end < len; end++)
        {
            var c = span[end];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '\r' or '\n')
            {
                break;
            }
            else if (!quoted && Delimiters.IndexOf(c) is var d and >= 0)
            {
                counts[d]++;
            }
        }

        if (end == len && !eof)
        {
            return Step.NeedMore;
        }

        var first = span[p..end].Trim().TrimStart('\uFEFF');
        if (first.Length == 5 && first.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) && Delimiters.Contains(first[4]))
        {
            Use(first[4]);
            pos = end;
            return Step.End;
        }

        var best = 0;
        for (var d = 1; d < Delimiters.Length; d++)
        {
            if (counts[d] > counts[best])
            {
                best = d;
            }
        }

        Use(Delimiters[best]);
        return Step.Record;
    }

    private void Use(char separator)
    {
        delimiter = separator;
        specials = SpecialsFor[Delimiters.IndexOf(separator)];
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
            l += LineBreakCount(span[faultAt..]);
        }
        else
        {
            // The physical line ends at LF, CRLF or a lone CR (files saved on old Macs have only CRs).
            var q = span[faultAt..].IndexOfAny(LineBreaks);
            if (q >= 0 && span[faultAt + q] == '\r' && faultAt + q + 1 == len && !eof)
            {
                q = -1;
            }

            if (q < 0 && !eof)
            {
                return NeedMore(batch, mark);
            }

            end = q < 0 ? len : faultAt + q + 1;
            if (q >= 0 && span[end - 1] == '\r' && end < len && span[end] == '\n')
            {
                end++;
            }

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
