using InfraAdmin.Features.Costs;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InfraAdmin.Tests.Integration.Costs;

/// <summary>
/// The kept month totals (<c>tenant_cost_month_totals</c>, one row a month) equal a recount from the month's rows under
/// every write path of the roll-up, and the pages sorted by a kept figure (read from its index) are the month's full order.
/// </summary>
public sealed class CostMonthTotalsTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CostRollup Rollup => App.Services.GetRequiredService<CostRollup>();

    private async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct));
    }

    private async Task ExecAsync(string sql)
    {
        await using var db = Db.CreateContext();
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    /// <summary>
    /// Months whose kept totals differ from a recount of their rows (or that only one side has): the tenant rows' rounded
    /// sums, the idle row's total and days, the last kept day.
    /// </summary>
    private Task<long> MismatchesAsync() => ScalarAsync("""
        SELECT count(*) FROM (
            SELECT mo.month, coalesce(i.days, mo.days) AS days, mo.last_day, coalesce(tr.ip, 0) AS ip, coalesce(tr.vps, 0) AS vps,
                   coalesce(tr.total, 0) AS total, coalesce(i.total_rounded, 0) AS idle
            FROM (SELECT month, max(days) AS days, max(last_day) AS last_day FROM tenant_cost_monthly GROUP BY month) mo
            LEFT JOIN tenant_cost_monthly i ON i.month = mo.month AND i.tenant_id IS NULL
            LEFT JOIN (SELECT month, sum(ip_rounded) AS ip, sum(vps_rounded) AS vps, sum(total_rounded) AS total
                       FROM tenant_cost_monthly WHERE tenant_id IS NOT NULL GROUP BY month) tr ON tr.month = mo.month) r
        FULL JOIN tenant_cost_month_totals k ON k.month = r.month
        WHERE k.month IS NULL OR r.month IS NULL
           OR (k.days, k.last_day, k.ip_rounded, k.vps_rounded, k.total_rounded, k.idle_total_rounded)
              IS DISTINCT FROM (r.days, r.last_day, r.ip, r.vps, r.total, r.idle)
        """);

    /// <summary>Last month's kept total (tenants and idle) in cents.</summary>
    private Task<long> LastMonthCentsAsync() => ScalarAsync(
        "SELECT round((total_rounded + idle_total_rounded) * 100)::bigint FROM tenant_cost_month_totals WHERE month = date_trunc('month', now() - interval '1 month')::date");

    [Fact]
    public async Task The_kept_totals_equal_a_recount_after_a_full_rebuild_a_recompute_from_a_day_and_a_refill()
    {
        await Rollup.RebuildAllAsync(Ct);
        Assert.Equal(CostRollup.RebuildMonths, await ScalarAsync("SELECT count(*) FROM tenant_cost_month_totals"));
        Assert.Equal(0, await MismatchesAsync());

        // A cost change, then the recompute a change asks for: from the 10th of last month to today.
        await ExecAsync("UPDATE smtp_ip_addresses SET approximate_cost = approximate_cost + 1.37");
        var before = await LastMonthCentsAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await Rollup.RequestAsync(new DateOnly(today.Year, today.Month, 1).AddMonths(-1).AddDays(9), Ct);
        await Rollup.RunPendingAsync(Ct);
        Assert.Equal(0, await MismatchesAsync());
        var recomputed = await LastMonthCentsAsync();
        Assert.True(recomputed > before, "the recomputed days of last month cost more, and its totals say so");

        // Nearly empty (seed scale after seed demo): the refill writes every row anew, and the totals with them.
        await ExecAsync("UPDATE vps_instances SET approximate_cost = approximate_cost + 2.11");
        var rows = await ScalarAsync("SELECT count(*) FROM tenant_cost_daily");
        await ExecAsync("DELETE FROM tenant_cost_daily WHERE day < (SELECT max(day) FROM tenant_cost_daily)");
        Assert.True(CostAllocationSql.WritesAnew(await ScalarAsync("SELECT count(*) FROM tenant_cost_daily"), rows));
        await Rollup.RebuildAllAsync(Ct);
        Assert.Equal(CostRollup.RebuildMonths, await ScalarAsync("SELECT count(*) FROM tenant_cost_month_totals"));
        Assert.Equal(0, await MismatchesAsync());
        Assert.True(await LastMonthCentsAsync() > recomputed, "the refilled month costs more again");

        // A fresh start of the month rows leaves no totals behind.
        await ExecAsync("TRUNCATE tenant_cost_monthly");
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM tenant_cost_month_totals"));
    }

    [Fact]
    public async Task Pages_by_a_kept_figure_are_the_months_full_order_with_tenants_without_costs_among_the_zeros()
    {
        await Rollup.RebuildAllAsync(Ct);
        // A tenant without domains: no kept rows, shown at zero this month.
        var idle = Guid.CreateVersion7();
        await ExecAsync($"INSERT INTO tenants (id, name, slug, status, plan, monthly_revenue) VALUES ('{idle}', 'Aaa No Costs', 'no-costs-{idle:N}', 'active', 'starter', 10)");
        await using var scope = await App.ScopeAsAsync(Demo.Exec);
        var costs = scope.ServiceProvider.GetRequiredService<CostService>();
        var month = (await costs.GetMonthAsync(null, Ct)).Value!;
        var all = await costs.AllRowsAsync(month, Ct);
        Assert.Contains(all, r => r.TenantId == idle && r.Total == 0);
        Assert.True(all.Count(r => r.Total > 0) > 3, "enough tenants with costs for a first page read from the index");

        foreach (var (sort, figure) in new (string, Func<TenantCostRow, decimal>)[]
                 { (nameof(TenantCostRow.Total), r => r.Total), (nameof(TenantCostRow.IpCost), r => r.IpCost), (nameof(TenantCostRow.VpsCost), r => r.VpsCost) })
        {
            foreach (var descending in new[] { true, false })
            {
                // The page's order: the figure, then the name (lower case, byte order), then the id.
                var expected = (descending ? all.OrderByDescending(figure) : all.OrderBy(figure))
                    .ThenBy(r => r.Name.ToLowerInvariant(), StringComparer.Ordinal).ThenBy(r => r.TenantId.ToString(), StringComparer.Ordinal)
                    .Select(r => r.TenantId).ToList();
                var paged = new List<TenantCostRow>();
                for (var page = 0; paged.Count < all.Count; page++)
                {
                    var next = await costs.PageAsync(month, null, sort, descending, page, 3, Ct);
                    Assert.Equal(all.Count, next.Total);
                    Assert.NotEmpty(next.Rows);
                    paged.AddRange(next.Rows);
                }
                Assert.Equal(expected, paged.Select(r => r.TenantId).ToList());
                Assert.Equal(all.OrderBy(r => r.TenantId).Select(r => (r.Revenue, r.IpCost, r.VpsCost, r.Total)),
                    paged.OrderBy(r => r.TenantId).Select(r => (r.Revenue, r.IpCost, r.VpsCost, r.Total)));
            }
        }
    }
}
