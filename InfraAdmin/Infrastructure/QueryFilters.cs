using System.Globalization;

namespace InfraAdmin.Infrastructure;

/// <summary>
/// Parses a page's query-string filters. A value that does not parse (or is out of range, too long or holds a NUL
/// character) is ignored, never coerced, and recorded as a problem the page shows; the page never fails with a 500.
/// </summary>
public sealed class QueryFilters
{
    public const int MaxTextLength = 200;
    // What is wrong with each bad filter, e.g. "The filter “q” contains a NUL character".
    private readonly List<string> _faults = [];

    public IReadOnlyList<string> Problems => _faults.Select(f => f + " and was ignored.").ToList();

    /// <summary>One sentence per ignored filter, or null when every filter was fine.</summary>
    public string? Message => _faults.Count == 0 ? null : string.Join(" ", Problems);

    /// <summary>For an endpoint (a CSV export): a 400 ProblemDetails saying what is wrong, or null when every parameter was fine.</summary>
    public IResult? BadRequest() => _faults.Count == 0 ? null
        : Results.Problem(string.Join(" ", _faults.Select(f => f + ".")), statusCode: StatusCodes.Status400BadRequest, title: "Invalid query parameter");

    public string? Text(string name, string? value, int maxLength = MaxTextLength)
    {
        if (value is null) return null;
        if (value.Contains('\0')) return Ignore(name, "contains a NUL character");
        if (value.Length > maxLength) return Ignore(name, $"is longer than {maxLength} characters");
        return value;
    }

    /// <summary>One of the <paramref name="allowed"/> values (compared exactly), else ignored.</summary>
    public string? OneOf(string name, string? value, IReadOnlyCollection<string> allowed) =>
        string.IsNullOrEmpty(value) || allowed.Contains(value) ? NullIfEmpty(value)
        : Ignore(name, value, $"must be one of {string.Join(", ", allowed)}");

    public Guid? Guid(string name, string? value) =>
        string.IsNullOrEmpty(value) ? null : Plain(value) && System.Guid.TryParse(value, out var id) ? id : IgnoreStruct<Guid>(name, value, "is not a valid id");

    public bool? Bool(string name, string? value) =>
        string.IsNullOrEmpty(value) ? null : Plain(value) && bool.TryParse(value, out var b) ? b : IgnoreStruct<bool>(name, value, "must be true or false");

    public int? Int(string name, string? value, int min, int max) =>
        string.IsNullOrEmpty(value) ? null
        : Plain(value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : IgnoreStruct<int>(name, value, $"must be a whole number from {min} to {max}");

    /// <summary>A date or date and time (ISO 8601) taken as UTC.</summary>
    public DateTime? Date(string name, string? value) =>
        string.IsNullOrEmpty(value) ? null
        : Plain(value) && DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
            ? DateTime.SpecifyKind(d, DateTimeKind.Utc)
            : IgnoreStruct<DateTime>(name, value, "is not a date (use yyyy-mm-dd)");

    /// <summary>Records <paramref name="value"/> of <paramref name="name"/> as ignored for the reason given; null.</summary>
    public string? Reject(string name, string value, string why) => Ignore(name, value, why);

    /// <summary>
    /// No NUL character: .NET's parsers skip trailing NULs ("1\0" reads as 1, "true\0" as true), which would take a
    /// malformed value silently.
    /// </summary>
    private static bool Plain(string value) => !value.Contains('\0');

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private string? Ignore(string name, string why)
    {
        _faults.Add($"The filter “{name}” {why}");
        return null;
    }

    private string? Ignore(string name, string value, string why)
    {
        var shown = value.Length > 40 ? value[..40] + "…" : value;
        _faults.Add($"The filter {name}=“{shown.Replace('\0', '␀')}” {why}");
        return null;
    }

    private T? IgnoreStruct<T>(string name, string value, string why) where T : struct
    {
        Ignore(name, value, why);
        return null;
    }
}
