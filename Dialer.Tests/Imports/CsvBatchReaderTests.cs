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

    [Fact]
    public async Task EmptyInputHasNoRecords() => Assert.Empty(await ReadAllAsync(""));
}
