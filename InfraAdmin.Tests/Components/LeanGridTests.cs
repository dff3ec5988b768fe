using Bunit;
using InfraAdmin.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Tests.Components;

/// <summary>
/// LeanGrid: asks its loader for one page at a time (page, size, sort) and shows it in MudDataGrid's look; sorts on a
/// header click (ascending, descending, the list's own order), pages and resizes from its pager, selects rows, names its
/// loading bar, says when there is nothing to show, and shows only the newest of overlapping loads.
/// </summary>
public sealed class LeanGridTests : BunitTest
{
    public sealed record Row(int Id, string Name, int Count);

    private static readonly IEqualityComparer<Row> ById = EqualityComparer<Row>.Create((a, b) => a?.Id == b?.Id, r => r.Id.GetHashCode());

    /// <summary>60 rows, named and counted by their number; sorted and paged as the loader is asked.</summary>
    private readonly Row[] _rows = Enumerable.Range(1, 60).Select(i => new Row(i, $"row {i:00}", i % 7)).ToArray();
    private readonly List<GridState<Row>> _asked = [];

    private Task<GridData<Row>> Load(GridState<Row> state, CancellationToken _)
    {
        _asked.Add(state);
        var sort = state.SortDefinitions.FirstOrDefault();
        IEnumerable<Row> rows = sort?.SortBy switch
        {
            nameof(Row.Count) => sort.Descending ? _rows.OrderByDescending(r => r.Count).ThenBy(r => r.Id) : _rows.OrderBy(r => r.Count).ThenBy(r => r.Id),
            nameof(Row.Name) => sort.Descending ? _rows.OrderByDescending(r => r.Name) : _rows.OrderBy(r => r.Name),
            _ => _rows,
        };
        return Task.FromResult(new GridData<Row> { Items = rows.Skip(state.Page * state.PageSize).Take(state.PageSize).ToList(), TotalItems = _rows.Length });
    }

    private static RenderFragment Columns => b =>
    {
        b.AddContent(0, Column("Name", nameof(Row.Name), r => c => c.AddContent(0, r.Name)));
        b.AddContent(1, Column("Count", nameof(Row.Count), r => c => c.AddContent(0, r.Count)));
        b.AddContent(2, Column("Note", null, r => c => c.AddContent(0, $"<b>{r.Id}</b>")));
    };

    private static RenderFragment Column(string title, string? sortBy, RenderFragment<Row> cell) => b =>
    {
        b.OpenComponent<LeanColumn<Row>>(0);
        b.AddComponentParameter(1, nameof(LeanColumn<Row>.Title), title);
        b.AddComponentParameter(2, nameof(LeanColumn<Row>.SortBy), sortBy);
        b.AddComponentParameter(3, nameof(LeanColumn<Row>.ChildContent), cell);
        b.CloseComponent();
    };

    private IRenderedComponent<LeanGrid<Row>> RenderGrid(Action<ComponentParameterCollectionBuilder<LeanGrid<Row>>>? more = null) =>
        Render<LeanGrid<Row>>(p =>
        {
            p.Add(g => g.ServerData, Load).Add(g => g.LoadingLabel, "Loading rows").Add(g => g.Columns, Columns)
             .Add(g => g.NoRecordsContent, b => b.AddContent(0, "Nothing here: clear a filter."));
            more?.Invoke(p);
        });

    private static List<string[]> Cells(IRenderedComponent<LeanGrid<Row>> grid) =>
        grid.FindAll("tbody tr.mud-table-row").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray()).ToList();

    private static AngleSharp.Dom.IElement HeaderOf(IRenderedComponent<LeanGrid<Row>> grid, string title) =>
        grid.FindAll("thead th").Single(h => h.TextContent.Trim() == title);

    [Fact]
    public void It_loads_the_first_page_and_shows_each_columns_cell_encoded_with_the_pagers_range()
    {
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.Equal(25, Cells(grid).Count));
        Assert.Equal(["Name", "Count", "Note"], grid.FindAll("thead th").Select(h => h.TextContent.Trim()));
        Assert.Equal(["row 01", "1", "<b>1</b>"], Cells(grid)[0]);
        Assert.Contains("&lt;b&gt;1&lt;/b&gt;", grid.Markup); // a cell's text is text, never markup
        Assert.Equal("1-25 of 60", grid.Find(".mud-table-pagination-caption:not(label)").TextContent);
        var first = Assert.Single(_asked);
        Assert.Equal((0, 25), (first.Page, first.PageSize));
        Assert.Empty(first.SortDefinitions);
        Assert.Empty(grid.FindAll("[role=progressbar]"));
    }

    [Fact]
    public void A_header_click_sorts_ascending_then_descending_then_in_the_lists_own_order()
    {
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.Equal(25, Cells(grid).Count));

        HeaderOf(grid, "Count").QuerySelector(".sortable-column-header")!.Click();
        grid.WaitForAssertion(() => Assert.Equal("0", Cells(grid)[0][1]));
        Assert.Equal((nameof(Row.Count), false), (_asked[^1].SortDefinitions.Single().SortBy, _asked[^1].SortDefinitions.Single().Descending));
        Assert.Equal("ascending", HeaderOf(grid, "Count").GetAttribute("aria-sort"));
        Assert.Contains("mud-direction-asc", HeaderOf(grid, "Count").QuerySelector("button")!.ClassName);

        HeaderOf(grid, "Count").QuerySelector("button[aria-label='Sort by Count']")!.Click(); // the keyboard's way: the sort button
        grid.WaitForAssertion(() => Assert.Equal("6", Cells(grid)[0][1]));
        Assert.True(_asked[^1].SortDefinitions.Single().Descending);
        Assert.Equal("descending", HeaderOf(grid, "Count").GetAttribute("aria-sort"));
        Assert.Contains("mud-direction-desc", HeaderOf(grid, "Count").QuerySelector("button")!.ClassName);

        HeaderOf(grid, "Count").QuerySelector(".sortable-column-header")!.Click();
        grid.WaitForAssertion(() => Assert.Equal("row 01", Cells(grid)[0][0]));
        Assert.Empty(_asked[^1].SortDefinitions);
        Assert.Null(HeaderOf(grid, "Count").GetAttribute("aria-sort"));
        Assert.Null(HeaderOf(grid, "Note").QuerySelector("button")); // a column without SortBy does not sort
    }

    [Fact]
    public void Sorting_another_column_starts_again_from_the_first_page()
    {
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.Equal(25, Cells(grid).Count));
        grid.Find("button[aria-label='Next page']").Click();
        grid.WaitForAssertion(() => Assert.Equal("row 26", Cells(grid)[0][0]));
        HeaderOf(grid, "Name").QuerySelector(".sortable-column-header")!.Click();
        grid.WaitForAssertion(() => Assert.Equal((0, nameof(Row.Name)), (_asked[^1].Page, _asked[^1].SortDefinitions.Single().SortBy)));
    }

    [Fact]
    public void The_pager_moves_between_pages_and_changes_the_page_size_to_an_offered_one_only()
    {
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.Equal(25, Cells(grid).Count));
        Assert.True(grid.Find("button[aria-label='Previous page']").HasAttribute("disabled"));
        Assert.True(grid.Find("button[aria-label='First page']").HasAttribute("disabled"));

        grid.Find("button[aria-label='Last page']").Click();
        grid.WaitForAssertion(() => Assert.Equal("51-60 of 60", grid.Find(".mud-table-pagination-caption:not(label)").TextContent));
        Assert.Equal(2, _asked[^1].Page);
        Assert.Equal(10, Cells(grid).Count);
        Assert.True(grid.Find("button[aria-label='Next page']").HasAttribute("disabled"));

        grid.Find("button[aria-label='Previous page']").Click();
        grid.WaitForAssertion(() => Assert.Equal("26-50 of 60", grid.Find(".mud-table-pagination-caption:not(label)").TextContent));

        grid.Find("select.lean-pager-size").Change("10");
        grid.WaitForAssertion(() => Assert.Equal("1-10 of 60", grid.Find(".mud-table-pagination-caption:not(label)").TextContent));
        Assert.Equal((0, 10), (_asked[^1].Page, _asked[^1].PageSize));

        var asked = _asked.Count;
        grid.Find("select.lean-pager-size").Change("7"); // not offered: a tampered value is ignored
        grid.Find("select.lean-pager-size").Change("1e3");
        Assert.Equal(asked, _asked.Count);
        Assert.Equal("1-10 of 60", grid.Find(".mud-table-pagination-caption:not(label)").TextContent);
    }

    [Fact]
    public void With_a_view_it_opens_on_the_urls_sort_page_and_size()
    {
        var view = new GridView(nameof(Row.Name), nameof(Row.Count));
        view.Read("-count", "2", "10");
        var grid = RenderGrid(p => p.Add(g => g.View, view));
        grid.WaitForAssertion(() => Assert.Equal("11-20 of 60", grid.Find(".mud-table-pagination-caption:not(label)").TextContent));
        var first = _asked[0];
        Assert.Equal((1, 10, nameof(Row.Count), true), (first.Page, first.PageSize, first.SortDefinitions.Single().SortBy, first.SortDefinitions.Single().Descending));
        Assert.Equal("descending", HeaderOf(grid, "Count").GetAttribute("aria-sort"));
        Assert.Equal("10", grid.Find("select.lean-pager-size").GetAttribute("value"));
    }

    [Fact]
    public void Rows_and_the_pages_rows_are_selected_with_their_checkboxes_by_the_grids_comparer()
    {
        HashSet<Row> selected = new(ById);
        var grid = RenderGrid(p => p.Add(g => g.MultiSelection, true).Add(g => g.SelectedItems, selected)
            .Add(g => g.SelectedItemsChanged, s => selected = s).Add(g => g.SelectionLabel, r => $"Select {r.Name}"));
        grid.WaitForAssertion(() => Assert.Equal(25, Cells(grid).Count));

        grid.Find("input[aria-label='Select row 02']").Change(true);
        Assert.Equal([2], selected.Select(r => r.Id));
        Assert.Same(ById, selected.Comparer);

        grid.Find("input[aria-label='Select all rows']").Change(true);
        Assert.Equal(25, selected.Count);
        grid.Render(p => p.Add(g => g.SelectedItems, selected));
        Assert.True(grid.Find("input[aria-label='Select all rows']").HasAttribute("checked"));
        Assert.Contains("mud-checkbox-true", grid.Find("input[aria-label='Select row 02']").ParentElement!.ClassName);

        grid.Find("input[aria-label='Select row 02']").Change(false);
        Assert.Equal(24, selected.Count);
        grid.Find("input[aria-label='Select all rows']").Change(false);
        Assert.Empty(selected);
    }

    [Fact]
    public void An_empty_result_says_what_to_do_once_loaded_not_before()
    {
        var pending = new TaskCompletionSource<GridData<Row>>();
        var grid = Render<LeanGrid<Row>>(p => p.Add(g => g.ServerData, (_, _) => pending.Task).Add(g => g.LoadingLabel, "Loading rows")
            .Add(g => g.Columns, Columns).Add(g => g.NoRecordsContent, b => b.AddContent(0, "Nothing here: clear a filter.")));

        // While it loads: a named progress bar, and no empty-state yet.
        grid.WaitForAssertion(() => Assert.Equal("Loading rows", grid.Find("[role=progressbar]").GetAttribute("aria-label")));
        Assert.DoesNotContain("Nothing here", grid.Markup);

        grid.InvokeAsync(() => pending.SetResult(new GridData<Row> { Items = [], TotalItems = 0 }));
        grid.WaitForAssertion(() => Assert.Equal("Nothing here: clear a filter.", grid.Find(".mud-table-empty-row").TextContent.Trim()));
        Assert.Empty(grid.FindAll("[role=progressbar]"));
        Assert.Equal("0-0 of 0", grid.Find(".mud-table-pagination-caption:not(label)").TextContent);
    }

    [Fact]
    public async Task A_newer_load_cancels_an_older_one_whose_rows_are_never_shown()
    {
        var loads = new List<(CancellationToken Token, TaskCompletionSource<GridData<Row>> Result)>();
        var grid = Render<LeanGrid<Row>>(p => p.Add(g => g.LoadingLabel, "Loading rows").Add(g => g.Columns, Columns)
            .Add(g => g.ServerData, (_, ct) =>
            {
                var result = new TaskCompletionSource<GridData<Row>>();
                loads.Add((ct, result));
                return result.Task;
            }));
        grid.WaitForAssertion(() => Assert.Single(loads));

        Task reload = null!;
        await grid.InvokeAsync(() => { reload = grid.Instance.ReloadServerData(); }); // started, not awaited: it waits for its loader
        grid.WaitForAssertion(() => Assert.Equal(2, loads.Count));
        Assert.True(loads[0].Token.IsCancellationRequested);

        await grid.InvokeAsync(() => loads[1].Result.SetResult(new GridData<Row> { Items = [_rows[1]], TotalItems = 1 }));
        await grid.InvokeAsync(() => loads[0].Result.SetResult(new GridData<Row> { Items = [_rows[0]], TotalItems = 1 })); // too late
        await reload;
        grid.WaitForAssertion(() => Assert.Equal(["row 02"], Cells(grid).Select(c => c[0])));
        Assert.Empty(grid.FindAll("[role=progressbar]"));
    }

    [Fact]
    public async Task An_estimated_total_says_about_for_the_page_it_came_with()
    {
        var estimated = true;
        var grid = Render<LeanGrid<Row>>(p => p.Add(g => g.LoadingLabel, "Loading rows").Add(g => g.Columns, Columns)
            .Add(g => g.ServerData, (state, _) => Task.FromResult<GridData<Row>>(new EstimatedGridData<Row>
            {
                Items = _rows.Skip(state.Page * state.PageSize).Take(state.PageSize).ToList(), TotalItems = _rows.Length, TotalEstimated = estimated,
            })));
        grid.WaitForAssertion(() => Assert.Equal("1-25 of about 60", grid.Find(".mud-table-pagination-caption:not(label)").TextContent));

        estimated = false; // a narrower filter, say: counted
        await grid.InvokeAsync(() => grid.Instance.ReloadServerData());
        grid.WaitForAssertion(() => Assert.Equal("1-25 of 60", grid.Find(".mud-table-pagination-caption:not(label)").TextContent));
    }

    [Fact]
    public void A_sticky_column_keeps_its_header_and_cells_in_view()
    {
        var grid = Render<LeanGrid<Row>>(p => p.Add(g => g.ServerData, Load).Add(g => g.LoadingLabel, "Loading rows")
            .Add(g => g.Columns, b =>
            {
                b.OpenComponent<LeanColumn<Row>>(0);
                b.AddComponentParameter(1, nameof(LeanColumn<Row>.Title), "Name");
                b.AddComponentParameter(2, nameof(LeanColumn<Row>.StickyLeft), true);
                b.AddComponentParameter(3, nameof(LeanColumn<Row>.ChildContent), (RenderFragment<Row>)(r => c => c.AddContent(0, r.Name)));
                b.CloseComponent();
            }));
        grid.WaitForAssertion(() => Assert.Equal(25, Cells(grid).Count));
        Assert.Contains("sticky-left", grid.Find("thead th").ClassName);
        Assert.All(grid.FindAll("tbody td"), td => Assert.Contains("sticky-left", td.ClassName));
    }
}
