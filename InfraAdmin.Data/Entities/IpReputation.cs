using System.Text.Json;

namespace InfraAdmin.Data.Entities;

// The IP reputation area: sending IPs, their domain assignments, history and blacklist listings.

/// <summary>A sending IP (seed table <c>smtp_ip_addresses</c>).</summary>
public class SmtpIpAddress
{
    public Guid Id { get; set; }
    public Guid? VpsInstanceId { get; set; }
    public string IpAddress { get; set; } = "";
    public string? Status { get; set; }
    public string? ReputationState { get; set; }
    public decimal? ApproximateCost { get; set; }
    public DateTime? LastReputationCheck { get; set; }
    public int? AssignedCount { get; set; }
    /// <summary><c>{"provider": {"listed": bool, "checked_at": timestamptz, "detail": string?}}</c></summary>
    public JsonDocument? ProviderBlacklistStatus { get; set; }
    public DateTime? Created { get; set; }
    public DateTime? Updated { get; set; }
    public uint Version { get; set; }

    public VpsInstance? VpsInstance { get; set; }
    public List<DomainIpAssignment> Assignments { get; set; } = [];
}

public static class IpStatus
{
    public const string Available = "available";
    public const string Assigned = "assigned";
    public const string Warming = "warming";
    public const string Warmed = "warmed";
    public const string Degraded = "degraded";
    public const string Burned = "burned";
    public const string Quarantined = "quarantined";
    public static readonly string[] All = [Available, Assigned, Warming, Warmed, Degraded, Burned, Quarantined];
}

public static class ReputationState
{
    public const string Good = "good";
    public const string Fair = "fair";
    public const string Poor = "poor";
    public const string Critical = "critical";
    public static readonly string[] All = [Good, Fair, Poor, Critical];
}

/// <summary>A domain sending through an IP (seed table <c>domain_ip_assignments</c>).</summary>
public class DomainIpAssignment
{
    public Guid Id { get; set; }
    public Guid? DomainId { get; set; }
    public Guid? SmtpIpAddressId { get; set; }
    public string? Status { get; set; }
    public DateTime? Assigned { get; set; }
    public DateTime? Expires { get; set; }
    public string? WarmupState { get; set; }
    public DateTime? LastSent { get; set; }
    public DateTime? Created { get; set; }
    public DateTime? Updated { get; set; }
    public uint Version { get; set; }

    public Domain? Domain { get; set; }
    public SmtpIpAddress? SmtpIpAddress { get; set; }
}

public static class AssignmentStatus
{
    public const string Active = "active";
    public const string Warming = "warming";
    public const string Scheduled = "scheduled";
    public const string Expired = "expired";
    public static readonly string[] All = [Active, Warming, Scheduled, Expired];
    /// <summary>An assignment is active when its status is active or warming.</summary>
    public static readonly string[] ActiveSet = [Active, Warming];
}

public static class WarmupState
{
    public const string Unwarmed = "unwarmed";
    public const string Warming = "warming";
    public const string Warmed = "warmed";
    public static readonly string[] All = [Unwarmed, Warming, Warmed];
}

/// <summary>One change of an IP's status or reputation, kept for its history (not a seed table).</summary>
public class SmtpIpHistory
{
    public Guid Id { get; set; }
    public Guid SmtpIpAddressId { get; set; }
    public string Kind { get; set; } = "status";
    public string? FromStatus { get; set; }
    public string? ToStatus { get; set; }
    public string? FromReputation { get; set; }
    public string? ToReputation { get; set; }
    public string? Reason { get; set; }
    public Guid? ChangedBy { get; set; }
    public string? ChangedByName { get; set; }
    public DateTime Changed { get; set; }
}

/// <summary>
/// One blacklist provider currently listing an IP: <c>provider_blacklist_status</c> read once, on write, by a trigger
/// (<c>sync_smtp_ip_listings</c>), so "listed" filters and per-provider counts are index reads instead of parsing
/// every IP's JSON. Never written by the app.
/// </summary>
public class SmtpIpListing
{
    public Guid SmtpIpAddressId { get; set; }
    public string Provider { get; set; } = "";
}

public static class IpHistoryKind
{
    public const string Status = "status";
    public const string Reputation = "reputation";
    public const string Assignment = "assignment";
    public static readonly string[] All = [Status, Reputation, Assignment];
}
