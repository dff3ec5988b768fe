using InfraAdmin.Features.Costs;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InfraAdmin.Tests.Integration.Costs;

/// <summary><c>tenant_cost_monthly</c> is always the sum of its month's days in <c>tenant_cost_daily</c>, and its rounding adds up.</summary>
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
}
