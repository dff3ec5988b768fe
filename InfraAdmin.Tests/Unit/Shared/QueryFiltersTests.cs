using InfraAdmin.Infrastructure;

namespace InfraAdmin.Tests.Unit.Shared;

/// <summary>
/// Typed values from a query string or a form are taken as written or refused with a message, never coerced: .NET's
/// parsers skip a trailing NUL ("1\0" reads as 1), which these refuse.
/// </summary>
public sealed class QueryFiltersTests
{
    [Fact]
    public void Well_formed_values_are_taken()
    {
        var f = new QueryFilters();
        Assert.Equal(3, f.Int("page", "3", 1, 10));
        Assert.True(f.Bool("stale", "true"));
        Assert.Equal(Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff"), f.Guid("vps", "6f9619ff-8b86-d011-b42d-00cf4fc964ff"));
        Assert.Equal(new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc), f.Date("from", "2026-12-07"));
        Assert.Null(f.Message);
    }

    [Theory]
    [InlineData("page", "1\0")]
    [InlineData("stale", "true\0")]
    [InlineData("vps", "6f9619ff-8b86-d011-b42d-00cf4fc964ff\0")]
    [InlineData("from", "2026-12-07\0")]
    public void A_value_with_a_nul_is_ignored_with_a_visible_message(string name, string value)
    {
        var f = new QueryFilters();
        object? taken = name switch
        {
            "page" => f.Int(name, value, 1, 10),
            "stale" => f.Bool(name, value),
            "vps" => f.Guid(name, value),
            _ => f.Date(name, value),
        };

        Assert.Null(taken);
        Assert.Contains($"The filter {name}=", f.Message);
        Assert.Contains("␀", f.Message);
    }

    [Theory]
    [InlineData("5\0")]
    [InlineData("\05")]
    public void A_typed_number_with_a_nul_is_not_a_number(string text)
    {
        Assert.NotNull(NumberText.WholeNumber(text, 1, 10, out _));
        Assert.Equal("Not a valid number", NumberText.Money(text, required: true, max: 100m, out var amount));
        Assert.Null(amount);
    }

    [Fact]
    public void A_typed_number_is_taken()
    {
        Assert.Null(NumberText.WholeNumber(" 5 ", 1, 10, out var n));
        Assert.Equal(5, n);
        Assert.Null(NumberText.Money("12.50", required: true, max: 100m, out var amount));
        Assert.Equal(12.50m, amount);
    }
}
