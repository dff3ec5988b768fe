using System.Globalization;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InfraAdmin.Features.Costs;

/// <summary>
/// Cost per tenant (costs.view; CSV costs.export). Reads only the kept allocation, summed per month
/// (<c>tenant_cost_monthly</c>, kept with <c>tenant_cost_daily</c> by <see cref="CostAllocationSql"/>) and per month in all
/// (<c>tenant_cost_month_totals</c>, written with the month's rows), and tenants; the counts of domains and IPs used come from the assignments of the tenants being shown.
/// </summary>
public sealed class CostService(IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, TimeProvider clock,
    SharedSummaries summaries)
{
    /// <summary>The tables a month's figures read: the kept roll-up (one change per rebuild), revenue, and the currency setting.</summary>
    private static readonly string[] SummaryTables = [LiveTables.CostRollup, LiveTables.Tenants, LiveTables.SystemConfig];

    public const int TrendMonths = 12;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public CostMonth CurrentMonth => CostMonth.Current(clock);
    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>The month's figures for every tenant, or a message: a malformed or future month, or one without kept figures.</summary>
    public Task<CostResult<CostMonthSummary>> GetMonthAsync(string? monthText, CancellationToken ct = default) =>
        GetMonthAsync(monthText, Freshness.Current, ct);

    public async Task<CostResult<CostMonthSummary>> GetMonthAsync(string? monthText, Freshness freshness, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Costs.View);
        // Shared by month; text that is not a month (a message, not figures) is read each time and never kept.
        var key = string.IsNullOrEmpty(monthText) ? "current" : CostMonth.TryParse(monthText, out var month) ? month.ToString() : null;
        if (key is null) freshness = Freshness.Current;
        return await summaries.GetAsync($"costs.month:{key}", SummaryTables, freshness, c => ReadMonthAsync(monthText, c), ct);
    }

    private async Task<CostResult<CostMonthSummary>> ReadMonthAsync(string? monthText, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (month, problem) = await ResolveMonthAsync(db, monthText, ct);
        if (problem is not null) return CostResult<CostMonthSummary>.Problem(problem);
        var summary = await SummaryAsync(db, month, ct);
        return summary is null
            ? CostResult<CostMonthSummary>.Problem(await NoFiguresMessageAsync(db, month, ct))
            : CostResult<CostMonthSummary>.Ok(summary);
    }

    /// <summary>One page of the month's tenants: searched by name, sorted, paged in SQL, with domains and IPs used for the page's rows.</summary>
    public async Task<CostPage> PageAsync(
        CostMonthSummary summary, string? search, string? sortBy, bool descending, int page, int pageSize, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Costs.View);
        pageSize = Math.Clamp(pageSize, 1, 200);
        var skip = Math.Max(0, page) * pageSize;
        // Unsearched, the total is the month's tenants as its summary counted them (the same rule, read with its figures).
        var (total, rows) = string.IsNullOrWhiteSpace(search)
            ? (summary.TenantCount, await dbFactory.ReadAsync(db => TenantRowsAsync(db, summary.Month, summary.DaysCounted, null, sortBy, descending, skip, pageSize, ct), ct))
            : await dbFactory.CountAndPageAsync(
                db => CountTenantsAsync(db, summary.Month, summary.DaysCounted, search, ct),
                db => TenantRowsAsync(db, summary.Month, summary.DaysCounted, search, sortBy, descending, skip, pageSize, ct),
                ct);
        return new CostPage(total, await dbFactory.ReadAsync(db => WithUsageAsync(db, summary, rows, ct), ct));
    }

    /// <summary>The 12 months ending with <paramref name="last"/>: total cost and idle cost (the months with kept figures).</summary>
    public Task<IReadOnlyList<CostTrendPoint>> TrendAsync(CostMonth last, CancellationToken ct = default) => TrendAsync(last, Freshness.Current, ct);

    public async Task<IReadOnlyList<CostTrendPoint>> TrendAsync(CostMonth last, Freshness freshness, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Costs.View);
        return await summaries.GetAsync($"costs.trend:{last}", SummaryTables, freshness, c => ReadTrendAsync(last, c), ct);
    }

    private async Task<IReadOnlyList<CostTrendPoint>> ReadTrendAsync(CostMonth last, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var first = last.AddMonths(-(TrendMonths - 1));
        // The kept month totals (one row a month, summed from the rounded rows by the roll-up), so each point is exactly
        // the month page's total and idle.
        var rows = await db.Database.SqlQueryRaw<TrendRow>("""
            SELECT month, last_day, total_rounded + idle_total_rounded AS total, idle_total_rounded AS idle, days
            FROM tenant_cost_month_totals WHERE month BETWEEN @from AND @to
            ORDER BY month
            """, Range(first.Start, last.Start)).ToListAsync(ct);
        return rows.Select(r => new CostTrendPoint(CostMonth.Of(r.Month), r.Total, r.Idle, r.LastDay < CostMonth.Of(r.Month).End, r.Days)).ToList();
    }

    /// <summary>One tenant's 12 months ending with the given month (default: this month), and the IPs and VPS it used.</summary>
    public async Task<CostResult<TenantCostDetail>> GetTenantAsync(Guid tenantId, string? monthText, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Costs.View);
        var (last, problem) = await dbFactory.ReadAsync(db => ResolveMonthAsync(db, monthText, ct), ct);
        if (problem is not null) return CostResult<TenantCostDetail>.Problem(problem);
        var first = last.AddMonths(-(TrendMonths - 1));
        var to = Min(last.End, Today);
        // The tenant, its months and the IPs and VPS it used: independent reads, at the same time on their own connections.
        var tenantTask = dbFactory.ReadAsync(db => db.Tenants.AsNoTracking().Where(t => t.Id == tenantId)
            .Select(t => new { t.Id, t.Name, t.MonthlyRevenue }).FirstOrDefaultAsync(ct), ct);
        var ipsTask = dbFactory.ReadAsync(db => UsedIpsAsync(db, tenantId, first.Start, to, ct), ct);
        var vpsTask = dbFactory.ReadAsync(db => UsedVpsAsync(db, tenantId, first.Start, to, ct), ct);
        var monthsTask = dbFactory.ReadAsync(db => db.Database.SqlQueryRaw<TenantMonthRow>("""
            -- The kept rounded figures, so each month is exactly the tenant's row in that month's table.
            SELECT month, max(last_day) AS last_day,
                   coalesce(sum(ip_rounded) FILTER (WHERE tenant_id = @tenant), 0) AS ip_cost,
                   coalesce(sum(vps_rounded) FILTER (WHERE tenant_id = @tenant), 0) AS vps_cost,
                   coalesce(sum(total_rounded) FILTER (WHERE tenant_id = @tenant), 0) AS total
            FROM tenant_cost_monthly WHERE month BETWEEN @from AND @to AND (tenant_id = @tenant OR tenant_id IS NULL)
            GROUP BY month ORDER BY month
            """, [.. Range(first.Start, last.Start), new NpgsqlParameter("tenant", tenantId)]).ToListAsync(ct), ct);
        var (tenant, months, ips, vps) = (await tenantTask, await monthsTask, await ipsTask, await vpsTask);
        if (tenant is null) return CostResult<TenantCostDetail>.Problem("There is no tenant with this id. Pick a tenant from the cost page.");
        return CostResult<TenantCostDetail>.Ok(new TenantCostDetail(tenant.Id, tenant.Name, tenant.MonthlyRevenue, first, last,
            months.Select(m => ToTenantMonth(m, tenant.MonthlyRevenue)).ToList(), ips, vps));
    }

    /// <summary>The month as CSV (costs.export): every tenant, then the idle and total rows, the same figures as the page.</summary>
    public async Task<CostResult<CostExport>> ExportAsync(string? monthText, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Costs.Export);
        var result = await GetMonthAsync(monthText, ct);
        if (result.Value is not { } summary) return CostResult<CostExport>.Problem(result.Message!);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await TenantRowsAsync(db, summary.Month, summary.DaysCounted, null, nameof(TenantCostRow.Total), descending: true, 0, int.MaxValue, ct);
        return CostResult<CostExport>.Ok(new CostExport(summary, await WithUsageAsync(db, summary, rows, ct)));
    }

    /// <summary>
    /// The executive overview (costs.view): the last closed month, the month before it, the same month a year before, this
    /// month to date and projected, and the tenants with a negative margin in the last closed month. Works on the 1st of a
    /// month (the last closed month is complete; this month has one day). Each month is read as the cost page reads it.
    /// </summary>
    public Task<ExecutiveOverview> ExecutiveOverviewAsync(CancellationToken ct = default) => ExecutiveOverviewAsync(Freshness.Current, ct);

    public async Task<ExecutiveOverview> ExecutiveOverviewAsync(Freshness freshness, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Costs.View);
        return await summaries.GetAsync("costs.executive", SummaryTables, freshness, ReadExecutiveOverviewAsync, ct);
    }

    private async Task<ExecutiveOverview> ReadExecutiveOverviewAsync(CancellationToken ct)
    {
        var closed = CurrentMonth.Previous;
        // One month after the other (each summary already reads its parts in parallel): a bounded number of connections per load.
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Totals only: the overview draws no chart, so no month reads its highest-cost tenants.
        var last = await SummaryAsync(db, closed, ct, highest: 0);
        var before = await SummaryAsync(db, closed.Previous, ct, highest: 0);
        var yearAgo = await SummaryAsync(db, closed.AddMonths(-12), ct, highest: 0);
        var current = await SummaryAsync(db, CurrentMonth, ct, highest: 0);
        var (count, losses) = (0, new List<TenantCostRow>());
        if (last is not null)
        {
            count = await db.Database.SqlQueryRaw<int>($"SELECT count(*)::int AS \"Value\" FROM ({MonthRowsSql}) r WHERE revenue < total",
                MonthParameters(last.Month, last.DaysCounted)).SingleAsync(ct);
            if (count > 0)
                losses = (await TenantRowsAsync(db, last.Month, last.DaysCounted, null, nameof(TenantCostRow.Margin), descending: false,
                    0, ExecutiveOverview.LossesShown, ct)).Where(r => r.Margin < 0).ToList();
        }
        var toDate = current is null ? null : MonthFigures.Of(current);
        return new ExecutiveOverview(closed, last is null ? null : MonthFigures.Of(last), before is null ? null : MonthFigures.Of(before),
            yearAgo is null ? null : MonthFigures.Of(yearAgo), toDate, toDate?.Project(), count, losses);
    }

    /// <summary>The month asked for (default: this month), or why there are no figures for it: malformed, not started, or before any kept figures.</summary>
    private async Task<(CostMonth Month, string? Problem)> ResolveMonthAsync(InfraAdminDbContext db, string? text, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text)) return (CurrentMonth, null);
        if (!CostMonth.TryParseAny(text, out var month)) return (default, $"\"{text}\" is not a month. Use the form 2026-10.");
        if (month > CurrentMonth)
            return (default, $"{month.Label(Invariant)} has not started yet: there is no cost for it. The latest month is {CurrentMonth.Label(Invariant)}.");
        // Well formed but before any month the console keeps: the same answer as any other month without figures.
        if (month < CostMonth.Earliest) return (default, await NoFiguresMessageAsync(db, month, ct));
        return (month, null);
    }

    private static async Task<string> NoFiguresMessageAsync(InfraAdminDbContext db, CostMonth month, CancellationToken ct)
    {
        var kept = await db.TenantCostDaily.AsNoTracking().GroupBy(_ => 1)
            .Select(g => new { First = g.Min(x => x.Day), Last = g.Max(x => x.Day) }).FirstOrDefaultAsync(ct);
        return kept is null
            ? $"No cost figures are kept yet for {month.Label(Invariant)}. They appear once the cost job has run (or after `costs rebuild`)."
            : $"No cost figures are kept for {month.Label(Invariant)}: the figures cover {CostMonth.Of(kept.First).Label(Invariant)} to {CostMonth.Of(kept.Last).Label(Invariant)}.";
    }

    /// <summary>
    /// The month's kept figures (already rounded by largest remainder when the month was kept): the idle row, the
    /// totals over every tenant shown, and the <paramref name="highest"/> highest-cost tenants for the chart (none when 0).
    /// </summary>
    private async Task<CostMonthSummary?> SummaryAsync(InfraAdminDbContext db, CostMonth month, CancellationToken ct,
        int highest = CostMonthSummary.HighestCount)
    {
        // The month's kept totals and its tenants' count and revenue on another connection, while this one reads the idle
        // row and the highest-cost tenants.
        var sumsTask = dbFactory.ReadAsync(other => other.Database.SqlQueryRaw<TotalsRow>(SumsSql, ShownParameters(month)).ToListAsync(ct), ct);
        var idle = await db.TenantCostMonthly.AsNoTracking().TagWith(QueryTags.CostMonthSummary).Where(m => m.Month == month.Start && m.TenantId == null)
            .Select(m => new { m.Days, m.LastDay, m.IpRounded, m.VpsRounded, m.TotalRounded }).FirstOrDefaultAsync(ct);
        if (idle is null)
        {
            await sumsTask;
            return null;
        }
        var top = highest == 0 ? [] : await TenantRowsAsync(db, month, idle.Days, null, nameof(TenantCostRow.Total), descending: true, 0, highest, ct);
        var sums = (await sumsTask).SingleOrDefault()
            ?? throw new InvalidOperationException($"The kept totals of {month} are missing although its rows are kept: run `costs rebuild`.");
        return new CostMonthSummary(month, idle.LastDay, idle.Days, sums.Tenants,
            new CostLine(0, idle.IpRounded, idle.VpsRounded, idle.TotalRounded),
            new CostLine(sums.Revenue, sums.IpCost + idle.IpRounded, sums.VpsCost + idle.VpsRounded, sums.Total + idle.TotalRounded),
            top.Where(r => r.Total > 0).ToList());
    }

    /// <summary>
    /// Every tenant shown for a month: those with kept figures, and those that existed by the month's end without any
    /// (at zero). Revenue is pro rata to the month's kept days. Parameters: @month, @next (the next month's start), @days, @dim.
    /// </summary>
    private const string MonthRowsSql = """
        SELECT t.id AS tenant_id, t.name AS name,
               round(coalesce(t.monthly_revenue, 0) * @days / @dim, 2) AS revenue,
               coalesce(m.ip_rounded, 0) AS ip_cost, coalesce(m.vps_rounded, 0) AS vps_cost, coalesce(m.total_rounded, 0) AS total
        FROM tenants t
        LEFT JOIN tenant_cost_monthly m ON m.tenant_id = t.id AND m.month = @month
        WHERE m.tenant_id IS NOT NULL OR t.created < @next::timestamp AT TIME ZONE 'UTC'
        """;

    /// <summary>
    /// The same tenants as <see cref="MonthRowsSql"/>, as a condition on <c>tenants t</c> alone: those that existed by the
    /// month's end, and any other with kept figures (asked only for tenants created after the month).
    /// </summary>
    private const string ShownSql = """
        (t.created < @next::timestamp AT TIME ZONE 'UTC'
         OR EXISTS (SELECT 1 FROM tenant_cost_monthly m WHERE m.month = @month AND m.tenant_id = t.id))
        """;

    /// <summary>
    /// The month's kept totals (one row, written with the month's rows by the roll-up) and the tenants shown with their
    /// revenue, read live (revenue is not kept, and tenants come and go), as <see cref="MonthRowsSql"/> has it: pro rata
    /// to the days counted (the totals row's days, the idle row's), to the cent; for a whole month that is
    /// <c>monthly_revenue</c> itself (numeric(10,2)), summed without a division per tenant. No row for a month without
    /// totals. Parameters: @month, @next, @dim.
    /// </summary>
    private const string SumsSql = $"""
        SELECT s.tenants, s.revenue, k.ip_rounded AS ip_cost, k.vps_rounded AS vps_cost, k.total_rounded AS total
        FROM tenant_cost_month_totals k
        CROSS JOIN LATERAL (
            SELECT count(*)::int AS tenants,
                   coalesce(sum(CASE WHEN k.days = @dim THEN coalesce(t.monthly_revenue, 0)
                                     ELSE round(coalesce(t.monthly_revenue, 0) * k.days / @dim, 2) END), 0) AS revenue
            FROM tenants t WHERE {ShownSql}) s
        WHERE k.month = @month
        """;

    /// <summary>The kept figure a sort orders by, for the sorts an index on the month's rounded figures serves (null for the others).</summary>
    private static (string Column, Func<TenantCostRow, decimal> Figure)? KeptFigure(string? sortBy) => sortBy switch
    {
        nameof(TenantCostRow.IpCost) => ("ip_rounded", r => r.IpCost),
        nameof(TenantCostRow.VpsCost) => ("vps_rounded", r => r.VpsCost),
        nameof(TenantCostRow.Total) => ("total_rounded", r => r.Total),
        _ => null,
    };

    /// <summary>How deep a page may reach and still be read by <see cref="KeptOrderRowsAsync"/> (the CSV export reads every row the plain way).</summary>
    private const int KeptOrderReach = 10_000;

    /// <summary>The SQL sort for each sortable column (whitelisted), then name and id so pages never overlap.</summary>
    private static string OrderBy(string? sortBy, bool descending)
    {
        var column = sortBy switch
        {
            nameof(TenantCostRow.Revenue) => "revenue",
            nameof(TenantCostRow.IpCost) => "ip_cost",
            nameof(TenantCostRow.VpsCost) => "vps_cost",
            nameof(TenantCostRow.Total) => "total",
            nameof(TenantCostRow.Margin) => "revenue - total",
            nameof(TenantCostRow.MarginPercent) => "CASE WHEN revenue = 0 THEN NULL ELSE round((revenue - total) / revenue * 100, 1) END",
            _ => "lower(name) COLLATE \"C\"",
        };
        // Empty margins (no revenue) sort first ascending and last descending.
        var direction = descending ? "DESC NULLS LAST" : "ASC NULLS FIRST";
        return $"{column} {direction}, lower(name) COLLATE \"C\", tenant_id";
    }

    private static async Task<List<TenantCostRow>> TenantRowsAsync(InfraAdminDbContext db, CostMonth month, int daysCounted, string? search,
        string? sortBy, bool descending, int skip, int take, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(search) && KeptFigure(sortBy) is { } figure && (long)skip + take <= KeptOrderReach
            && await KeptOrderRowsAsync(db, month, daysCounted, figure, descending, skip, take, ct) is { } rows)
            return rows;
        // Only constants and the whitelisted sort are spliced in; every value is a parameter.
        var sql = $"""
            SELECT * FROM ({MonthRowsSql}) r
            WHERE @search::text IS NULL OR name ILIKE @search
            ORDER BY {OrderBy(sortBy, descending)}
            LIMIT @take OFFSET @skip
            """;
        return ToRows(await db.Database.SqlQueryRaw<MonthRow>(sql,
            [.. MonthParameters(month, daysCounted), Search(search), new NpgsqlParameter("take", take), new NpgsqlParameter("skip", skip)]).ToListAsync(ct));
    }

    /// <summary>
    /// A page sorted by a kept figure (IP, VPS or total), read in that figure's order from its index on the month's tenant
    /// rows (then by name and id, as <see cref="OrderBy"/> sorts; the figures are never null) instead of joining every
    /// tenant to its month. Tenants shown without kept figures count as 0 and sort among the other zeros by name, so these
    /// rows are the page only when the last row it reaches is a kept one beyond 0 (above it, descending; below it,
    /// ascending): every tenant before it then has kept figures too. Otherwise (a page among the zeros, or fewer kept rows
    /// than the page reaches) null, and the caller reads the page the plain way.
    /// </summary>
    private static async Task<List<TenantCostRow>?> KeptOrderRowsAsync(InfraAdminDbContext db, CostMonth month, int daysCounted,
        (string Column, Func<TenantCostRow, decimal> Figure) kept, bool descending, int skip, int take, CancellationToken ct)
    {
        // The figure's own order (no NULLS clause), so that the index gives it and only ties are sorted by name.
        var sql = $"""
            SELECT t.id AS tenant_id, t.name AS name,
                   round(coalesce(t.monthly_revenue, 0) * @days / @dim, 2) AS revenue,
                   m.ip_rounded AS ip_cost, m.vps_rounded AS vps_cost, m.total_rounded AS total
            FROM tenant_cost_monthly m JOIN tenants t ON t.id = m.tenant_id
            WHERE m.month = @month AND m.tenant_id IS NOT NULL
            ORDER BY m.{kept.Column} {(descending ? "DESC" : "ASC")}, lower(t.name) COLLATE "C", t.id
            LIMIT @take OFFSET @skip
            """;
        var rows = ToRows(await db.Database.SqlQueryRaw<MonthRow>(sql,
            [.. MonthParameters(month, daysCounted), new NpgsqlParameter("take", take), new NpgsqlParameter("skip", skip)]).ToListAsync(ct));
        return rows.Count == take && (descending ? kept.Figure(rows[^1]) > 0 : kept.Figure(rows[^1]) < 0) ? rows : null;
    }

    private static List<TenantCostRow> ToRows(List<MonthRow> rows) =>
        rows.Select(r => new TenantCostRow(r.TenantId, r.Name ?? "", r.Revenue, r.IpCost, r.VpsCost, r.Total)).ToList();

    private static Task<int> CountTenantsAsync(InfraAdminDbContext db, CostMonth month, int daysCounted, string? search, CancellationToken ct) =>
        db.Database.SqlQueryRaw<int>($"""
            SELECT count(*)::int AS "Value" FROM tenants t WHERE {ShownSql} AND (@search::text IS NULL OR t.name ILIKE @search)
            """, [.. MonthParameters(month, daysCounted), Search(search)]).SingleAsync(ct);

    private static NpgsqlParameter[] MonthParameters(CostMonth month, int daysCounted) =>
        [.. ShownParameters(month), new("days", NpgsqlTypes.NpgsqlDbType.Integer) { Value = daysCounted }];

    /// <summary>@month, @next (the next month's start) and @dim (its days).</summary>
    private static NpgsqlParameter[] ShownParameters(CostMonth month) =>
    [
        new("month", NpgsqlTypes.NpgsqlDbType.Date) { Value = month.Start },
        new("next", NpgsqlTypes.NpgsqlDbType.Date) { Value = month.AddMonths(1).Start },
        new("dim", NpgsqlTypes.NpgsqlDbType.Integer) { Value = month.DaysInMonth },
    ];

    private static NpgsqlParameter Search(string? search) =>
        new("search", NpgsqlTypes.NpgsqlDbType.Text) { Value = string.IsNullOrWhiteSpace(search) ? DBNull.Value : SqlLike.Containing(search.Trim()) };

    /// <summary>Revenue is monthly_revenue for a whole month and pro rata for a month to date.</summary>
    private static decimal Revenue(decimal monthly, int daysCounted, CostMonth month) =>
        Math.Round(monthly * daysCounted / month.DaysInMonth, 2, MidpointRounding.AwayFromZero);

    private static TenantMonth ToTenantMonth(TenantMonthRow m, decimal monthlyRevenue)
    {
        var month = CostMonth.Of(m.Month);
        var days = m.LastDay.Day;
        return new TenantMonth(month, Revenue(monthlyRevenue, days, month), m.IpCost, m.VpsCost, m.Total, days < month.DaysInMonth);
    }

    /// <summary>Fills the distinct domains and IPs each tenant's assignments covered in the month (to date).</summary>
    private async Task<List<TenantCostRow>> WithUsageAsync(InfraAdminDbContext db, CostMonthSummary summary, List<TenantCostRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return rows;
        var ids = rows.Select(r => r.TenantId).ToArray();
        var usage = await db.Database.SqlQueryRaw<UsageRow>("""
            -- The page's tenants' domains first (idx_domains_tenant), then their assignments (by domain_id).
            WITH dm AS MATERIALIZED (SELECT id, tenant_id FROM domains WHERE tenant_id = ANY(@ids))
            SELECT dm.tenant_id AS tenant_id, count(DISTINCT a.domain_id)::int AS domains, count(DISTINCT a.smtp_ip_address_id)::int AS ips
            FROM domain_ip_assignments a JOIN dm ON dm.id = a.domain_id
            WHERE a.assigned < (@to::date + 1)::timestamp AT TIME ZONE 'UTC'
              AND (a.expires IS NULL OR a.expires > @from::timestamp AT TIME ZONE 'UTC')
            GROUP BY dm.tenant_id
            """, [.. Range(summary.Month.Start, summary.LastDay), new NpgsqlParameter("ids", ids)]).ToListAsync(ct);
        var byTenant = usage.ToDictionary(u => u.TenantId);
        return rows.Select(r => byTenant.TryGetValue(r.TenantId, out var u)
            ? r with { Domains = u.Domains, IpsUsed = u.Ips }
            : r with { Domains = 0, IpsUsed = 0 }).ToList();
    }

    private static Task<List<UsedResource>> UsedIpsAsync(InfraAdminDbContext db, Guid tenantId, DateOnly from, DateOnly to, CancellationToken ct) =>
        UsedAsync(db, UsedSql("i.id", "i.ip_address", "v.hostwinds_instance_id", "i.id, i.ip_address, v.hostwinds_instance_id"), tenantId, from, to, ct);

    private static Task<List<UsedResource>> UsedVpsAsync(InfraAdminDbContext db, Guid tenantId, DateOnly from, DateOnly to, CancellationToken ct) =>
        UsedAsync(db, UsedSql("v.id", "coalesce(v.hostwinds_instance_id, v.ip_address, v.id::text)", "v.region",
            "v.id, v.hostwinds_instance_id, v.ip_address, v.region"), tenantId, from, to, ct);

    private static async Task<List<UsedResource>> UsedAsync(
        InfraAdminDbContext db, string sql, Guid tenantId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var rows = await db.Database.SqlQueryRaw<UsedRow>(sql, [.. Range(from, to), new NpgsqlParameter("tenant", tenantId)]).ToListAsync(ct);
        return rows.Select(r => new UsedResource(r.Id, r.Name, r.Parent, r.Days)).ToList();
    }

    /// <summary>Days on which the tenant's domains were covered on an IP (or on the IPs of a VPS) that existed then.</summary>
    private static string UsedSql(string id, string name, string parent, string groupBy) => $"""
        -- One tenant's few assignments first (idx_domains_tenant, then by domain_id); IPs and VPS by primary key.
        WITH a AS MATERIALIZED (
            SELECT a.smtp_ip_address_id, a.assigned, a.expires
            FROM domains dm JOIN domain_ip_assignments a ON a.domain_id = dm.id
            WHERE dm.tenant_id = @tenant)
        SELECT {id} AS id, {name} AS name, {parent} AS parent, count(DISTINCT g.day)::int AS days
        FROM a
        JOIN smtp_ip_addresses i ON i.id = a.smtp_ip_address_id
        JOIN vps_instances v ON v.id = i.vps_instance_id
        CROSS JOIN LATERAL generate_series(
            greatest((a.assigned AT TIME ZONE 'UTC')::date, (i.created AT TIME ZONE 'UTC')::date, @from)::timestamp,
            least(((a.expires AT TIME ZONE 'UTC') - interval '1 microsecond')::date, @to)::timestamp,
            interval '1 day') AS g(day)
        WHERE a.assigned IS NOT NULL
        GROUP BY {groupBy}
        ORDER BY 4 DESC, 2
        """;

    private static NpgsqlParameter[] Range(DateOnly from, DateOnly to) =>
        [new("from", NpgsqlTypes.NpgsqlDbType.Date) { Value = from }, new("to", NpgsqlTypes.NpgsqlDbType.Date) { Value = to }];

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private sealed class TotalsRow
    {
        public int Tenants { get; set; }
        public decimal Revenue { get; set; }
        public decimal IpCost { get; set; }
        public decimal VpsCost { get; set; }
        public decimal Total { get; set; }
    }

    private sealed class MonthRow
    {
        public Guid TenantId { get; set; }
        public string? Name { get; set; }
        public decimal Revenue { get; set; }
        public decimal IpCost { get; set; }
        public decimal VpsCost { get; set; }
        public decimal Total { get; set; }
    }

    private sealed class TrendRow
    {
        public DateOnly Month { get; set; }
        public DateOnly LastDay { get; set; }
        public decimal Total { get; set; }
        public decimal Idle { get; set; }
        public int Days { get; set; }
    }

    private sealed class TenantMonthRow
    {
        public DateOnly Month { get; set; }
        public DateOnly LastDay { get; set; }
        public decimal IpCost { get; set; }
        public decimal VpsCost { get; set; }
        public decimal Total { get; set; }
    }

    private sealed class UsedRow
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string? Parent { get; set; }
        public int Days { get; set; }
    }

    private sealed class UsageRow
    {
        public Guid TenantId { get; set; }
        public int Domains { get; set; }
        public int Ips { get; set; }
    }
}

/// <summary>What the CSV export writes.</summary>
public sealed record CostExport(CostMonthSummary Summary, IReadOnlyList<TenantCostRow> Rows);
