using Hangfire;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Costs;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Features.Vps;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InfraAdmin.Tests.Integration.Costs;

/// <summary>
/// Changes that move cost figures ask for a recompute from the day they touch (one pending request, widened by later
/// changes, one queued job); the recompute rewrites only those days, and leaves exactly the rows a full rebuild gives.
/// </summary>
public sealed class CostRefreshTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CostRollup Rollup => App.Services.GetRequiredService<CostRollup>();

    private int QueuedRecomputes()
    {
        var api = App.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        return api.EnqueuedJobs("default", 0, 1000).Select(j => j.Value.Job)
            .Count(j => j?.Type.Name == nameof(CostRollup) && j.Method.Name == nameof(CostRollup.RunPendingAsync));
    }

    private async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        var value = await cmd.ExecuteScalarAsync(Ct);
        return value is null or DBNull ? default : (T)value;
    }

    private Task<DateOnly?> PendingAsync() => ScalarAsync<DateOnly?>("SELECT from_day FROM cost_refresh_pending");

    private async Task ClearPendingAsync()
    {
        await using var db = Db.CreateContext();
        await db.Database.ExecuteSqlRawAsync("DELETE FROM cost_refresh_pending", Ct);
    }

    /// <summary>Each kept row's key with the transaction that last wrote it (xmin): a rewritten row gets a new one.</summary>
    private async Task<Dictionary<string, string>> WritersAsync(string table, string key)
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand($"SELECT {key} || '/' || coalesce(tenant_id::text, 'idle'), xmin::text FROM {table}", conn);
        await using var r = await cmd.ExecuteReaderAsync(Ct);
        var result = new Dictionary<string, string>();
        while (await r.ReadAsync(Ct)) result[r.GetString(0)] = r.GetString(1);
        return result;
    }

    private async Task ExecAsync(string sql)
    {
        await using var db = Db.CreateContext();
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    /// <summary>Rows of the kept tables and their snapshot that differ (either way), compared exactly.</summary>
    private async Task<long> DifferencesFromSnapshotAsync() => (await ScalarAsync<long>("""
        SELECT (SELECT count(*) FROM (SELECT * FROM snap_daily EXCEPT SELECT * FROM tenant_cost_daily) a)
             + (SELECT count(*) FROM (SELECT * FROM tenant_cost_daily EXCEPT SELECT * FROM snap_daily) b)
             + (SELECT count(*) FROM (SELECT * FROM snap_monthly EXCEPT SELECT * FROM tenant_cost_monthly) c)
             + (SELECT count(*) FROM (SELECT * FROM tenant_cost_monthly EXCEPT SELECT * FROM snap_monthly) d)
        """));

    private Task SnapshotAsync() => ExecAsync("""
        DROP TABLE IF EXISTS snap_daily; DROP TABLE IF EXISTS snap_monthly;
        CREATE TABLE snap_daily AS SELECT * FROM tenant_cost_daily; CREATE TABLE snap_monthly AS SELECT * FROM tenant_cost_monthly;
        """);

    private async Task AssignAsync()
    {
        await using var db = Db.CreateContext();
        var ip = await db.SmtpIpAddresses.AsNoTracking().FirstAsync(i => i.Status == IpStatus.Available && i.Created < DateTime.UtcNow.Date && i.ApproximateCost > 0
            && !db.VpsInstances.Any(v => v.Id == i.VpsInstanceId && v.Status == VpsStatus.Decommissioned), Ct); // it exists today
        var domain = await db.Domains.AsNoTracking().Where(d => d.Status == "active")
            .Where(d => !db.DomainIpAssignments.Any(a => a.DomainId == d.Id && a.SmtpIpAddressId == ip.Id)).FirstAsync(Ct);
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        await scope.ServiceProvider.GetRequiredService<IpReputationService>().AssignDomainAsync(ip.Id, domain.Id, warming: false, expires: null, Ct);
    }

    [Fact]
    public async Task Changing_a_vps_approximate_cost_asks_for_every_kept_day_and_other_edits_ask_nothing()
    {
        await ClearPendingAsync();
        await using var db = Db.CreateContext();
        var vps = await db.VpsInstances.AsNoTracking().SingleAsync(v => v.HostwindsInstanceId == "hw-use-1002", Ct);
        var queued = QueuedRecomputes();
        var form = new VpsForm
        {
            ProviderId = vps.HostwindsInstanceId!, IpAddress = vps.IpAddress!, Region = vps.Region!, Status = vps.Status!,
            BillingDay = vps.HostwindsBillingDay!.Value, MonthlyCost = vps.MonthlyCost, ApproximateCost = vps.ApproximateCost, Version = vps.Version,
        };
        await using (var scope = await App.ScopeAsAsync(Demo.Ops))
        {
            await scope.ServiceProvider.GetRequiredService<VpsService>().UpdateAsync(vps.Id, form, Ct);
        }
        Assert.Null(await PendingAsync());
        Assert.Equal(queued, QueuedRecomputes());

        form.Version = (await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == vps.Id, Ct)).Version;
        form.ApproximateCost = vps.ApproximateCost + 5m;
        await using (var scope = await App.ScopeAsAsync(Demo.Ops))
        {
            await scope.ServiceProvider.GetRequiredService<VpsService>().UpdateAsync(vps.Id, form, Ct);
        }
        Assert.Equal(Rollup.KeptStart, await PendingAsync());
        Assert.Equal(queued + 1, QueuedRecomputes());
    }

    [Fact]
    public async Task Assigning_a_domain_asks_for_today_and_a_burst_of_changes_is_one_widened_request()
    {
        await ClearPendingAsync();
        var queued = QueuedRecomputes();
        await AssignAsync();
        Assert.Equal(Rollup.Today, await PendingAsync());
        Assert.Equal(queued + 1, QueuedRecomputes());

        await AssignAsync();
        Assert.Equal(Rollup.Today, await PendingAsync());
        Assert.Equal(queued + 1, QueuedRecomputes());

        // An earlier day widens the pending request; it queues nothing more. A day after today asks nothing.
        var earlier = Rollup.Today.AddDays(-40);
        Assert.False(await Rollup.RequestAsync(earlier, Ct));
        Assert.False(await Rollup.RequestAsync(Rollup.Today.AddDays(3), Ct));
        Assert.Equal(earlier, await PendingAsync());
        Assert.Equal(queued + 1, QueuedRecomputes());

        // The queued job claims it; the next change asks (and queues) again.
        Assert.True(await Rollup.RunPendingAsync(Ct) > 0);
        Assert.Null(await PendingAsync());
        Assert.Equal(0, await Rollup.RunPendingAsync(Ct));
        await AssignAsync();
        Assert.Equal(queued + 2, QueuedRecomputes());
    }

    [Fact]
    public async Task A_refresh_after_an_assignment_rewrites_only_today_and_leaves_the_rows_of_a_full_rebuild()
    {
        await Rollup.RebuildAllAsync(Ct);
        await ClearPendingAsync();
        var daily = await WritersAsync("tenant_cost_daily", "day::text");
        var monthly = await WritersAsync("tenant_cost_monthly", "month::text");
        var today = Rollup.Today;
        var thisMonth = new DateOnly(today.Year, today.Month, 1);

        await AssignAsync();
        Assert.Equal(today, await PendingAsync());
        Assert.True(await Rollup.RunPendingAsync(Ct) > 0);

        var dailyAfter = await WritersAsync("tenant_cost_daily", "day::text");
        var monthlyAfter = await WritersAsync("tenant_cost_monthly", "month::text");
        var todayKey = today.ToString("yyyy-MM-dd");
        var rewritten = dailyAfter.Where(r => !daily.TryGetValue(r.Key, out var x) || x != r.Value).Select(r => r.Key).ToList();
        Assert.NotEmpty(rewritten); // the new domain's tenant (and whoever shares the IP, or idle) changed today
        Assert.All(rewritten, k => Assert.StartsWith(todayKey, k));
        Assert.All(daily.Where(r => !r.Key.StartsWith(todayKey)), r => Assert.Equal(r.Value, dailyAfter[r.Key]));
        Assert.All(monthly.Where(r => DateOnly.Parse(r.Key[..10]) < thisMonth), r => Assert.Equal(r.Value, monthlyAfter[r.Key]));

        // A full rebuild now changes nothing: the refresh left exactly its rows.
        await SnapshotAsync();
        await Rollup.RebuildAllAsync(Ct);
        Assert.Equal(0, await DifferencesFromSnapshotAsync());
    }

    [Fact]
    public async Task A_rebuild_that_writes_only_what_changed_leaves_the_rows_of_a_rebuild_from_nothing()
    {
        await Rollup.RebuildAllAsync(Ct);
        // Costs change (no price history: every kept day), an assignment ends early, an IP appears mid-range, a VPS goes.
        await ExecAsync("""
            UPDATE smtp_ip_addresses SET approximate_cost = coalesce(approximate_cost, 0) + 0.37
            WHERE id IN (SELECT id FROM smtp_ip_addresses ORDER BY id LIMIT 5);
            UPDATE domain_ip_assignments SET expires = now() - interval '20 days', status = 'expired'
            WHERE id = (SELECT id FROM domain_ip_assignments WHERE expires IS NULL ORDER BY id LIMIT 1);
            UPDATE smtp_ip_addresses SET created = now() - interval '45 days' WHERE id = (SELECT id FROM smtp_ip_addresses ORDER BY id DESC LIMIT 1);
            UPDATE vps_instances SET status = 'decommissioned', decommission_scheduled_for = now() - interval '10 days'
            WHERE id = (SELECT vps_instance_id FROM smtp_ip_addresses WHERE vps_instance_id IS NOT NULL ORDER BY id LIMIT 1);
            """);
        var before = await ScalarAsync<long>("SELECT count(*) FROM tenant_cost_daily");
        await Rollup.RunPendingAsync(Ct); // nothing pending: raw SQL asked nothing
        await Rollup.RequestAsync(Rollup.KeptStart, Ct);
        await Rollup.RunPendingAsync(Ct);
        await SnapshotAsync();
        Assert.True(await ScalarAsync<long>("SELECT count(*) FROM snap_daily") > 0 && before > 0);

        await ExecAsync("DELETE FROM tenant_cost_daily; DELETE FROM tenant_cost_monthly;");
        await Rollup.RebuildAllAsync(Ct);
        Assert.Equal(0, await DifferencesFromSnapshotAsync());
    }

    [Fact]
    public async Task A_first_fill_of_an_empty_or_nearly_empty_table_rebuilds_its_indexes_and_foreign_key_and_gives_the_rows_of_a_rebuild_over_kept_rows()
    {
        const string schema = """
            SELECT string_agg(d, E'\n' ORDER BY d) FROM (
                SELECT indexdef AS d FROM pg_indexes WHERE tablename = 'tenant_cost_daily'
                UNION ALL
                SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'tenant_cost_daily'::regclass) x
            """;
        await Rollup.RebuildAllAsync(Ct);
        var before = await ScalarAsync<string>(schema);
        Assert.Contains("ux_tenant_cost_daily_day_tenant", before);
        Assert.Contains("fk_tenant_cost_daily_tenants_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE", before);

        // The first fill (nothing kept) loads the rows, then builds the indexes and the key again: the same as before.
        await ExecAsync("DELETE FROM tenant_cost_daily; DELETE FROM tenant_cost_monthly;");
        await Rollup.RebuildAllAsync(Ct);
        Assert.Equal(before, await ScalarAsync<string>(schema));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM pg_index WHERE indrelid = 'tenant_cost_daily'::regclass AND NOT indisvalid"));

        // A rebuild over the kept rows (compares, writes what differs) finds nothing to change.
        await SnapshotAsync();
        await Rollup.RebuildAllAsync(Ct);
        Assert.Equal(0, await DifferencesFromSnapshotAsync());

        // Nearly empty (seed scale after seed demo: a few rows kept, many more to write): written anew the same way. The
        // kept day's rows are rewritten although their figures are the same, which a compare-and-write would not do.
        await ExecAsync("DELETE FROM tenant_cost_daily WHERE day < (SELECT max(day) FROM tenant_cost_daily)");
        var kept = await WritersAsync("tenant_cost_daily", "day::text");
        Assert.True(CostAllocationSql.WritesAnew(kept.Count, await ScalarAsync<long>("SELECT count(*) FROM snap_daily")));
        await Rollup.RebuildAllAsync(Ct);
        Assert.Equal(0, await DifferencesFromSnapshotAsync());
        Assert.Equal(before, await ScalarAsync<string>(schema));
        var after = await WritersAsync("tenant_cost_daily", "day::text");
        Assert.All(kept, k => Assert.NotEqual(k.Value, after[k.Key]));
    }

    [Fact]
    public void A_rebuild_writes_anew_only_when_the_kept_rows_are_fewer_than_a_tenth_of_the_new_ones()
    {
        Assert.True(CostAllocationSql.WritesAnew(0, 1));
        Assert.True(CostAllocationSql.WritesAnew(4_056, 35_000_000));
        Assert.False(CostAllocationSql.WritesAnew(0, 0));
        Assert.False(CostAllocationSql.WritesAnew(100, 1_000));
        Assert.False(CostAllocationSql.WritesAnew(3_500_000, 10_012)); // a recompute from today over kept months
    }

    [Fact]
    public async Task A_rebuild_from_any_day_leaves_the_rows_a_rebuild_of_every_kept_day_gives()
    {
        await Rollup.RebuildAllAsync(Ct);
        await SnapshotAsync();
        var today = Rollup.Today;
        foreach (var from in new[] { CostMonth.Of(today).Previous.Start, CostMonth.Of(today).Start, today.AddDays(-17), today })
        {
            await Rollup.RebuildAsync(from, today, Ct);
            Assert.Equal(0, await DifferencesFromSnapshotAsync());
        }
    }
}
