using Microsoft.AspNetCore.Components;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// A column of a <see cref="LeanGrid{T}"/>: its title, the row property the server sorts it by (none: not sortable), and
/// its cell, written with the row as <c>context</c>:
/// <c>&lt;LeanColumn T="IpRow" Title="Cost / month" SortBy="@nameof(IpRow.Cost)"&gt;@Clock.Money(context.Cost)&lt;/LeanColumn&gt;</c>.
/// It renders nothing itself: the grid draws its header and cells, so a column costs no render tree of its own.
/// </summary>
public sealed class LeanColumn<T> : ComponentBase, IDisposable
{
    [CascadingParameter] private LeanGrid<T>? Grid { get; set; }

    [Parameter, EditorRequired] public string Title { get; set; } = "";

    /// <summary>The row property's name the server sorts by (<c>nameof(Row.Cost)</c>), or null when the column does not sort.</summary>
    [Parameter] public string? SortBy { get; set; }

    /// <summary>The cell, given the row.</summary>
    [Parameter, EditorRequired] public RenderFragment<T> ChildContent { get; set; } = default!;

    /// <summary>Stays in view while the grid scrolls sideways (the row's name, first).</summary>
    [Parameter] public bool StickyLeft { get; set; }

    /// <summary>The sort button's accessible name ("Sort by Cost / month"), made once rather than at every render.</summary>
    internal string SortLabel { get; private set; } = "";

    private LeanGrid<T> Owner => Grid ?? throw new InvalidOperationException("A LeanColumn belongs in a LeanGrid's Columns.");

    protected override void OnInitialized() => Owner.Add(this);

    protected override void OnParametersSet()
    {
        if (_labelled != Title) (SortLabel, _labelled) = ("Sort by " + Title, Title);
    }

    private string? _labelled;

    // Drawn by the grid: a new cell fragment (every render of the page makes one) needs no render here.
    protected override bool ShouldRender() => false;

    public void Dispose() => Grid?.Remove(this);
}
