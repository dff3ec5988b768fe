using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// A server-paged, server-sorted grid: it asks <see cref="ServerData"/> for one page at a time (MudBlazor's
/// <see cref="GridState{T}"/> in, <see cref="GridData{T}"/> out, as a MudDataGrid's loader) and shows it with a pager.
/// <list type="bullet">
/// <item>With a <see cref="View"/>, it opens on the URL's sort, page and size, and the loader (<see cref="GridView.LoadAsync{T}"/>)
/// writes what it shows back into the URL.</item>
/// <item>A click on a sortable header sorts ascending, then descending, then in the list's own order, from the first page.</item>
/// <item>It loads after its first interactive render (never while prerendering), again on <see cref="ReloadServerData"/>,
/// and shows a named progress bar meanwhile; a newer load cancels an older one.</item>
/// <item>With <see cref="MultiSelection"/>, each row has a checkbox and the header one for the page's rows.</item>
/// </list>
/// </summary>
public sealed partial class LeanGrid<T> : ComponentBase, IDisposable
{
    private enum Pager { First, Previous, Next, Last }

    private readonly List<LeanColumn<T>> _columns = [];
    private readonly string _sizeId = "pager-size-" + Guid.NewGuid().ToString("N")[..8];
    private IReadOnlyList<T> _items = [];
    private int _total, _page, _size = GridView.DefaultSize, _loading;
    private bool _loaded, _estimated;
    private string? _sortBy;
    private bool _descending;
    private CancellationTokenSource? _load;
    private EventCallback<ChangeEventArgs> _selectAll;

    /// <summary>Loads a page: the page (from 0), its size and the sort (the column's <see cref="LeanColumn{T}.SortBy"/>).</summary>
    [Parameter, EditorRequired] public Func<GridState<T>, CancellationToken, Task<GridData<T>>> ServerData { get; set; } = default!;

    /// <summary>The progress bar's accessible name while a page loads, e.g. "Loading IP addresses".</summary>
    [Parameter, EditorRequired] public string LoadingLabel { get; set; } = "";

    [Parameter] public RenderFragment? Columns { get; set; }

    /// <summary>Shown instead of rows when a load finds none: what to do next.</summary>
    [Parameter] public RenderFragment? NoRecordsContent { get; set; }

    /// <summary>The sort, page and size in the URL; without one the grid starts unsorted on its first page of <see cref="RowsPerPage"/>.</summary>
    [Parameter] public GridView? View { get; set; }

    [Parameter] public int RowsPerPage { get; set; } = GridView.DefaultSize;

    /// <summary>The page sizes offered.</summary>
    [Parameter] public IReadOnlyList<int> PageSizeOptions { get; set; } = GridView.Sizes;

    [Parameter] public bool MultiSelection { get; set; }
    [Parameter] public HashSet<T> SelectedItems { get; set; } = [];
    [Parameter] public EventCallback<HashSet<T>> SelectedItemsChanged { get; set; }
    /// <summary>A row checkbox's accessible name, e.g. <c>r =&gt; $"Select {r.IpAddress}"</c>.</summary>
    [Parameter] public Func<T, string> SelectionLabel { get; set; } = _ => "Select row";

    /// <summary>Every other row shaded (grids whose rows hold no secondary text: its contrast fails on the shade).</summary>
    [Parameter] public bool Striped { get; set; }

    [Parameter] public string? Class { get; set; }

    [Parameter(CaptureUnmatchedValues = true)] public IReadOnlyDictionary<string, object>? AdditionalAttributes { get; set; }

    /// <summary>The rows shown (after the first load).</summary>
    public IReadOnlyList<T> Items => _items;

    private string GridClass => (Striped ? StripedGrid : Grid) + (Class is null ? "" : " " + Class);
    private const string Grid = "mud-table mud-data-grid mud-xs-table mud-table-dense mud-table-hover mud-table-outlined lean-grid";
    private const string StripedGrid = Grid + " mud-table-striped";

    internal void Add(LeanColumn<T> column)
    {
        _columns.Add(column);
        StateHasChanged(); // the header and cells follow the columns once they exist
    }

    internal void Remove(LeanColumn<T> column)
    {
        if (_columns.Remove(column)) StateHasChanged();
    }

    protected override void OnInitialized()
    {
        if (View is { } view) (_sortBy, _descending, _page, _size) = (view.SortBy, view.Descending, view.Page, view.Size);
        else _size = RowsPerPage;
        _selectAll = EventCallback.Factory.Create<ChangeEventArgs>(this, e => SelectAllAsync(e.Value is true));
    }

    protected override Task OnAfterRenderAsync(bool firstRender) => firstRender ? LoadAsync() : Task.CompletedTask;

    /// <summary>Loads the page shown again (after a change), keeping the sort, page and selection.</summary>
    public Task ReloadServerData() => LoadAsync();

    private async Task LoadAsync()
    {
        if (_load is { } previous) await previous.CancelAsync();
        using var load = _load = new CancellationTokenSource();
        _loading++;
        StateHasChanged();
        try
        {
            var state = new GridState<T>
            {
                Page = _page,
                PageSize = _size,
                SortDefinitions = _sortBy is null ? [] : [new SortDefinition<T>(_sortBy, _descending, 0, _ => null!)],
            };
            var data = await ServerData(state, load.Token);
            if (load.IsCancellationRequested) return;
            _items = data.Items as IReadOnlyList<T> ?? data.Items.ToList();
            _total = data.TotalItems;
            _estimated = data is EstimatedGridData<T> { TotalEstimated: true };
            // The loader may have gone back to the first page (a stale link past the end).
            if (View is { } view) _page = view.Page;
            else if (_page > 0 && _page * _size >= _total) _page = 0;
            _loaded = true;
        }
        catch (OperationCanceledException) when (load.IsCancellationRequested)
        {
            // A newer load took over, or the page closed.
        }
        finally
        {
            if (ReferenceEquals(_load, load)) _load = null;
            _loading--;
            StateHasChanged();
        }
    }

    private Task SortAsync(LeanColumn<T> column)
    {
        (_sortBy, _descending) = _sortBy != column.SortBy ? (column.SortBy, false)
            : !_descending ? (column.SortBy, true)
            : (null, false);
        _page = 0;
        return LoadAsync();
    }

    private string? AriaSort(LeanColumn<T> column) =>
        column.SortBy is null || column.SortBy != _sortBy ? null : _descending ? "descending" : "ascending";

    private const string SortButton = "mud-button-root mud-icon-button mud-ripple mud-ripple-icon mud-icon-button-size-small sort-direction-icon";
    private string SortButtonClass(LeanColumn<T> column) =>
        column.SortBy != _sortBy ? SortButton : _descending ? SortButton + " mud-direction-desc" : SortButton + " mud-direction-asc";

    // MudIcon's markup for the sort and pager icons, built once.
    private static readonly string SortIcon = LeanMarkup.Svg("mud-icon-root mud-svg-icon mud-icon-size-small", Icons.Material.Filled.ArrowUpward);
    private const string PagerIconClasses = "mud-icon-root mud-svg-icon mud-icon-size-medium";
    private static readonly string FirstPageIcon = LeanMarkup.Svg(PagerIconClasses, Icons.Material.Filled.FirstPage);
    private static readonly string PreviousPageIcon = LeanMarkup.Svg(PagerIconClasses, Icons.Material.Filled.NavigateBefore);
    private static readonly string NextPageIcon = LeanMarkup.Svg(PagerIconClasses, Icons.Material.Filled.NavigateNext);
    private static readonly string LastPageIcon = LeanMarkup.Svg(PagerIconClasses, Icons.Material.Filled.LastPage);

    private int LastPage => _total == 0 ? 0 : (_total - 1) / _size;
    private bool BackDisabled => _loading > 0 || _page == 0;
    private bool ForwardDisabled => _loading > 0 || _page >= LastPage;

    private string PagerInfo
    {
        get
        {
            var first = _total == 0 ? 0 : _page * _size + 1;
            var last = Math.Min((_page + 1) * _size, _total);
            return _estimated ? string.Create(CultureInfo.InvariantCulture, $"{first}-{last} of about {_total}")
                : string.Create(CultureInfo.InvariantCulture, $"{first}-{last} of {_total}");
        }
    }

    private Task GoToAsync(Pager to)
    {
        _page = to switch
        {
            Pager.First => 0,
            Pager.Previous => Math.Max(0, _page - 1),
            Pager.Next => Math.Min(LastPage, _page + 1),
            _ => LastPage,
        };
        return LoadAsync();
    }

    private Task SizeChangedAsync(ChangeEventArgs e)
    {
        // Only the offered sizes: a tampered value is ignored, as the address ignores an unknown size.
        if (!int.TryParse(e.Value as string, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || !PageSizeOptions.Contains(size))
            return Task.CompletedTask;
        (_size, _page) = (size, 0);
        return LoadAsync();
    }

    private bool IsSelected(T item) => SelectedItems.Contains(item);

    private bool AllSelected => _items.Count > 0 && _items.All(SelectedItems.Contains);

    private EventCallback<ChangeEventArgs> SelectRow(T item) =>
        EventCallback.Factory.Create<ChangeEventArgs>(this, e => SetSelectedAsync(item, e.Value is true));

    private Task SetSelectedAsync(T item, bool selected)
    {
        var next = new HashSet<T>(SelectedItems, SelectedItems.Comparer);
        if (selected) next.Add(item); else next.Remove(item);
        return SelectionChangedAsync(next);
    }

    private Task SelectAllAsync(bool selected)
    {
        var next = new HashSet<T>(SelectedItems, SelectedItems.Comparer);
        foreach (var item in _items)
            if (selected) next.Add(item); else next.Remove(item);
        return SelectionChangedAsync(next);
    }

    private async Task SelectionChangedAsync(HashSet<T> next)
    {
        SelectedItems = next;
        await SelectedItemsChanged.InvokeAsync(next);
    }

    public void Dispose()
    {
        _load?.Cancel();
        _load = null;
    }
}

/// <summary>
/// A page of rows whose total may be the database's estimate rather than a count (a broad filter over millions of rows):
/// when <see cref="TotalEstimated"/>, the pager says "1-25 of about 34701". The estimate comes with the rows it counts.
/// </summary>
public sealed class EstimatedGridData<T> : GridData<T>
{
    public bool TotalEstimated { get; init; }
}
