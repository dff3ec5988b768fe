using System.Text;
using InfraAdmin.Infrastructure;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// A server-paged grid's sort, page and page size in the URL beside the page's filters, so a sorted, paged view is a link:
/// <c>sort=last_check</c> or <c>sort=-last_check</c> (descending; the column's property in snake case), <c>page=3</c>
/// (from 1) and <c>size=50</c> (one of the pager's sizes). A bad value is ignored and named in <see cref="Message"/>,
/// never coerced.
/// <para>
/// The page reads the URL (<see cref="Read"/>) before the grid's first render and for each new filter (the grid is
/// keyed by its filter, so a new filter starts a new grid on its first page); the grid (<see cref="LeanGrid{T}"/>, given
/// the view) starts on its sort, page and size, so its first load is the URL's view and no extra query runs. Its loader loads through <see cref="LoadAsync{T}"/>, which writes what the
/// grid shows back into the URL, replacing the history entry: Back leaves the list rather than stepping through its pages.
/// </para>
/// </summary>
public sealed class GridView(params string[] sortable)
{
    public const int DefaultSize = 25;
    public static readonly IReadOnlyList<int> Sizes = [10, 25, 50, 100];
    private const int MaxPage = 1_000_000;

    /// <summary>The sorted column's property name, or null for the list's own order.</summary>
    public string? SortBy { get; private set; }
    public bool Descending { get; private set; }
    /// <summary>From 0, as the grid's loader is asked.</summary>
    public int Page { get; set; }
    public int Size { get; set; } = DefaultSize;
    /// <summary>What was wrong with the URL's sort, page or size, or null.</summary>
    public string? Message { get; private set; }

    /// <summary>Takes the view from the URL's values.</summary>
    public void Read(string? sort, string? page, string? size)
    {
        var f = new QueryFilters();
        (SortBy, Descending) = (null, false);
        if (f.Text("sort", sort) is { Length: > 0 } s)
        {
            var descending = s.StartsWith('-');
            var column = sortable.FirstOrDefault(c => SnakeCase(c) == (descending ? s[1..] : s));
            if (column is null)
                f.Reject("sort", s, sortable.Length == 0 ? "cannot be used: this list has a fixed order"
                    : $"must be one of {string.Join(", ", sortable.Select(SnakeCase))}, with “-” before it for descending");
            else (SortBy, Descending) = (column, descending);
        }
        Page = (f.Int("page", page, 1, MaxPage) ?? 1) - 1;
        Size = f.OneOf("size", size, Sizes.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()) is { } n
            ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : DefaultSize;
        Message = f.Message;
    }

    /// <summary>
    /// Loads the grid's page with <paramref name="load"/> (given the page, from 0) and shows the view in the URL,
    /// replacing the entry, when that differs. A page past the end (a stale link) loads the first page, which the grid
    /// then shows.
    /// </summary>
    public async Task<GridData<T>> LoadAsync<T>(GridState<T> state, NavigationManager navigation, Func<int, Task<GridData<T>>> load)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        (SortBy, Descending, Page, Size) = (sort?.SortBy, sort?.Descending ?? false, state.Page, state.PageSize);
        var data = await load(Page);
        if (Page > 0 && Page * Size >= data.TotalItems)
        {
            Page = 0;
            if (data.TotalItems > 0) data = await load(0);
        }
        var uri = navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["sort"] = SortBy is null ? null : (Descending ? "-" : "") + SnakeCase(SortBy),
            ["page"] = Page == 0 ? null : Page + 1,
            ["size"] = Size == DefaultSize ? null : Size,
        });
        if (uri != navigation.Uri) navigation.NavigateTo(uri, replace: true);
        return data;
    }

    /// <summary><c>LastCheck</c> → <c>last_check</c>.</summary>
    public static string SnakeCase(string name)
    {
        var s = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) s.Append('_');
            s.Append(char.ToLowerInvariant(name[i]));
        }
        return s.ToString();
    }
}
