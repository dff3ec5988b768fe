using System.Text.RegularExpressions;

namespace InfraAdmin.Tests.Unit;

/// <summary>
/// Every loading indicator the app renders has an accessible name (axe: aria-progressbar-name). MudTable's built-in
/// bar takes no name, so tables show a named MudProgressLinear of their own instead of <c>Loading=</c>; MudDataGrid's
/// bar (shown while ServerData loads) takes none either, so every grid stands after a GridLoadingBar that names it.
/// </summary>
public sealed partial class LoadingIndicatorTests
{
    [GeneratedRegex(@"<MudProgress(Linear|Circular)\b[^>]*>", RegexOptions.Singleline)]
    private static partial Regex ProgressTag();

    [GeneratedRegex(@"<MudTable\b[^>]*\bLoading=", RegexOptions.Singleline)]
    private static partial Regex TableLoading();

    [GeneratedRegex(@"<MudDataGrid\b", RegexOptions.Singleline)]
    private static partial Regex DataGrid();

    [GeneratedRegex(@"<GridLoadingBar\b[^>]*/>\s*<MudDataGrid\b", RegexOptions.Singleline)]
    private static partial Regex NamedDataGrid();

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
    public void Every_data_grid_has_a_named_loading_bar_its_loader_drives()
    {
        var missing = RazorFiles()
            .Where(f => DataGrid().Matches(f.Text).Count != NamedDataGrid().Matches(f.Text).Count
                        || (DataGrid().IsMatch(f.Text) && !LoaderText(f.Path, f.Text).Contains("GridLoadingBar.Track(")))
            .Select(f => f.Path).ToList();
        Assert.True(missing.Count == 0,
            "MudDataGrid's built-in loading bar has no name; put <GridLoadingBar> directly before the grid and wrap ServerData in GridLoadingBar.Track in: "
            + string.Join(", ", missing));
    }

    /// <summary>The page's markup plus its code-behind, where the ServerData loader may live.</summary>
    private static string LoaderText(string path, string text)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfraAdmin.sln"))) root = Path.GetDirectoryName(root)!;
        var codeBehind = Path.Combine(root, path + ".cs");
        return File.Exists(codeBehind) ? text + File.ReadAllText(codeBehind) : text;
    }
}
