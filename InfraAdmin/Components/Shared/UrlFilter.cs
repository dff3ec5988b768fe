using MudBlazor;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// A list page's filter from its URL, beside the form that edits it and the grid that shows it.
/// A page's parameters are set again for other reasons too (a cascading value), and its first OnParametersSet runs only
/// once OnInitializedAsync has finished, when the grid may have loaded and the user typed. So a page sets its form from
/// the URL before its first await and again only for a new filter (<see cref="IsNewForForm"/>: what is being typed and
/// a selection stay), and its grid, which loads itself after its first render (never in the prerendered HTML), reloads
/// only for a filter other than the one it loaded (<see cref="ReloadIfChangedAsync{TRow}"/>).
/// </summary>
public sealed class UrlFilter<T>
{
    private static readonly EqualityComparer<T> Same = EqualityComparer<T>.Default;
    private (bool Set, T Value) _inForm, _loaded;

    /// <summary>True, and remembered, when the form was not yet set from <paramref name="current"/>.</summary>
    public bool IsNewForForm(T current)
    {
        if (_inForm.Set && Same.Equals(_inForm.Value, current)) return false;
        _inForm = (true, current);
        return true;
    }

    /// <summary>The grid's loader calls this with the filter it loads.</summary>
    public void Loading(T current) => _loaded = (true, current);

    /// <summary>Reloads the grid when it has loaded, and with a filter other than <paramref name="current"/>.</summary>
    public async Task ReloadIfChangedAsync<TRow>(MudDataGrid<TRow>? grid, T current)
    {
        if (grid is not null && _loaded.Set && !Same.Equals(_loaded.Value, current)) await grid.ReloadServerData();
    }
}
