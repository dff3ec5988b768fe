namespace InfraAdmin.Components.Shared;

/// <summary>The IANA time zones the machine knows: the tenant's and the user's time-zone pick lists and checks.</summary>
public static class TimeZones
{
    /// <summary>tenant_config.ui_timezone and user_preferences.timezone hold at most 50 characters.</summary>
    public const int MaxLength = 50;

    /// <summary>The zones for pick lists: IANA names (with a '/') and UTC, in order.</summary>
    public static IReadOnlyList<string> All { get; } = TimeZoneInfo.GetSystemTimeZones()
        .Select(z => z.Id).Where(id => id.Contains('/') || id == "UTC").Order(StringComparer.Ordinal).ToList();

    public static TimeZoneInfo? Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
    }

    public static bool IsKnown(string? value) => Find(value) is not null && value!.Length <= MaxLength;

    /// <summary>The first 50 zones containing the text (all zones when it is empty), for an autocomplete.</summary>
    public static Task<IEnumerable<string>> SearchAsync(string? text, CancellationToken ct = default) => Task.FromResult(
        string.IsNullOrWhiteSpace(text) ? All.Take(50)
        : All.Where(z => z.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)).Take(50));
}
