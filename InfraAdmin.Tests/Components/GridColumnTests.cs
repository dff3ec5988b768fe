using System.Linq.Expressions;
using Bunit;
using InfraAdmin.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Tests.Components;

/// <summary>
/// GridColumn: shows its row's property, sorts by the property's name on the server, and compiles the getter once per row
/// type and property for the life of the app (MudBlazor's PropertyColumn compiled it in every new column instance).
/// </summary>
public sealed class GridColumnTests : BunitTest
{
    public sealed record Row(string Name, int Count);

    private readonly List<GridState<Row>> _asked = [];

    private static RenderFragment Column<TProperty>(Expression<Func<Row, TProperty>> property, string? title = null) => b =>
    {
        b.OpenComponent<GridColumn<Row, TProperty>>(0);
        b.AddAttribute(1, nameof(GridColumn<Row, TProperty>.Property), property);
        if (title is not null) b.AddAttribute(2, nameof(GridColumn<Row, TProperty>.Title), title);
        b.CloseComponent();
    };

    private IRenderedComponent<MudDataGrid<Row>> RenderGrid() => Render<MudDataGrid<Row>>(p => p
        .Add(g => g.ServerData, (state, _) =>
        {
            _asked.Add(state);
            var rows = new[] { new Row("beta", 2), new Row("alpha", 10) };
            var sorted = state.SortDefinitions.FirstOrDefault() is { SortBy: nameof(Row.Count) } s
                ? (s.Descending ? rows.OrderByDescending(r => r.Count) : rows.OrderBy(r => r.Count)).ToArray()
                : rows;
            return Task.FromResult(new GridData<Row> { Items = sorted, TotalItems = sorted.Length });
        })
        .Add(g => g.Columns, b =>
        {
            b.AddContent(0, Column(r => r.Name, "Tenant"));
            b.AddContent(1, Column(r => r.Count));
        }));

    [Fact]
    public void Cells_show_the_rows_properties_and_a_column_without_a_title_is_named_after_its_property()
    {
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.Equal(2, grid.FindAll("tbody tr.mud-table-row").Count));
        var headers = grid.FindAll("th").Select(h => h.TextContent.Trim()).ToList();
        Assert.Contains(headers, h => h.StartsWith("Tenant"));
        Assert.Contains(headers, h => h.StartsWith("Count"));
        var cells = grid.FindAll("tbody tr.mud-table-row").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray()).ToList();
        Assert.Equal(["beta", "2"], cells[0]);
        Assert.Equal(["alpha", "10"], cells[1]);
    }

    [Fact]
    public async Task Sorting_a_column_asks_the_server_for_its_property_name()
    {
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotEmpty(_asked));
        var countHeader = grid.FindAll("th").Single(h => h.TextContent.Trim().StartsWith("Count"));
        await grid.InvokeAsync(() => countHeader.QuerySelector(".sortable-column-header")!.Click());
        grid.WaitForAssertion(() => Assert.Equal(nameof(Row.Count), _asked[^1].SortDefinitions.Single().SortBy));
        grid.WaitForAssertion(() => Assert.Equal("2", grid.Find("tbody tr.mud-table-row td:nth-child(2)").TextContent.Trim()));
    }

    [Fact]
    public void The_getter_is_compiled_once_per_property_and_only_a_property_of_the_row_is_accepted()
    {
        var first = GridColumn<Row, string>.GetterOf(r => r.Name);
        var again = GridColumn<Row, string>.GetterOf(r => r.Name); // a new expression tree, as Razor builds at every render
        Assert.Same(first, again);
        Assert.Equal("a", first(new Row("a", 1)));
        Assert.NotSame(GridColumn<Row, int>.GetterOf(r => r.Count), (object)first);
        Assert.Throws<ArgumentException>(() => GridColumn<Row, int>.GetterOf(r => r.Count + 1));
    }
}
