using InfraAdmin.Features.IpReputation;

namespace InfraAdmin.Tests.Unit.Rules;

/// <summary>The IP import's CSV reader: quoting, line endings, line numbers, a BOM, NUL bytes and malformed input.</summary>
public sealed class CsvReaderTests
{
    private static IReadOnlyList<string[]> Cells(string text) => CsvReader.Read(text).Select(r => r.Cells.ToArray()).ToList();

    [Fact]
    public void Nothing_reads_as_no_records() => Assert.Empty(CsvReader.Read(""));

    [Fact]
    public void A_bom_alone_reads_as_no_records_and_before_a_header_is_dropped()
    {
        Assert.Empty(CsvReader.Read("\uFEFF"));
        Assert.Equal([["ip", "provider"]], Cells("\uFEFFip,provider"));
    }

    [Theory]
    [InlineData("a,b\nc,d\n")]
    [InlineData("a,b\r\nc,d\r\n")]
    [InlineData("a,b\r\nc,d")]
    [InlineData("a,b\nc,d")]
    public void Lf_and_crlf_end_records_and_a_last_line_needs_no_ending(string text) =>
        Assert.Equal([["a", "b"], ["c", "d"]], Cells(text));

    [Fact]
    public void Quoted_cells_keep_commas_doubled_quotes_and_line_breaks()
    {
        var records = CsvReader.Read("ip,detail\n1.2.3.4,\"listed, twice \"\"badly\"\"\"\n5.6.7.8,\"two\nlines\"\n9.9.9.9,x\n");
        Assert.Equal(["1.2.3.4", "listed, twice \"badly\""], records[1].Cells);
        Assert.Equal(["5.6.7.8", "two\nlines"], records[2].Cells);
        // Each record carries the line it starts on: the quoted line break moves the next record down.
        Assert.Equal([1, 2, 3, 5], records.Select(r => r.Line));
    }

    [Fact]
    public void Empty_cells_and_blank_lines_are_kept_as_records()
    {
        Assert.Equal([["a", "", "c"], [""], ["", ""]], Cells("a,,c\n\n,\n"));
        Assert.Equal([1, 2, 3], CsvReader.Read("a,,c\n\n,\n").Select(r => r.Line));
    }

    [Fact]
    public void A_quote_inside_an_unquoted_cell_is_an_ordinary_character()
    {
        Assert.Equal([["ab\"c", "d"]], Cells("ab\"c,d"));
    }

    [Fact]
    public void An_unclosed_quote_runs_to_the_end_of_the_text()
    {
        Assert.Equal([["a", "b,c\nd"]], Cells("a,\"b,c\nd"));
    }

    [Fact]
    public void Text_after_a_closing_quote_joins_the_cell()
    {
        Assert.Equal([["ab c", "d"]], Cells("\"ab\" c,d"));
    }

    [Fact]
    public void Nul_bytes_and_other_control_characters_stay_in_their_cell_for_the_caller_to_refuse()
    {
        Assert.Equal([["1.2.3.4\0", "spam\u0001haus"], ["\0", "x"]], Cells("1.2.3.4\0,spam\u0001haus\n\0,x"));
        Assert.Equal([["a\0b"]], Cells("\"a\0b\""));
    }

    [Fact]
    public void A_lone_carriage_return_is_dropped_outside_quotes_and_kept_inside()
    {
        Assert.Equal([["ab", "c"]], Cells("a\rb,c"));
        Assert.Equal([["a\rb"]], Cells("\"a\rb\""));
    }

    [Fact]
    public void Many_records_keep_their_line_numbers()
    {
        var text = string.Concat(Enumerable.Range(1, 1000).Select(i => $"{i},x\r\n"));
        var records = CsvReader.Read(text);
        Assert.Equal(1000, records.Count);
        Assert.All(records, r => Assert.Equal(r.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Cells[0]));
    }
}
