namespace InfraAdmin.Data.Entities;

// The kept cost allocation.

/// <summary>
/// A pending recompute of the kept cost allocation (at most one row, id 1): the earliest day a change since the last
/// recompute touched. Changes lower it; the background recompute claims (deletes) it and recomputes from that day to today,
/// so a burst of changes is one recompute.
/// </summary>
public class CostRefreshPending
{
    public short Id { get; set; }
    public DateOnly FromDay { get; set; }
    public DateTime Requested { get; set; }
}

/// <summary>The kept daily cost allocation: one row per day and tenant, and one with no tenant for idle cost.</summary>
public class TenantCostDaily
{
    public DateOnly Day { get; set; }
    public Guid? TenantId { get; set; }
    public decimal IpCost { get; set; }
    public decimal VpsCost { get; set; }
}

/// <summary>
/// <c>tenant_cost_daily</c> summed per month and kept with it (same transaction): what the cost pages read, so a month
/// of 10,000 tenants is 10,000 rows rather than 300,000, already rounded. <see cref="IpCost"/> and <see cref="VpsCost"/>
/// are exact; the <c>*Rounded</c> columns are the cents shown, rounded once per month by largest remainder so that
/// tenants + idle add up to the month's total in each column. <see cref="Days"/> and <see cref="LastDay"/> are the
/// tenant's kept days in the month; on the idle row (no tenant) they are the month's kept days.
/// </summary>
public class TenantCostMonthly
{
    public DateOnly Month { get; set; }
    public Guid? TenantId { get; set; }
    public decimal IpCost { get; set; }
    public decimal VpsCost { get; set; }
    public int Days { get; set; }
    public DateOnly LastDay { get; set; }
    public decimal IpRounded { get; set; }
    public decimal VpsRounded { get; set; }
    public decimal TotalRounded { get; set; }
}
