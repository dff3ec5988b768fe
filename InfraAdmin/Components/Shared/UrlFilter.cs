namespace InfraAdmin.Components.Shared;

/// <summary>
/// A list page's filter from its URL, beside the form that edits it and the grid that shows it.
/// A page's parameters are set again for other reasons too (a cascading value, the grid writing its page into the URL),
/// and its first OnParametersSet runs only once OnInitializedAsync has finished, when the grid may have loaded and the
/// user typed. So a page sets its form (and reads its <see cref="GridView"/>) from the URL before its first await and
/// again only for a new filter (<see cref="IsNewForForm"/>): what is being typed and a selection stay. Its grid is keyed
/// by the filter, so a new filter is a new grid that loads itself, on its first page, after its first render (never in
/// the prerendered HTML), and the same filter keeps the grid as it is.
/// </summary>
public sealed class UrlFilter<T>
{
    private static readonly EqualityComparer<T> Same = EqualityComparer<T>.Default;
    private (bool Set, T Value) _inForm;

    /// <summary>True, and remembered, when the form was not yet set from <paramref name="current"/>.</summary>
    public bool IsNewForForm(T current)
    {
        if (_inForm.Set && Same.Equals(_inForm.Value, current)) return false;
        _inForm = (true, current);
        return true;
    }
}
