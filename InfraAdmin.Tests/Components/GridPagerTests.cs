using Bunit;
using InfraAdmin.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Tests.Components;

/// <summary>
/// GridPager: MudDataGridPager's pager in one component. It shows the rows on the page and the total (or "about" it), moves
/// between pages and changes the page size through the grid, which asks the server again; buttons that lead nowhere are
/// disabled, and only the offered sizes are taken.
/// </summary>
public sealed class GridPagerTests : BunitTest
{
    private readonly List<GridState<int>> _asked = [];
    private int _size = 10;
    private int _page;

    private IRenderedComponent<MudDataGrid<int>> RenderGrid(int total, bool estimated = false) => Render<MudDataGrid<int>>(p => p
        .Add(g => g.ServerData, (state, _) =>
        {
            _asked.Add(state);
            var items = Enumerable.Range(state.Page * state.PageSize + 1, Math.Max(0, Math.Min(state.PageSize, total - state.Page * state.PageSize)));
            return Task.FromResult(new GridData<int> { Items = items.ToList(), TotalItems = total });
        })
        .Add(g => g.RowsPerPage, _size)
        .Add(g => g.RowsPerPageChanged, EventCallback.Factory.Create<int>(this, n => _size = n))
        .Add(g => g.CurrentPage, _page)
        .Add(g => g.CurrentPageChanged, EventCallback.Factory.Create<int>(this, n => _page = n))
        .Add(g => g.Columns, (RenderFragment)(b =>
        {
            b.OpenComponent<TemplateColumn<int>>(0);
            b.AddAttribute(1, nameof(TemplateColumn<int>.CellTemplate), (RenderFragment<CellContext<int>>)(c => cb => cb.AddContent(0, c.Item)));
            b.CloseComponent();
        }))
        .Add(g => g.PagerContent, (RenderFragment)(b =>
        {
            b.OpenComponent<GridPager<int>>(0);
            b.AddAttribute(1, nameof(GridPager<int>.Estimated), estimated);
            b.CloseComponent();
        })));

    private static string Info(IRenderedComponent<MudDataGrid<int>> grid) => grid.Find(".mud-table-pagination-caption:not(label)").TextContent;

    [Fact]
    public void It_shows_the_range_and_the_total_and_moves_through_the_pages()
    {
        var grid = RenderGrid(total: 23);
        grid.WaitForAssertion(() => Assert.Equal("1-10 of 23", Info(grid)));
        Assert.True(grid.Find("button[aria-label='First page']").HasAttribute("disabled"));
        Assert.True(grid.Find("button[aria-label='Previous page']").HasAttribute("disabled"));

        grid.Find("button[aria-label='Next page']").Click();
        grid.WaitForAssertion(() => Assert.Equal("11-20 of 23", Info(grid)));
        Assert.Equal(1, _asked[^1].Page);
        Assert.Equal(1, _page);

        grid.Find("button[aria-label='Last page']").Click();
        grid.WaitForAssertion(() => Assert.Equal("21-23 of 23", Info(grid)));
        Assert.True(grid.Find("button[aria-label='Next page']").HasAttribute("disabled"));
        Assert.True(grid.Find("button[aria-label='Last page']").HasAttribute("disabled"));
        Assert.Equal(["21", "22", "23"], grid.FindAll("tbody td").Select(td => td.TextContent.Trim()));

        grid.Find("button[aria-label='First page']").Click();
        grid.WaitForAssertion(() => Assert.Equal("1-10 of 23", Info(grid)));
    }

    [Fact]
    public void The_page_size_is_a_named_select_of_the_offered_sizes_that_asks_the_server_again_from_the_first_page()
    {
        var grid = RenderGrid(total: 60);
        grid.WaitForAssertion(() => Assert.Equal("1-10 of 60", Info(grid)));
        grid.Find("button[aria-label='Next page']").Click();
        grid.WaitForAssertion(() => Assert.Equal("11-20 of 60", Info(grid)));

        var select = grid.Find("select");
        Assert.Equal("Rows per page:", grid.Find($"label[for='{select.Id}']").TextContent);
        Assert.Equal(GridView.Sizes.Select(n => n.ToString()), grid.FindAll("option").Select(o => o.GetAttribute("value")));
        select.Change("25");
        grid.WaitForAssertion(() => Assert.Equal("1-25 of 60", Info(grid)));
        Assert.Equal((25, 0), (_asked[^1].PageSize, _asked[^1].Page));
        Assert.Equal(25, _size);

        var asked = _asked.Count;
        grid.Find("select").Change("7"); // not offered: ignored
        grid.Find("select").Change("<x>");
        Assert.Equal(25, _size);
        Assert.Equal(asked, _asked.Count);
    }

    [Fact]
    public void An_estimated_total_says_about_and_an_empty_grid_shows_nothing_to_page()
    {
        var estimated = RenderGrid(total: 34701, estimated: true);
        estimated.WaitForAssertion(() => Assert.Equal("1-10 of about 34701", Info(estimated)));

        var empty = RenderGrid(total: 0);
        empty.WaitForAssertion(() => Assert.Equal("0-0 of 0", Info(empty)));
        Assert.All(empty.FindAll(".mud-table-pagination-actions button"), b => Assert.True(b.HasAttribute("disabled")));
    }
}
