using Dialer.Db.Imports;

namespace Dialer.Tests.Imports;

public sealed class CsvBatchReaderTests
{
    /// <summary>Hands out a few characters per read, so every record crosses buffer boundaries.</summary>
    private sealed class TrickleReader(string text, int step) : TextReader
    {
        private int pos;

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            var n = Math.Min(Math.Min(step, buffer.Length), text.Length - pos);
            text.AsSpan(pos, n).CopyTo(buffer.Span);
            pos += n;
            return ValueTask.FromResult(n);
        }
    }

    private static async Task<List<(int Line, string? Error, string[] Fields)>> ReadAllAsync(string text, int step = 1 << 20)
    {
        var reader = new CsvBatchReader(new TrickleReader(text, step));
        var batch = new CsvBatch();
        var rows = new List<(int, string?, string[])>();
        while (await reader.ReadBatchAsync(batch, 3, CancellationToken.None))
        {
            for (var r = 0; r < batch.Count; r++)
            {
                rows.Add((batch.Line(r), batch.Error(r), Enumerable.Range(0, batch.Fields(r)).Select(f => batch.Field(r, f).ToString()).ToArray()));
            }
        }

        return rows;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task ParsesQuotesLineBreaksAndEmptyFieldsAcrossBufferBoundaries(int step)
    {
        var text = "a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\r\n,,\n\"multi\nline\",q,\"\"\r4,5,6";
        var rows = await ReadAllAsync(text, step);
        Assert.Equal(5, rows.Count);
        Assert.Equal(["a", "b", "c"], rows[0].Fields);
        Assert.Equal(["1", "x, \"y\"", "3"], rows[1].Fields);
        Assert.Equal([2, 4, 5, 7], rows.Skip(1).Select(r => r.Line));
        Assert.Equal(["", "", ""], rows[2].Fields);
        Assert.Equal(["multi\nline", "q", ""], rows[3].Fields);
        Assert.Equal(["4", "5", "6"], rows[4].Fields);
        Assert.All(rows, r => Assert.Null(r.Error));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public async Task BadQuotingIsReportedAndReadingGoesOnAtTheNextLine(int step)
    {
        var text = "a,b\n1,x\"y\n2,\"ok\"z\n3,\"fine\"\n4,\"never closed\n5,x";
        var rows = await ReadAllAsync(text, step);
        Assert.Equal(5, rows.Count);
        Assert.Contains("quote inside an unquoted field", rows[1].Error);
        Assert.Equal("1,x\"y", rows[1].Fields[0]);
        Assert.Equal(2, rows[1].Line);
        Assert.Contains("unexpected character 'z' after a closing quote", rows[2].Error);
        Assert.Equal((4, (string?)null), (rows[3].Line, rows[3].Error));
        Assert.Contains("unterminated quoted field", rows[4].Error);
        Assert.Equal(5, rows[4].Line);
    }

    /// <summary>
    /// A file with CR-only line ends (saved on an old Mac): a badly quoted row used to swallow the rest of the file
    /// (the malformed record ran to the next LF, of which there was none), and line breaks inside quotes were not counted.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task CrOnlyFilesKeepEveryRecordAfterABadOneAndCountLinesInsideQuotes(int step)
    {
        var text = "phone,name\r1,a\"x\r2,\"b\rc\"\r3,d\r\r4,\"e\r\nf\"\r5,g\"h\r\n6,i";
        var rows = await ReadAllAsync(text, step);
        Assert.Equal(["phone", "1,a\"x", "2", "3", "4", "5,g\"h", "6"], rows.Select(r => r.Fields[0]));
        Assert.Equal([1, 2, 3, 5, 7, 9, 10], rows.Select(r => r.Line));
        Assert.Contains("quote inside an unquoted field", rows[1].Error);
        Assert.Equal(["2", "b\rc"], rows[2].Fields);
        Assert.Equal(["4", "e\r\nf"], rows[4].Fields);
        Assert.NotNull(rows[5].Error);
        Assert.Equal(["6", "i"], rows[6].Fields);
    }

    /// <summary>Excel writes semicolons or tabs by locale; the header line tells which, and "sep=;" says it outright.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public async Task TheSeparatorIsTheOneTheHeaderUses(int step)
    {
        var semicolon = await ReadAllAsync("电话;姓名;地址\r\n138;张三;\"北京; 朝阳, 1号\"\r\n139;李四;a,b\r\n", step);
        Assert.Equal([["电话", "姓名", "地址"], ["138", "张三", "北京; 朝阳, 1号"], ["139", "李四", "a,b"]], semicolon.Select(r => r.Fields));

        var tab = await ReadAllAsync("\"phone\"\tname, first\tnote\n138\t\"a\"\t\"x\ty\"\n", step);
        Assert.Equal([["phone", "name, first", "note"], ["138", "a", "x\ty"]], tab.Select(r => r.Fields));

        // A header with commas inside quotes only is still comma separated; one column is too.
        var comma = await ReadAllAsync("\"a;b\",c\n1;2,3\n", step);
        Assert.Equal([["a;b", "c"], ["1;2", "3"]], comma.Select(r => r.Fields));
        Assert.Equal([["phone"], ["1;2"]], (await ReadAllAsync("phone\n1;2\n", step)).Select(r => r.Fields));

        var sep = await ReadAllAsync("sep=;\r\nphone;name,x\r\n138;a,b\r\n", step);
        Assert.Equal([["phone", "name,x"], ["138", "a,b"]], sep.Select(r => r.Fields));
        Assert.Equal([2, 3], sep.Select(r => r.Line));
    }

    [Fact]
    public async Task EmptyInputHasNoRecords() => Assert.Empty(await ReadAllAsync(""));
}
