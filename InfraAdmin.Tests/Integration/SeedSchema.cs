using System.Text.RegularExpressions;

namespace InfraAdmin.Tests.Integration;

/// <summary>The seed's schema (docs/schema/seed.md, a copy of the contract), parsed into what the catalog must show.</summary>
public static partial class SeedSchema
{
    public sealed record Column(
        string Table, string Name, string Type, int? Length, int? Precision, int? Scale, string? Default,
        bool NotNull, bool PrimaryKey, bool Unique, string[]? CheckValues, string? RefTable, string? OnDelete);

    public sealed record Index(string Name, string Table, string[] Columns);

    public static string Text { get; } = File.ReadAllText(Locate());

    public static IReadOnlyList<Column> Columns { get; } = ParseColumns();
    public static IReadOnlyList<(string Table, string[] Columns)> CompositeKeys { get; } = ParseCompositeKeys();
    public static IReadOnlyList<Index> Indexes { get; } =
        IndexRegex().Matches(Text).Select(m => new Index(m.Groups[1].Value, m.Groups[2].Value,
            m.Groups[3].Value.Split(',', StringSplitOptions.TrimEntries))).ToList();

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "schema", "seed.md");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("docs/schema/seed.md not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<(string Table, string Body)> Tables() =>
        TableRegex().Matches(Text).Select(m => (m.Groups[1].Value, m.Groups[2].Value));

    private static List<Column> ParseColumns()
    {
        var list = new List<Column>();
        foreach (var (table, body) in Tables())
        {
            foreach (var raw in body.Split('\n'))
            {
                var line = raw.Split("--")[0].Trim().TrimEnd(',');
                if (line.Length == 0 || line.StartsWith("PRIMARY KEY", StringComparison.Ordinal)) continue;
                var name = line.Split(' ')[0];
                var rest = line[name.Length..].Trim();
                var type = TypeRegex().Match(rest);
                var check = CheckRegex().Match(rest);
                var reference = RefRegex().Match(rest);
                var def = DefaultRegex().Match(rest);
                list.Add(new Column(
                    table, name, type.Groups[1].Value.ToUpperInvariant(),
                    type.Groups[2].Success && !type.Groups[3].Success ? int.Parse(type.Groups[2].Value) : null,
                    type.Groups[3].Success ? int.Parse(type.Groups[2].Value) : null,
                    type.Groups[3].Success ? int.Parse(type.Groups[3].Value) : null,
                    def.Success ? def.Groups[1].Value : null,
                    rest.Contains("NOT NULL"), rest.Contains("PRIMARY KEY"), rest.Contains("UNIQUE"),
                    check.Success ? check.Groups[1].Value.Split(',').Select(v => v.Trim().Trim('\'')).ToArray() : null,
                    reference.Success ? reference.Groups[1].Value : null,
                    reference.Success ? (reference.Groups[2].Success ? reference.Groups[2].Value : "NO ACTION") : null));
            }
        }
        return list;
    }

    private static List<(string, string[])> ParseCompositeKeys() =>
        Tables().SelectMany(t => CompositeRegex().Matches(t.Body)
            .Select(m => (t.Table, m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries)))).ToList();

    [GeneratedRegex(@"CREATE TABLE (\w+) \((.*?)\n\);", RegexOptions.Singleline)]
    private static partial Regex TableRegex();
    [GeneratedRegex(@"^(UUID|VARCHAR|DECIMAL|INTEGER|JSONB|BOOLEAN|TEXT|TIMESTAMP WITH TIME ZONE)(?:\((\d+)(?:,(\d+))?\))?")]
    private static partial Regex TypeRegex();
    [GeneratedRegex(@"CHECK \(\w+ IN \(([^)]*)\)\)")]
    private static partial Regex CheckRegex();
    [GeneratedRegex(@"REFERENCES (\w+)\(\w+\)(?: ON DELETE (CASCADE|SET NULL|RESTRICT))?")]
    private static partial Regex RefRegex();
    [GeneratedRegex(@"DEFAULT ((?:'[^']*')|(?:[\w.]+(?:\(\))?))")]
    private static partial Regex DefaultRegex();
    [GeneratedRegex(@"^\s*PRIMARY KEY \(([^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex CompositeRegex();
    [GeneratedRegex(@"CREATE INDEX (\w+) ON (\w+)\(([^)]*)\);")]
    private static partial Regex IndexRegex();
}
