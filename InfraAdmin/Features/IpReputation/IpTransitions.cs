using InfraAdmin.Data.Entities;

namespace InfraAdmin.Features.IpReputation;

/// <summary>The IP status transition table of docs/DESIGN.md ("IP status transitions"); anything else is refused.</summary>
public static class IpTransitions
{
    private static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        [IpStatus.Available] = [IpStatus.Warming, IpStatus.Assigned, IpStatus.Quarantined],
        [IpStatus.Warming] = [IpStatus.Warmed, IpStatus.Degraded, IpStatus.Quarantined, IpStatus.Burned],
        [IpStatus.Warmed] = [IpStatus.Assigned, IpStatus.Degraded, IpStatus.Quarantined, IpStatus.Burned],
        [IpStatus.Assigned] = [IpStatus.Available, IpStatus.Degraded, IpStatus.Quarantined, IpStatus.Burned],
        [IpStatus.Degraded] = [IpStatus.Warming, IpStatus.Quarantined, IpStatus.Burned],
        [IpStatus.Quarantined] = [IpStatus.Available, IpStatus.Burned],
        [IpStatus.Burned] = [],
    };

    /// <summary>Statuses that may take a domain assignment.</summary>
    public static readonly IReadOnlySet<string> MayTakeAssignments =
        new HashSet<string> { IpStatus.Available, IpStatus.Warming, IpStatus.Warmed, IpStatus.Assigned };

    /// <summary>Moving to these ends the IP's active assignments: its domains stop sending through it.</summary>
    public static readonly IReadOnlySet<string> EndsAssignments =
        new HashSet<string> { IpStatus.Available, IpStatus.Quarantined, IpStatus.Burned };

    public static IReadOnlyList<string> From(string? status) =>
        status is not null && Allowed.TryGetValue(status, out var to) ? to : [];

    public static bool IsAllowed(string? from, string to) => From(from).Contains(to);

    /// <summary>
    /// What staff may pick by hand: every status but <c>assigned</c>, which means "has at least one active assignment"
    /// and is reached only by assigning a domain (the first active assignment moves the IP there).
    /// </summary>
    public static readonly IReadOnlyList<string> ManualStatuses = IpStatus.All.Where(s => s != IpStatus.Assigned).ToList();

    /// <summary>The moves staff may make by hand from this status (the table's, without <c>assigned</c>).</summary>
    public static IReadOnlyList<string> ManualFrom(string? status) => From(status).Where(s => s != IpStatus.Assigned).ToList();

    public const string AssignedByHandRefusal =
        "An IP is assigned only while it has an active assignment: assign a domain to it instead (the first assignment moves it to assigned).";

    /// <summary>Null when staff may make this move by hand, else the reason it is refused.</summary>
    public static string? ManualRefusal(string? from, string to) =>
        Refusal(from, to) ?? (to == IpStatus.Assigned ? AssignedByHandRefusal : null);

    /// <summary>Null when allowed, else the reason it is refused.</summary>
    public static string? Refusal(string? from, string to)
    {
        if (!IpStatus.All.Contains(to)) return $"'{to}' is not an IP status.";
        if (from == to) return $"The IP is already {to}.";
        if (IsAllowed(from, to)) return null;
        if (from == IpStatus.Burned) return "A burned IP is retired for good: no status change is allowed.";
        var allowed = From(from);
        return $"An IP cannot go from {from ?? "no status"} to {to}; from {from ?? "no status"} it may go to "
            + (allowed.Count == 0 ? "nothing" : string.Join(", ", allowed)) + ".";
    }
}
