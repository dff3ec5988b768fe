using InfraAdmin.Data.Billing;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Vps;

/// <summary>The /vps grid filters, as they appear in the query string.</summary>
public sealed record VpsFilter(
    string? Status = null, string? Region = null, int? BillingDay = null, int? RenewingWithin = null, string? Q = null)
{
    /// <summary>The longest <c>renewing_within</c> window, in days (a year; the service used to clamp longer windows to it silently).</summary>
    public const int MaxRenewingWithinDays = 366;

    /// <summary>The filter from the query string as typed (the page and its CSV export); bad values are left out and recorded in <paramref name="f"/>.</summary>
    public static VpsFilter FromQuery(QueryFilters f, string? status, string? region, string? billingDay, string? renewingWithin, string? q) =>
        new(f.Text("status", status), f.Text("region", region), f.Int("billing_day", billingDay, BillingPeriod.MinDay, BillingPeriod.MaxDay),
            f.Int("renewing_within", renewingWithin, 0, MaxRenewingWithinDays), f.Text("q", q));

    /// <summary>The bound that is out of range, for a service that refuses it rather than clamping it; null when both are fine.</summary>
    public string? OutOfRange() =>
        BillingDay is { } day && !BillingPeriod.IsValidDay(day) ? $"The billing day filter is between {BillingPeriod.MinDay} and {BillingPeriod.MaxDay} (not {day})."
        : RenewingWithin is < 0 or > MaxRenewingWithinDays ? $"The renewing-within filter is between 0 and {MaxRenewingWithinDays} days (not {RenewingWithin})."
        : null;
}

public sealed record VpsRow(
    Guid Id, string? ProviderId, string? IpAddress, string? Region, string? Status, decimal? MonthlyCost, decimal? ApproximateCost,
    int? BillingDay, DateTime? PeriodStart, DateTime? PeriodEnd, DateTime? DecommissionScheduledFor, int IpCount);

public sealed record VpsResults(int Total, IReadOnlyList<VpsRow> Rows);

/// <summary>Spend of the instances of one region in one status (not decommissioned).</summary>
public sealed record VpsSpendGroup(string Region, string Status, int Instances, decimal MonthlyCost, decimal ApproximateCost);

public sealed record VpsRenewal(
    Guid Id, string? ProviderId, string? Region, string? Status, DateTime RenewsOn, decimal? MonthlyCost, DateTime? DecommissionScheduledFor)
{
    /// <summary>Scheduled to go after its next renewal: that period will be billed.</summary>
    public bool BilledAgain => DecommissionScheduledFor is { } when && when > RenewsOn;
}

/// <summary>
/// The fleet's figures. <see cref="Renewals"/> is the top <see cref="VpsService.RenewalListSize"/> of the
/// <see cref="RenewalCount"/> renewals in the window (those billed again first, then the soonest).
/// </summary>
public sealed record VpsOverview(
    decimal MonthlySpend, decimal ApproximateCost, int Instances, IReadOnlyList<VpsSpendGroup> Groups,
    decimal ScheduledSavings, int ScheduledInstances, IReadOnlyList<VpsRenewal> Renewals, int RenewalCount, int BilledAgainCount);

/// <summary>The overview card's headline figures.</summary>
public sealed record VpsHeadline(decimal MonthlySpend, int RenewalsThisWeek, decimal ScheduledSavings);

public sealed record VpsIp(Guid Id, string IpAddress, string? Status, string? ReputationState, int AssignedCount);

public sealed record VpsAssignment(Guid Id, string IpAddress, string DomainName, Guid TenantId, string TenantName, string? Status, DateTime? Assigned);

public sealed record VpsTenant(Guid Id, string Name, int ActiveAssignments);

public sealed record VpsDetail(
    Guid Id, string? ProviderId, string? IpAddress, string? Region, string? Status, decimal? MonthlyCost, decimal? ApproximateCost,
    int? BillingDay, DateTime? PeriodStart, DateTime? PeriodEnd, int? DaysToRenewal, DateTime? DecommissionScheduledFor,
    DateTime? Created, uint Version, IReadOnlyList<VpsIp> Ips, IReadOnlyList<VpsAssignment> ActiveAssignments, IReadOnlyList<VpsTenant> Tenants);

/// <summary>What the decommission dialog shows before confirming.</summary>
public sealed record DecommissionImpact(
    Guid Id, string? ProviderId, DateTime DefaultDate, DateTime? PeriodEnd, decimal MonthlySaving, uint Version,
    IReadOnlyList<VpsIp> Ips, int ActiveAssignments, IReadOnlyList<VpsTenant> Tenants)
{
    public bool NeedsConfirmation => ActiveAssignments > 0;

    /// <summary>A date after the current period's end means one more period is billed.</summary>
    public bool IsBilledAgain(DateTime when) => PeriodEnd is { } end && when > end;
}

/// <summary>The create/edit form. The billing period is derived from <see cref="BillingDay"/>, never typed.</summary>
public sealed class VpsForm
{
    public string ProviderId { get; set; } = "";
    public string IpAddress { get; set; } = "";
    public string Region { get; set; } = "";
    public string Status { get; set; } = Data.Entities.VpsStatus.Active;
    public int BillingDay { get; set; } = 1;
    public decimal? MonthlyCost { get; set; }
    public decimal? ApproximateCost { get; set; }
    /// <summary>The version the user saw (edit only).</summary>
    public uint Version { get; set; }
}

