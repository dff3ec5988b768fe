namespace InfraAdmin.Features.Costs;

/// <summary>One tenant's month (rounded to the cent; Domains and IpsUsed are filled for the rows of a page or an export).</summary>
public sealed record TenantCostRow(
    Guid TenantId, string Name, decimal Revenue, decimal IpCost, decimal VpsCost, decimal Total, int? Domains = null, int? IpsUsed = null)
{
    public decimal Margin => Revenue - Total;
    public decimal? MarginPercent => Revenue == 0 ? null : Math.Round(Margin / Revenue * 100m, 1, MidpointRounding.AwayFromZero);
    public decimal? CostPerDomain => Domains is > 0 ? Math.Round(Total / Domains.Value, 2, MidpointRounding.AwayFromZero) : null;
}

/// <summary>A row without a tenant: the idle (unallocated) cost, or the month's totals.</summary>
public sealed record CostLine(decimal Revenue, decimal IpCost, decimal VpsCost, decimal Total)
{
    public decimal Margin => Revenue - Total;
    public decimal? MarginPercent => Revenue == 0 ? null : Math.Round(Margin / Revenue * 100m, 1, MidpointRounding.AwayFromZero);
}

/// <summary>
/// A month as the cost page shows it: idle, the totals and the highest-cost tenants (the rows are paged by
/// <c>CostService.PageAsync</c>). Figures are rounded by largest remainder so that tenants + idle equal the totals to
/// the cent in each of the IP, VPS and total columns. A month to date carries a projection.
/// </summary>
public sealed record CostMonthSummary(
    CostMonth Month, DateOnly LastDay, int DaysCounted, int TenantCount, CostLine Idle, CostLine Totals, IReadOnlyList<TenantCostRow> Highest)
{
    /// <summary>How many of the highest-cost tenants the summary carries (for the chart).</summary>
    public const int HighestCount = 8;

    public bool ToDate => DaysCounted < Month.DaysInMonth;
    /// <summary>The to-date figure × days in the month ÷ days counted.</summary>
    public decimal Project(decimal toDate) => Month.Project(toDate, DaysCounted);
    public decimal IdleShare => Totals.Total == 0 ? 0 : Math.Round(Idle.Total / Totals.Total * 100m, 1, MidpointRounding.AwayFromZero);
}

/// <summary>Either the figures or a message saying why there are none (a future month, a month without kept figures).</summary>
public sealed record CostResult<T>(T? Value, string? Message) where T : class
{
    public static CostResult<T> Ok(T value) => new(value, null);
    public static CostResult<T> Problem(string message) => new(null, message);
}

public sealed record CostPage(int Total, IReadOnlyList<TenantCostRow> Rows);

/// <summary>One month of the 12-month trend (rounded to the cent); a month to date also carries its projection.</summary>
public sealed record CostTrendPoint(CostMonth Month, decimal Total, decimal Idle, bool ToDate, int DaysCounted)
{
    /// <summary>The month's total, or for a month to date its projection (× days in the month ÷ days counted): what the trend plots.</summary>
    public decimal Plotted => ToDate ? Month.Project(Total, DaysCounted) : Total;
}

/// <summary>One month of one tenant.</summary>
public sealed record TenantMonth(CostMonth Month, decimal Revenue, decimal IpCost, decimal VpsCost, decimal Total, bool ToDate)
{
    public decimal Margin => Revenue - Total;
}

/// <summary>An IP or VPS a tenant's domains used, and on how many days of the window.</summary>
public sealed record UsedResource(Guid Id, string Name, string? Parent, int Days);

public sealed record TenantCostDetail(
    Guid TenantId, string Name, decimal MonthlyRevenue, CostMonth From, CostMonth To,
    IReadOnlyList<TenantMonth> Months, IReadOnlyList<UsedResource> Ips, IReadOnlyList<UsedResource> Vps);

/// <summary>One month's totals as the executive overview compares them (kept rounded figures, idle included in Cost).</summary>
public sealed record MonthFigures(CostMonth Month, int DaysCounted, decimal Cost, decimal Revenue, decimal Idle, bool Projected = false)
{
    public bool ToDate => !Projected && DaysCounted < Month.DaysInMonth;
    public decimal Margin => Revenue - Cost;
    public decimal? MarginPercent => Revenue == 0 ? null : Math.Round(Margin / Revenue * 100m, 1, MidpointRounding.AwayFromZero);
    public decimal IdleShare => Cost == 0 ? 0 : Math.Round(Idle / Cost * 100m, 1, MidpointRounding.AwayFromZero);

    public static MonthFigures Of(CostMonthSummary s) => new(s.Month, s.DaysCounted, s.Totals.Total, s.Totals.Revenue, s.Idle.Total);

    /// <summary>The month to date carried to its end (× days in the month ÷ days counted), marked as a projection.</summary>
    public MonthFigures Project() => DaysCounted >= Month.DaysInMonth ? this : new(Month, DaysCounted,
        Month.Project(Cost, DaysCounted), Month.Project(Revenue, DaysCounted), Month.Project(Idle, DaysCounted), Projected: true);
}

/// <summary>
/// The executive overview on /: the last closed month beside the month before it and the same month a year before, the
/// current month to date with its projection, and the tenants that lost money in the last closed month (the worst
/// <see cref="LossCount"/> shown, all counted). A month without kept figures is null.
/// </summary>
public sealed record ExecutiveOverview(
    CostMonth LastClosedMonth, MonthFigures? LastClosed, MonthFigures? MonthBefore, MonthFigures? YearAgo,
    MonthFigures? ToDate, MonthFigures? Projection, int LossCount, IReadOnlyList<TenantCostRow> Losses)
{
    /// <summary>How many of the tenants in loss the overview lists.</summary>
    public const int LossesShown = 5;
}
