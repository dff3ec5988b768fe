using System.Linq.Expressions;
using Bunit;
using InfraAdmin.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace InfraAdmin.Tests.Components;

/// <summary>
/// While a grid's ServerData is pending, every loading bar a user's assistive technology can reach has a name
/// (axe: aria-progressbar-name): GridLoadingBar shows a named bar and app.css hides MudDataGrid's unnamed one.
/// </summary>
public sealed class GridLoadingBarTests : BunitTest
{
    /// <summary>A grid page in miniature: the bar directly before a grid whose loader waits on <see cref="Pending"/>.</summary>
    private sealed class Host : ComponentBase
    {
        public TaskCompletionSource<GridData<string>> Pending { get; } = new();
        private GridLoadingBar? _loading;

        private Task<GridData<string>> LoadAsync(GridState<string> state, CancellationToken ct) =>
            GridLoadingBar.Track(_loading, () => Pending.Task);

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenComponent<GridLoadingBar>(0);
            builder.AddComponentParameter(1, nameof(GridLoadingBar.Label), "Loading things");
            builder.AddComponentReferenceCapture(2, c => _loading = (GridLoadingBar)c);
            builder.CloseComponent();
            builder.OpenComponent<MudDataGrid<string>>(3);
            builder.AddComponentParameter(4, nameof(MudDataGrid<string>.ServerData),
                (Func<GridState<string>, CancellationToken, Task<GridData<string>>>)LoadAsync);
            builder.AddComponentParameter(5, nameof(MudDataGrid<string>.Columns), (RenderFragment)(columns =>
            {
                columns.OpenComponent<PropertyColumn<string, int>>(0);
                columns.AddComponentParameter(1, nameof(PropertyColumn<string, int>.Property), (Expression<Func<string, int>>)(s => s.Length));
                columns.CloseComponent();
            }));
            builder.CloseComponent();
        }
    }

    /// <summary>The app.css rule that takes MudDataGrid's unnamed bar out of the page (and the accessibility tree).</summary>
    private const string HiddenBuiltInBar = ".grid-loading-bar + .mud-data-grid .mud-table-loading";

    [Fact]
    public void While_the_grid_loads_every_reachable_progress_bar_has_a_name_and_none_is_left_after()
    {
        var cut = Render<Host>();

        cut.WaitForAssertion(() =>
        {
            var bars = cut.FindAll("[role=progressbar]");
            Assert.Contains(bars, b => b.GetAttribute("aria-label") == "Loading things");
            Assert.NotEmpty(cut.FindAll($"{HiddenBuiltInBar} [role=progressbar]")); // MudBlazor's own bar is there, hidden
            var hidden = cut.FindAll($"{HiddenBuiltInBar} [role=progressbar]").ToHashSet();
            Assert.All(bars.Where(b => !hidden.Contains(b)), b => Assert.False(string.IsNullOrWhiteSpace(b.GetAttribute("aria-label")), b.OuterHtml));
        });

        cut.Instance.Pending.SetResult(new GridData<string> { Items = ["a"], TotalItems = 1 });
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[role=progressbar]")));
    }

    [Fact]
    public void App_css_hides_the_grids_unnamed_bar_next_to_a_grid_loading_bar()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfraAdmin.sln"))) root = Path.GetDirectoryName(root)!;
        var css = File.ReadAllText(Path.Combine(root, "InfraAdmin", "wwwroot", "assets", "app.css"));
        Assert.Contains(HiddenBuiltInBar + " { display: none; }", css);
    }
}
