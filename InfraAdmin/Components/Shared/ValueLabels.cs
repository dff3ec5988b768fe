namespace InfraAdmin.Components.Shared;

/// <summary>
/// Stored codes shown to people: "scheduled_decommission" reads "Scheduled decommission". Links, filters and CSV keep
/// the stored value; only the text a person reads changes.
/// </summary>
public static class ValueLabels
{
    public static string Of(string? value) => value switch
    {
        null or "" => "—",
        _ => char.ToUpperInvariant(value[0]) + value[1..].Replace('_', ' '),
    };
}
