using System.Text.RegularExpressions;

namespace InfraAdmin.Tests.Unit;

/// <summary>docs/decisions holds NNNN-name.md records numbered 1, 2, 3… without gaps, each titled with its number; docs/DESIGN.md, which the code cites, is there.</summary>
public sealed partial class DecisionRecordsTests
{
    private static string Root()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfraAdmin.sln"))) root = Path.GetDirectoryName(root)!;
        return root;
    }

    [Fact]
    public void Decision_records_are_numbered_without_gaps_and_titled_with_their_number()
    {
        var files = Directory.GetFiles(Path.Combine(Root(), "docs", "decisions"), "*.md").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Matches(RecordName(), f!));
        for (var i = 0; i < files.Count; i++)
        {
            var number = $"{i + 1:D4}";
            Assert.StartsWith(number + "-", files[i]);
            var title = File.ReadLines(Path.Combine(Root(), "docs", "decisions", files[i]!)).First();
            Assert.StartsWith($"# {number} ", title);
        }
    }

    [Fact]
    public void The_design_document_the_code_cites_is_in_the_repository()
    {
        var design = Path.Combine(Root(), "docs", "DESIGN.md");
        Assert.True(File.Exists(design), "docs/DESIGN.md is missing");
        var text = File.ReadAllText(design);
        // The sections the code and tests cite by name.
        Assert.Contains("IP status transitions", text);
        Assert.Contains("Cost per tenant", text);
        Assert.Contains("## Routes", text);
    }

    [GeneratedRegex("^[0-9]{4}-[a-z0-9]+(-[a-z0-9]+)*\\.md$")]
    private static partial Regex RecordName();
}
