using InfraAdmin.Components.Shared;

namespace InfraAdmin.Tests.Unit.Shared;

/// <summary>GridColumns hands a grid column the same expression at every render, so MudBlazor compiles it once per column.</summary>
public sealed class GridColumnsTests
{
    private sealed record Row(string Name, int Count);

    [Fact]
    public void The_same_property_is_the_same_expression_at_every_render_and_another_property_is_not()
    {
        var first = GridColumns.Of((Row r) => r.Name);
        var again = GridColumns.Of((Row r) => r.Name); // a new tree, as Razor builds at each render
        Assert.Same(first, again);
        Assert.NotSame(first, (object)GridColumns.Of((Row r) => r.Count));
        Assert.Equal("a", first.Compile()(new Row("a", 1)));
    }

    [Fact]
    public void An_expression_that_is_not_a_plain_property_is_used_as_given()
    {
        var computed = GridColumns.Of((Row r) => r.Count + 1);
        Assert.NotSame(computed, GridColumns.Of((Row r) => r.Count + 1));
        Assert.Equal(3, computed.Compile()(new Row("a", 2)));
    }
}
