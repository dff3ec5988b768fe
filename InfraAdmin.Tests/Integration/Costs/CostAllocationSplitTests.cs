using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Costs;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InfraAdmin.Tests.Integration.Costs;

/// <summary>
/// A long range is allocated in two parts at once, the later days on a second connection
/// (<see cref="CostAllocationSql.SplitDay"/>): the kept rows must be exactly those of one allocation of the whole range on one
/// connection, on the demo data and a generated data set (300 tenants: assignments starting, ending and overlapping on
/// any day, VPS decommissioned, IPs created late).
/// </summary>
public sealed class CostAllocationSplitTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await new ScaleSeeder(_db.ConnectionString, _ => { }).SeedAsync(300);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(_db.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct));
    }

    private async Task ExecAsync(string sql)
    {
        await using var db = _db.CreateContext();
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    /// <summary>Rebuilds the days from..to, split in two when <paramref name="split"/> (a helper context), else on one connection.</summary>
    private async Task<int> RebuildAsync(DateOnly from, DateOnly to, bool split)
    {
        await using var db = _db.CreateContext();
        await using var helper = split ? _db.CreateContext() : null;
        return await CostAllocationSql.RebuildAsync(db, helper, from, to, Ct);
    }

    private Task SnapshotAsync() => ExecAsync("""
        DROP TABLE IF EXISTS snap_daily; DROP TABLE IF EXISTS snap_monthly; DROP TABLE IF EXISTS snap_totals;
        CREATE TABLE snap_daily AS SELECT * FROM tenant_cost_daily; CREATE TABLE snap_monthly AS SELECT * FROM tenant_cost_monthly;
        CREATE TABLE snap_totals AS SELECT * FROM tenant_cost_month_totals;
        """);

    /// <summary>Rows of the kept tables and their snapshot that differ (either way), compared exactly.</summary>
    private Task<long> DifferencesFromSnapshotAsync() => ScalarAsync("""
        SELECT (SELECT count(*) FROM (SELECT * FROM snap_daily EXCEPT ALL SELECT * FROM tenant_cost_daily) a)
             + (SELECT count(*) FROM (SELECT * FROM tenant_cost_daily EXCEPT ALL SELECT * FROM snap_daily) b)
             + (SELECT count(*) FROM (SELECT * FROM snap_monthly EXCEPT ALL SELECT * FROM tenant_cost_monthly) c)
             + (SELECT count(*) FROM (SELECT * FROM tenant_cost_monthly EXCEPT ALL SELECT * FROM snap_monthly) d)
             + (SELECT count(*) FROM (SELECT * FROM snap_totals EXCEPT ALL SELECT * FROM tenant_cost_month_totals) e)
             + (SELECT count(*) FROM (SELECT * FROM tenant_cost_month_totals EXCEPT ALL SELECT * FROM snap_totals) f)
        """);

    [Theory]
    [InlineData(-24, 0, 0)]  // every kept month to today, as seed scale fills them
    [InlineData(-2, 17, 45)] // from the 18th of a month, split mid-month
    [InlineData(-1, 0, 28)]  // the shortest range that is split
    public async Task A_range_split_across_two_connections_gives_the_rows_of_one_allocation_on_one(int monthsBack, int startDay, int days)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var from = new DateOnly(today.Year, today.Month, 1).AddMonths(monthsBack).AddDays(startDay);
        var to = monthsBack == -24 ? today : from.AddDays(days - 1);
        Assert.NotNull(CostAllocationSql.SplitDay(from, to, null));

        // One connection, into an empty table (the refill), then split into an empty table.
        await ExecAsync("DELETE FROM tenant_cost_daily; DELETE FROM tenant_cost_monthly;");
        var rows = await RebuildAsync(from, to, split: false);
        Assert.True(rows > 1_000, $"{rows} rows: the data set reaches the range");
        Assert.True(await ScalarAsync("SELECT count(DISTINCT tenant_id) FROM tenant_cost_daily") > 100);
        await SnapshotAsync();
        // Both parts have tenant rows to give.
        DateOnly? halfCovered;
        await using (var db = _db.CreateContext())
            halfCovered = await db.Database.SqlQueryRaw<DateOnly?>(CostAllocationSql.WithDays(CostAllocationSql.HalfCovered, from, to)).SingleAsync(Ct);
        var later = CostAllocationSql.SplitDay(from, to, halfCovered)!.Value;
        Assert.True(await ScalarAsync($"SELECT count(*) FROM snap_daily WHERE tenant_id IS NOT NULL AND day < '{later:yyyy-MM-dd}'") > 100);
        Assert.True(await ScalarAsync($"SELECT count(*) FROM snap_daily WHERE tenant_id IS NOT NULL AND day >= '{later:yyyy-MM-dd}'") > 100);

        await ExecAsync("DELETE FROM tenant_cost_daily; DELETE FROM tenant_cost_monthly;");
        Assert.Equal(rows, await RebuildAsync(from, to, split: true));
        Assert.Equal(0, await DifferencesFromSnapshotAsync());

        // Split again over the kept rows (compares and writes what differs): nothing changes.
        Assert.Equal(rows, await RebuildAsync(from, to, split: true));
        Assert.Equal(0, await DifferencesFromSnapshotAsync());

        // The helper's table went with the rebuild that read it.
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM pg_class WHERE relname = 'cost_new_later'"));
    }

    [Fact]
    public void Ranges_of_four_weeks_or_more_are_split_after_the_day_half_their_coverage_is_reached()
    {
        var from = new DateOnly(2026, 11, 1);
        var fourWeeks = from.AddDays(CostAllocationSql.MinDaysToSplit - 1);
        Assert.Null(CostAllocationSql.SplitDay(from, from, from));
        Assert.Null(CostAllocationSql.SplitDay(from, fourWeeks.AddDays(-1), from.AddDays(10)));
        Assert.Equal(from.AddDays(11), CostAllocationSql.SplitDay(from, fourWeeks, from.AddDays(10)));
        // Nothing covered: the middle day. Half covered on the last day or before the first: one day stays on a side.
        Assert.Equal(from.AddDays(14), CostAllocationSql.SplitDay(from, fourWeeks, null));
        Assert.Equal(fourWeeks, CostAllocationSql.SplitDay(from, fourWeeks, fourWeeks));
        Assert.Equal(from.AddDays(1), CostAllocationSql.SplitDay(from, fourWeeks, from.AddDays(-3)));
    }
}
