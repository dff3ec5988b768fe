using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.IpReputation;

/// <summary>The /ip-reputation filters, as they appear in the query string.</summary>
public sealed record IpFilter(
    string? Status = null, string? Reputation = null, string? Region = null, Guid? Vps = null,
    string? Listed = null, bool Stale = false, string? Q = null, bool Trouble = false, int? DegradedWithin = null)
{
    /// <summary><c>listed=any</c>: listed on at least one provider; otherwise the provider's name.</summary>
    public const string AnyProvider = "any";

    /// <summary>The longest <c>degraded_within</c> window, in days.</summary>
    public const int MaxDegradedWithinDays = 3650;

    /// <summary>The filter from the query string as typed (the page and its CSV export); bad values are left out and recorded in <paramref name="f"/>.</summary>
    public static IpFilter FromQuery(QueryFilters f, string? status, string? reputation, string? region, string? vps, string? listed,
        string? stale, string? q, string? trouble, string? degradedWithin) =>
        new(f.Text("status", status), f.Text("reputation", reputation), f.Text("region", region), f.Guid("vps", vps),
            f.Text("listed", listed), f.Bool("stale", stale) ?? false, f.Text("q", q), f.Bool("trouble", trouble) ?? false,
            f.Int("degraded_within", degradedWithin, 1, MaxDegradedWithinDays));

    /// <summary>The query string of this filter (leading '?' included, empty when unfiltered).</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) parts.Add($"{name}={Uri.EscapeDataString(value)}"); }
        Add("status", Status); Add("reputation", Reputation); Add("region", Region); Add("vps", Vps?.ToString());
        Add("listed", Listed); Add("stale", Stale ? "true" : null); Add("q", Q); Add("trouble", Trouble ? "true" : null);
        Add("degraded_within", DegradedWithin?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}

public enum IpSort { IpAddress, Status, Reputation, Region, Vps, LastCheck, AssignedCount, Cost }

public sealed record IpRow(
    Guid Id, string IpAddress, string? Status, string? Reputation, string? Region, Guid? VpsId, string? VpsName,
    DateTime? LastCheck, bool Stale, int AssignedCount, decimal? Cost, IReadOnlyList<string> ListedOn, uint Version)
{
    /// <summary>The grid's selection compares rows by id, so a selected row stays selected when the grid reloads (a live page).</summary>
    public static readonly IEqualityComparer<IpRow> ById = EqualityComparer<IpRow>.Create((a, b) => a?.Id == b?.Id, r => r.Id.GetHashCode());
}

/// <summary>A page of the IP grid; <paramref name="TotalEstimated"/> when the total is the planner's estimate (a broad filter whose exact count would cost more than the page).</summary>
public sealed record IpPage(int Total, IReadOnlyList<IpRow> Rows, bool TotalEstimated = false);

public sealed record CountBy(string Key, int Count);

/// <summary>A VPS as the IP filter offers it.</summary>
public sealed record VpsOption(Guid Id, string Name);

/// <summary>One VPS's slice of the overview (IPs with no VPS have a null VPS).</summary>
public sealed record IpBreakdown(
    string? Region, Guid? VpsId, string? VpsName, int Total, int InTrouble, int Listed, int Stale, int RecentlyBad);

public sealed record IpOverview(
    int Total, int InTrouble, int Listed, int Stale, int RecentlyBad, int StaleHours,
    IReadOnlyList<CountBy> ByStatus, IReadOnlyList<CountBy> ByReputation, IReadOnlyList<CountBy> ListedByProvider,
    IReadOnlyList<IpBreakdown> ByVps, int VpsCount)
{
    public const int RecentDays = 7;

    /// <summary>How many VPS the overview's breakdown shows: those with the most IPs in trouble (the rest are in the paged grids).</summary>
    public const int TopVps = 10;
}

public sealed record IpHistoryRow(
    DateTime Changed, string Kind, string? FromStatus, string? ToStatus, string? FromReputation, string? ToReputation,
    string? Reason, string? ChangedByName);

public sealed record ProviderStatus(string Provider, bool Listed, DateTime? CheckedAt, string? Detail);

public sealed record AssignmentRow(
    Guid Id, Guid? DomainId, string? Domain, Guid? TenantId, string? Tenant, string? Status, string? WarmupState,
    DateTime? Assigned, DateTime? Expires, DateTime? LastSent, uint Version)
{
    public bool IsActive => Status is Data.Entities.AssignmentStatus.Active or Data.Entities.AssignmentStatus.Warming;
}

public sealed record IpDetail(
    Guid Id, string IpAddress, string? Status, string? Reputation, DateTime? LastCheck, bool Stale, int AssignedCount,
    decimal? Cost, decimal? VpsShare, Guid? VpsId, string? VpsName, string? Region, string? VpsStatus, DateTime? Created, uint Version,
    IReadOnlyList<ProviderStatus> Providers, IReadOnlyList<AssignmentRow> Assignments, IReadOnlyList<IpHistoryRow> History);

public sealed record DomainOption(Guid Id, string Name, string Tenant);

/// <summary>
/// What a status change will do before it is made, counted only over the IPs that will move (<see cref="Ips"/>); the
/// IPs whose move the transition rules refuse are listed apart with why, and the change leaves them as they are.
/// Assignments end only for a move to quarantined, burned or available (<see cref="EndsAssignments"/>).
/// </summary>
public sealed record BlastRadius(
    string ToStatus, int Ips, int ActiveAssignments, IReadOnlyList<string> Domains, IReadOnlyList<string> Tenants,
    IReadOnlyList<RegionCapacity> Regions, IReadOnlyList<RefusedIp> Refused)
{
    public int HealthyIps => Regions.Sum(r => r.HealthyIps);

    public bool EndsAssignments => IpTransitions.EndsAssignments.Contains(ToStatus);

    public string Summary =>
        Ips == 0 ? $"No selected IP can move to {ToStatus}: nothing will change."
        : !EndsAssignments ? $"{Ips} IP{(Ips == 1 ? "" : "s")} move{(Ips == 1 ? "s" : "")} to {ToStatus}; no assignment ends."
        : $"{Ips} IP{(Ips == 1 ? "" : "s")}: ends {ActiveAssignments} active assignment{(ActiveAssignments == 1 ? "" : "s")} "
          + $"of {Domains.Count} domain{(Domains.Count == 1 ? "" : "s")} for {Tenants.Count} tenant{(Tenants.Count == 1 ? "" : "s")}; "
          + $"{HealthyIps} healthy IP{(HealthyIps == 1 ? "" : "s")} in the same region{(Regions.Count == 1 ? "" : "s")} could take them.";
}

/// <summary>A selected IP the change will not move, and why (the transition rules, or it no longer exists).</summary>
public sealed record RefusedIp(Guid Id, string? IpAddress, string? Status, string Reason)
{
    public string Text => $"{IpAddress ?? Id.ToString()}: {Reason}";
}

public sealed record RegionCapacity(string Region, int ActiveAssignments, int HealthyIps, IReadOnlyList<string> Candidates);

public enum ChangeOutcomeKind { Changed, Refused, NotFound, Conflict }

/// <summary>What a status change did to one IP; <see cref="EndedAssignments"/>: the active assignments it ended.</summary>
public sealed record ChangeOutcome(Guid Id, string? IpAddress, ChangeOutcomeKind Kind, string Message, int EndedAssignments = 0)
{
    public bool Succeeded => Kind == ChangeOutcomeKind.Changed;
}

public sealed record BulkItem(Guid Id, uint Version);

public sealed record WarmupIp(Guid Id, string IpAddress, string? Region, DateTime? Since, int ActiveAssignments, DateTime? LastSent);

public sealed record WarmupAssignment(
    Guid Id, Guid IpId, string IpAddress, string? Domain, string? Tenant, string? Status, string? WarmupState, DateTime? Assigned, DateTime? LastSent);

public sealed record WarmupView(IReadOnlyList<WarmupIp> Ips, IReadOnlyList<WarmupAssignment> Assignments);

/// <summary>
/// The domains that lost their IPs when those were quarantined or burned and have not been given a new one since (up to
/// <see cref="IpReputationService.MaxRemediation"/> of <see cref="Total"/>), each with a suggested healthy IP in its region,
/// and the healthy IPs of those regions that may take them (the least loaded first).
/// </summary>
public sealed record RemediationPlan(int Total, IReadOnlyList<StrandedDomain> Domains, IReadOnlyList<RemediationTarget> Targets)
{
    public IEnumerable<RemediationTarget> TargetsFor(StrandedDomain d) => Targets.Where(t => t.Region == d.Region);
}

/// <summary>A domain whose assignment on <see cref="FromIp"/> ended when that IP was quarantined or burned.</summary>
public sealed record StrandedDomain(Guid DomainId, string Domain, string Tenant, Guid FromIpId, string FromIp, string FromStatus,
    string? Region, int OtherActiveIps, Guid? SuggestedIpId);

public sealed record RemediationTarget(Guid Id, string IpAddress, string? Region, string? Vps, int AssignedCount);

/// <summary>Move <see cref="DomainId"/>, stranded by <see cref="FromIpId"/>, to <see cref="ToIpId"/>.</summary>
public sealed record Reassignment(Guid DomainId, Guid FromIpId, Guid ToIpId);

public sealed record ReassignOutcome(Guid DomainId, string Domain, string? ToIp, bool Moved, string Message);
