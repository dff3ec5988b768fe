using InfraAdmin.Features.Costs;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InfraAdmin.Tests.Integration.Costs;

/// <summary>
/// <c>tenant_cost_monthly</c> is always the sum of its month's days in <c>tenant_cost_daily</c>, and its rounding adds up;
/// the kept month totals (<c>tenant_cost_month_totals</c>) are always a recount of the month's rows.
/// </summary>
public sealed class MonthlyRollUpTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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

    /// <summary>Months (or month-tenants) where the kept month and the sum of its days disagree.</summary>
    private Task<long> DisagreementsAsync() => ScalarAsync("""
        SELECT count(*) FROM (
            SELECT date_trunc('month', day::timestamp)::date AS month, tenant_id,
                   sum(ip_cost) AS ip, sum(vps_cost) AS vps, count(*)::int AS days, max(day) AS last_day
            FROM tenant_cost_daily GROUP BY 1, 2) d
        FULL JOIN tenant_cost_monthly m ON m.month = d.month AND m.tenant_id IS NOT DISTINCT FROM d.tenant_id
        WHERE m.month IS NULL OR d.month IS NULL
           OR (m.ip_cost, m.vps_cost, m.days, m.last_day) IS DISTINCT FROM (d.ip, d.vps, d.days, d.last_day)
        """);

    /// <summary>Months whose rounded rows do not add up to the rounded exact total, in any column.</summary>
    private Task<long> UnbalancedMonthsAsync() => ScalarAsync("""
        SELECT count(*) FROM (
            SELECT month FROM tenant_cost_monthly GROUP BY month
            HAVING sum(ip_rounded) <> round(sum(round(ip_cost, 12)), 2)
                OR sum(vps_rounded) <> round(sum(round(vps_cost, 12)), 2)
                OR sum(total_rounded) <> round(sum(round(ip_cost, 12) + round(vps_cost, 12)), 2)) x
        """);

    [Fact]
    public async Task A_partial_rebuild_across_two_months_leaves_every_month_equal_to_its_days()
    {
        var rollup = App.Services.GetRequiredService<CostRollup>();
        await rollup.RebuildAllAsync(Ct);
        Assert.True(await ScalarAsync("SELECT count(DISTINCT month) FROM tenant_cost_monthly") == CostRollup.RebuildMonths);
        Assert.Equal(0, await DisagreementsAsync());
        Assert.Equal(0, await UnbalancedMonthsAsync());

        // A cost change, then a rebuild of only the 10th of last month to the 5th of this one.
        await using (var db = Db.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE smtp_ip_addresses SET approximate_cost = approximate_cost + 1.37", Ct);
        }
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var before = await ScalarAsync($"SELECT round(sum(total_rounded) * 100)::bigint FROM tenant_cost_monthly WHERE month = '{thisMonth.AddMonths(-1):yyyy-MM-dd}'");
        await rollup.RebuildAsync(thisMonth.AddMonths(-1).AddDays(9), thisMonth.AddDays(4), Ct);

        Assert.Equal(0, await DisagreementsAsync());
        Assert.Equal(0, await UnbalancedMonthsAsync());
        var after = await ScalarAsync($"SELECT round(sum(total_rounded) * 100)::bigint FROM tenant_cost_monthly WHERE month = '{thisMonth.AddMonths(-1):yyyy-MM-dd}'");
        Assert.True(after > before, "the rebuilt days of last month cost more now");
    }

    [Fact]
    public async Task The_kept_totals_equal_a_recount_after_a_full_rebuild_a_recompute_from_a_day_and_a_refill()
    {
        var rollup = App.Services.GetRequiredService<CostRollup>();
        await rollup.RebuildAllAsync(Ct);
        Assert.Equal(CostRollup.RebuildMonths, await ScalarAsync("SELECT count(*) FROM tenant_cost_month_totals"));
        Assert.Equal(0, await MismatchesAsync());

        // A cost change, then the recompute a change asks for: from the 10th of last month to today.
        await ExecAsync("UPDATE smtp_ip_addresses SET approximate_cost = approximate_cost + 1.37");
        var before = await LastMonthCentsAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await rollup.RequestAsync(new DateOnly(today.Year, today.Month, 1).AddMonths(-1).AddDays(9), Ct);
        await rollup.RunPendingAsync(Ct);
        Assert.Equal(0, await MismatchesAsync());
        var recomputed = await LastMonthCentsAsync();
        Assert.True(recomputed > before, "the recomputed days of last month cost more, and its totals say so");

        // Nearly empty (seed scale after seed demo): the refill writes every row anew, and the totals with them.
        await ExecAsync("UPDATE vps_instances SET approximate_cost = approximate_cost + 2.11");
        var rows = await ScalarAsync("SELECT count(*) FROM tenant_cost_daily");
        await ExecAsync("DELETE FROM tenant_cost_daily WHERE day < (SELECT max(day) FROM tenant_cost_daily)");
        Assert.True(CostAllocationSql.WritesAnew(await ScalarAsync("SELECT count(*) FROM tenant_cost_daily"), rows));
        await rollup.RebuildAllAsync(Ct);
        Assert.Equal(CostRollup.RebuildMonths, await ScalarAsync("SELECT count(*) FROM tenant_cost_month_totals"));
        Assert.Equal(0, await MismatchesAsync());
        Assert.True(await LastMonthCentsAsync() > recomputed, "the refilled month costs more again");

        // A fresh start of the month rows leaves no totals behind.
        await ExecAsync("TRUNCATE tenant_cost_monthly");
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM tenant_cost_month_totals"));
    }
}
