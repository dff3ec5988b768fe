namespace InfraAdmin.Infrastructure;

/// <summary>Search text as an ILIKE pattern, with the user's own %, _ and \ matched literally.</summary>
public static class SqlLike
{
    /// <summary>Matches any value containing <paramref name="text"/> (trimmed).</summary>
    public static string Containing(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
