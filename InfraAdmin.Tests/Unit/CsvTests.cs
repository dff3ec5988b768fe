using System.Text;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Tests.Unit;

public sealed class CsvTests
{
    [Theory]
    [InlineData("=SUM(A1:A2)", "'=SUM(A1:A2)")]
    [InlineData("+cmd", "'+cmd")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@x", "'@x")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\r=1+1", "\"'\r=1+1\"")]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    public void Cells_are_escaped_and_formulas_defused(string input, string expected) => Assert.Equal(expected, Csv.Cell(input));

    [Fact]
    public void Numbers_and_times_are_invariant_and_utc()
    {
        Assert.Equal("-1234.5", Csv.Cell(-1234.5m));
        Assert.Equal("2026-02-03T04:05:06Z", Csv.Cell(new DateTime(2026, 2, 3, 4, 5, 6, DateTimeKind.Utc)));
        Assert.Equal("true", Csv.Cell(true));
        Assert.Equal("", Csv.Cell(null));
    }

    [Fact]
    public void A_file_is_utf8_without_bom_with_a_header()
    {
        var bytes = Csv.Build(["name", "amount"], [["Zoë", 1.5m]]);
        Assert.NotEqual(0xEF, bytes[0]);
        Assert.Equal("name,amount\r\nZoë,1.5\r\n", Encoding.UTF8.GetString(bytes));
    }
}
