using Dialer.Api.Reports;

namespace Dialer.Tests.Api;

/// <summary>The formula injection guard every CSV export writes through (OWASP "CSV Injection").</summary>
public class CsvGuardTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+8613812340001", "'+8613812340001")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(1)", "'@SUM(1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "'\r=1")]
    public void TextStartingAFormulaGetsAQuoteMark(string cell, string written) => Assert.Equal(written, Csv.Neutralize(cell));

    [Theory]
    [InlineData("")]
    [InlineData("王芳")]
    [InlineData("客户说,\"很好\"")]
    [InlineData("13812345678")]
    [InlineData("A100")]
    [InlineData("a=b+c-d@e")]
    [InlineData("'=already quoted")]
    [InlineData(" =1")]
    public void SafeTextIsUnchanged(string cell) => Assert.Same(cell, Csv.Neutralize(cell));

    [Fact]
    public void LinesQuoteAfterTheGuardAndLeaveNumbersAlone()
    {
        Assert.Equal(
            "'+8613800000001,\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(1),\"'\r=1\",-3,-1.5,王芳\r\n",
            Csv.Line(["+8613800000001", "=HYPERLINK(\"http://x\")", "@SUM(1)", "\r=1", -3, -1.5, "王芳"]));
    }
}
