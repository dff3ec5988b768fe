using System.Text.RegularExpressions;

namespace InfraAdmin.Tests.Unit;

/// <summary>
/// Every loading indicator the app renders has an accessible name (axe: aria-progressbar-name). MudTable's built-in
/// bar takes no name, so tables show a named MudProgressLinear of their own instead of <c>Loading=</c>; MudDataGrid's
/// bar (shown while ServerData loads) takes none either, so grids are LeanGrids, whose bar is named by its LoadingLabel.
/// </summary>
public sealed partial class LoadingIndicatorTests
{
    [GeneratedRegex(@"<MudProgress(Linear|Circular)\b[^>]*>", RegexOptions.Singleline)]
    private static partial Regex ProgressTag();

    [GeneratedRegex(@"<MudTable\b[^>]*\bLoading=", RegexOptions.Singleline)]
    private static partial Regex TableLoading();

    [GeneratedRegex(@"<MudDataGrid\b", RegexOptions.Singleline)]
    private static partial Regex DataGrid();

    [GeneratedRegex(@"<LeanGrid\b[^>]*>", RegexOptions.Singleline)]
    private static partial Regex LeanGridTag();

    private static IEnumerable<(string Path, string Text)> RazorFiles()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfraAdmin.sln"))) root = Path.GetDirectoryName(root)!;
        return Directory.EnumerateFiles(Path.Combine(root, "InfraAdmin"), "*.razor", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(p => (Path.GetRelativePath(root, p), File.ReadAllText(p)));
    }

    [Fact]
    public void Every_progress_component_has_an_aria_label()
    {
        var unnamed = RazorFiles()
            .SelectMany(f => ProgressTag().Matches(f.Text).Where(m => !m.Value.Contains("aria-label=")).Select(m => $"{f.Path}: {m.Value}"))
            .ToList();
        Assert.True(unnamed.Count == 0, "Loading indicators without aria-label:\n" + string.Join("\n", unnamed));
    }

    [Fact]
    public void No_table_relies_on_its_unnamed_built_in_loading_bar()
    {
        var tables = RazorFiles().Where(f => TableLoading().IsMatch(f.Text)).Select(f => f.Path).ToList();
        Assert.True(tables.Count == 0, "MudTable Loading= renders an unnamed progress bar in: " + string.Join(", ", tables));
    }

    [Fact]
    public void Every_grid_names_its_loading_bar()
    {
        var files = RazorFiles().ToList();
        var mudGrids = files.Where(f => DataGrid().IsMatch(f.Text)).Select(f => f.Path).ToList();
        Assert.True(mudGrids.Count == 0, "MudDataGrid's built-in loading bar has no name; use LeanGrid in: " + string.Join(", ", mudGrids));
        var grids = files.SelectMany(f => LeanGridTag().Matches(f.Text).Select(m => (f.Path, m.Value))).ToList();
        Assert.True(grids.Count >= 9, $"Expected every grid page's LeanGrid, found {grids.Count}");
        var unnamed = grids.Where(g => !System.Text.RegularExpressions.Regex.IsMatch(g.Value, @"LoadingLabel=""Loading \w")).Select(g => g.Path).ToList();
        Assert.True(unnamed.Count == 0, "A LeanGrid without a LoadingLabel (\"Loading …\") in: " + string.Join(", ", unnamed));
    }
}
