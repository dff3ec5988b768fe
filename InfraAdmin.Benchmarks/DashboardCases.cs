using Microsoft.EntityFrameworkCore;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Migrations;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Audit;
using InfraAdmin.Features.Costs;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Features.Tenants;
using InfraAdmin.Features.Vps;

namespace InfraAdmin.Benchmarks;

/// <summary>Each dashboard's server-side work as its page does it, beside the plainest SQL for the same result.</summary>
public static class DashboardCases
{
    private const string Admin = DemoSeeder.Accounts.Admin;

    private static readonly DateTime MonthStart = new DateTime(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-1);
    private static readonly string Month = MonthStart.ToString("yyyy-MM");
    private static readonly Guid BigTenant = ScaleSeeder.Id(1, 42);

    /// <summary>Days on which the tenant's domains were on each IP (or VPS) over the 12 months, the plain way.</summary>
    private static string UsedSql(string columns) =>
        $"SELECT {columns}, count(DISTINCT g.day) FROM domains dm JOIN domain_ip_assignments a ON a.domain_id = dm.id " +
        "JOIN smtp_ip_addresses i ON i.id = a.smtp_ip_address_id JOIN vps_instances v ON v.id = i.vps_instance_id " +
        $"CROSS JOIN LATERAL generate_series(greatest(a.assigned::date, i.created::date, '{MonthStart.AddMonths(-11):yyyy-MM-dd}'), " +
        $"least(coalesce(a.expires::date, '{MonthStart.AddMonths(1).AddDays(-1):yyyy-MM-dd}'), '{MonthStart.AddMonths(1).AddDays(-1):yyyy-MM-dd}'), interval '1 day') g(day) " +
        $"WHERE dm.tenant_id = '{BigTenant}' GROUP BY {columns} ORDER BY 4 DESC; ";

    /// <summary>The tenants list's first page: each tenant with its numbers of users and domains.</summary>
    private static string TenantRowsSql(string where, string orderBy) =>
        "SELECT t.id, t.name, t.slug, t.plan, t.status, t.monthly_revenue, (SELECT count(*) FROM users u WHERE u.tenant_id = t.id) AS users, " +
        $"(SELECT count(*) FROM domains d WHERE d.tenant_id = t.id) AS domains FROM tenants t {where} ORDER BY {orderBy} LIMIT 25";

    /// <summary>The tenants list's first page by a count, most first: the counts as the triggers keep them, one row per tenant.</summary>
    private static string TenantRowsByCountSql(string column) =>
        $"SELECT t.id, t.name, t.slug, t.plan, t.status, t.monthly_revenue, c.users, c.domains FROM tenants t " +
        $"JOIN {Data.Migrations.TenantCounts.Table} c ON c.tenant_id = t.id ORDER BY c.{column} DESC, t.id LIMIT 25";

    public static IReadOnlyList<(string User, Case Case)> All =>
    [
        (Admin, new Case("IP grid (first 25, no filter)",
            sp => sp.GetRequiredService<IpReputationService>().SearchAsync(new IpFilter(), IpSort.IpAddress, false, 0, 25),
            "SELECT count(*) FROM smtp_ip_addresses; SELECT i.*, v.region, v.hostwinds_instance_id FROM smtp_ip_addresses i LEFT JOIN vps_instances v ON v.id = i.vps_instance_id ORDER BY i.ip_address LIMIT 25", 100)),
        (Admin, new Case("IP grid (status + region filter)",
            sp => sp.GetRequiredService<IpReputationService>().SearchAsync(new IpFilter(Status: "quarantined", Region: "us-east"), IpSort.IpAddress, false, 0, 25),
            "SELECT count(*) FROM smtp_ip_addresses i JOIN vps_instances v ON v.id = i.vps_instance_id WHERE i.status = 'quarantined' AND v.region = 'us-east'; " +
            "SELECT i.*, v.region, v.hostwinds_instance_id FROM smtp_ip_addresses i JOIN vps_instances v ON v.id = i.vps_instance_id WHERE i.status = 'quarantined' AND v.region = 'us-east' ORDER BY i.ip_address LIMIT 25", 100)),
        (Admin, new Case("IP grid (listed on any provider, stale)",
            sp => sp.GetRequiredService<IpReputationService>().SearchAsync(new IpFilter(Listed: IpFilter.AnyProvider, Stale: true), IpSort.IpAddress, false, 0, 25),
            "SELECT count(*) FROM smtp_ip_addresses i WHERE EXISTS (SELECT 1 FROM smtp_ip_listings l WHERE l.smtp_ip_address_id = i.id) " +
            "AND (i.last_reputation_check IS NULL OR i.last_reputation_check < now() - interval '24 hours'); " +
            "SELECT i.*, v.region FROM smtp_ip_addresses i LEFT JOIN vps_instances v ON v.id = i.vps_instance_id " +
            "WHERE EXISTS (SELECT 1 FROM smtp_ip_listings l WHERE l.smtp_ip_address_id = i.id) " +
            "AND (i.last_reputation_check IS NULL OR i.last_reputation_check < now() - interval '24 hours') ORDER BY i.ip_address LIMIT 25", 100)),
        (Admin, new Case("IP overview figures",
            sp => sp.GetRequiredService<IpReputationService>().OverviewAsync(),
            // The same figures from the same tables: the kept per-VPS counts summed, stale and went-bad counted from the IPs
            // and their history, the listings per provider, and the top VPS from the kept ranking (ties on the last one's
            // in-trouble and listed counts included) with stale and went-bad counted for those.
            $"SELECT count(*), {string.Join(", ", IpOverviewCounts.Columns.Select(c => $"sum({c.Column})"))} FROM ip_overview_vps; " +
            "SELECT count(*) FROM smtp_ip_addresses WHERE status IS DISTINCT FROM 'burned' AND last_reputation_check IS NULL; " +
            "SELECT count(*) FROM smtp_ip_addresses WHERE status IS DISTINCT FROM 'burned' AND last_reputation_check < now() - interval '24 hours'; " +
            "SELECT count(DISTINCT smtp_ip_address_id) FROM smtp_ip_history WHERE kind = 'status' AND to_status IN ('degraded', 'burned') AND changed >= now() - interval '7 days'; " +
            "SELECT provider, count(*) FROM smtp_ip_listings GROUP BY 1 ORDER BY 1; " +
            "SELECT * FROM (SELECT k.vps_key, v.region, v.hostwinds_instance_id, k.total, k.in_trouble, k.listed, " +
            "(SELECT count(*) FROM smtp_ip_addresses i WHERE (i.vps_instance_id = k.vps_key OR (k.vps_key = '00000000-0000-0000-0000-000000000000' AND i.vps_instance_id IS NULL)) " +
            "AND i.status IS DISTINCT FROM 'burned' AND (i.last_reputation_check IS NULL OR i.last_reputation_check < now() - interval '24 hours')) AS stale " +
            "FROM (SELECT * FROM ip_overview_vps ORDER BY in_trouble DESC, listed DESC FETCH FIRST 10 ROWS WITH TIES) k LEFT JOIN vps_instances v ON v.id = k.vps_key " +
            "ORDER BY k.in_trouble DESC, k.listed DESC, stale DESC, v.region, v.hostwinds_instance_id LIMIT 10) t, " +
            "LATERAL (SELECT count(*) FROM smtp_ip_addresses i WHERE (i.vps_instance_id = t.vps_key OR (t.vps_key = '00000000-0000-0000-0000-000000000000' AND i.vps_instance_id IS NULL)) " +
            "AND EXISTS (SELECT 1 FROM smtp_ip_history h WHERE h.smtp_ip_address_id = i.id AND h.kind = 'status' AND h.to_status IN ('degraded', 'burned') " +
            "AND h.changed >= now() - interval '7 days')) b", 100)),
        (Admin, new Case("IP detail",
            sp => sp.GetRequiredService<IpReputationService>().DetailAsync(ScaleSeeder.Id(3, 1234)),
            $"SELECT i.*, v.*, (SELECT count(*) FROM smtp_ip_addresses x WHERE x.vps_instance_id = i.vps_instance_id) FROM smtp_ip_addresses i " +
            $"LEFT JOIN vps_instances v ON v.id = i.vps_instance_id WHERE i.id = '{ScaleSeeder.Id(3, 1234)}'; " +
            $"SELECT * FROM smtp_ip_history WHERE smtp_ip_address_id = '{ScaleSeeder.Id(3, 1234)}' ORDER BY changed DESC; " +
            $"SELECT a.*, d.name, t.name FROM domain_ip_assignments a JOIN domains d ON d.id = a.domain_id JOIN tenants t ON t.id = d.tenant_id WHERE a.smtp_ip_address_id = '{ScaleSeeder.Id(3, 1234)}' ORDER BY a.assigned DESC", 100)),
        (Admin, new Case("VPS overview",
            sp => sp.GetRequiredService<VpsService>().OverviewAsync(),
            "SELECT region, status, count(*), sum(monthly_cost), sum(approximate_cost) FROM vps_instances WHERE status <> 'decommissioned' GROUP BY 1, 2; " +
            "SELECT id, hostwinds_instance_id, region, status, current_billing_period_end, monthly_cost, decommission_scheduled_for FROM vps_instances " +
            "WHERE status <> 'decommissioned' AND current_billing_period_end >= now() AND current_billing_period_end < now() + interval '7 days' ORDER BY current_billing_period_end; " +
            "SELECT coalesce(sum(monthly_cost), 0) FROM vps_instances WHERE status = 'scheduled_decommission'", 100)),
        (Admin, new Case("VPS grid (first 25, no filter)",
            sp => sp.GetRequiredService<VpsService>().SearchAsync(new VpsFilter(), 0, 25),
            "SELECT count(*) FROM vps_instances; SELECT v.*, (SELECT count(*) FROM smtp_ip_addresses i WHERE i.vps_instance_id = v.id) FROM vps_instances v ORDER BY v.hostwinds_instance_id LIMIT 25", 100)),
        (Admin, new Case("VPS grid (status + region + text)",
            sp => sp.GetRequiredService<VpsService>().SearchAsync(new VpsFilter(Status: "active", Region: "us-east", Q: "hw-scale-00"), 0, 25),
            "SELECT count(*) FROM vps_instances WHERE status = 'active' AND region = 'us-east' AND (hostwinds_instance_id ILIKE '%hw-scale-00%' OR ip_address ILIKE '%hw-scale-00%'); " +
            "SELECT v.*, (SELECT count(*) FROM smtp_ip_addresses i WHERE i.vps_instance_id = v.id) FROM vps_instances v WHERE status = 'active' AND region = 'us-east' " +
            "AND (hostwinds_instance_id ILIKE '%hw-scale-00%' OR ip_address ILIKE '%hw-scale-00%') ORDER BY v.hostwinds_instance_id LIMIT 25", 100)),
        (Admin, new Case($"Cost per tenant, month {Month} (summary, trend, first page)",
            async sp =>
            {
                var costs = sp.GetRequiredService<CostService>();
                var month = await costs.GetMonthAsync(Month);
                await costs.TrendAsync(month.Value!.Month);
                await costs.PageAsync(month.Value!, null, "Total", true, 0, 25);
            },
            // The month's kept totals, and the tenants shown with their revenue (a whole month: monthly_revenue itself).
            $"SELECT k.ip_rounded, k.vps_rounded, k.total_rounded, s.* FROM tenant_cost_month_totals k, (SELECT count(*), sum(t.monthly_revenue) FROM tenants t " +
            $"WHERE t.created < '{MonthStart.AddMonths(1):yyyy-MM-dd}' OR EXISTS (SELECT 1 FROM tenant_cost_monthly m WHERE m.month = '{MonthStart:yyyy-MM-dd}' AND m.tenant_id = t.id)) s " +
            $"WHERE k.month = '{MonthStart:yyyy-MM-dd}'; " +
            // The idle row's kept figures as the app reads them (its exact sums reach 30 significant digits at 100,000
            // tenants, more than a decimal holds; nothing shows them).
            $"SELECT days, last_day, ip_rounded, vps_rounded, total_rounded FROM tenant_cost_monthly WHERE month = '{MonthStart:yyyy-MM-dd}' AND tenant_id IS NULL; " +
            // The 12-month trend from the kept month totals.
            $"SELECT month, last_day, total_rounded + idle_total_rounded, idle_total_rounded, days FROM tenant_cost_month_totals " +
            $"WHERE month BETWEEN '{MonthStart.AddMonths(-11):yyyy-MM-dd}' AND '{MonthStart:yyyy-MM-dd}' ORDER BY 1; " +
            // The first page by total (its ties by name), the chart's top 8 being its first rows, then the page's usage.
            $"SELECT t.id, t.name, t.monthly_revenue, m.ip_rounded, m.vps_rounded, m.total_rounded FROM tenant_cost_monthly m JOIN tenants t ON t.id = m.tenant_id " +
            $"WHERE m.month = '{MonthStart:yyyy-MM-dd}' AND m.tenant_id IS NOT NULL ORDER BY m.total_rounded DESC, lower(t.name) COLLATE \"C\", t.id LIMIT 25; " +
            $"SELECT dm.tenant_id, count(DISTINCT a.domain_id), count(DISTINCT a.smtp_ip_address_id) FROM domain_ip_assignments a JOIN domains dm ON dm.id = a.domain_id " +
            $"WHERE dm.tenant_id IN (SELECT m.tenant_id FROM tenant_cost_monthly m WHERE m.month = '{MonthStart:yyyy-MM-dd}' AND m.tenant_id IS NOT NULL ORDER BY m.total_rounded DESC LIMIT 25) " +
            $"AND a.assigned < '{MonthStart.AddMonths(1):yyyy-MM-dd}' AND (a.expires IS NULL OR a.expires > '{MonthStart:yyyy-MM-dd}') GROUP BY 1", 500)),
        (Admin, new Case("Cost of one tenant, 12 months",
            sp => sp.GetRequiredService<CostService>().GetTenantAsync(BigTenant, Month),
            $"SELECT id, name, monthly_revenue FROM tenants WHERE id = '{BigTenant}'; " +
            $"SELECT month, max(last_day), sum(ip_rounded) FILTER (WHERE tenant_id IS NOT NULL), sum(vps_rounded) FILTER (WHERE tenant_id IS NOT NULL), " +
            $"sum(total_rounded) FILTER (WHERE tenant_id IS NOT NULL) FROM tenant_cost_monthly " +
            $"WHERE (tenant_id = '{BigTenant}' OR tenant_id IS NULL) AND month BETWEEN '{MonthStart.AddMonths(-11):yyyy-MM-dd}' AND '{MonthStart:yyyy-MM-dd}' GROUP BY 1 ORDER BY 1; " +
            UsedSql("i.id, i.ip_address, v.hostwinds_instance_id") + UsedSql("v.id, v.hostwinds_instance_id, v.region"), 500)),
        (Admin, new Case("Audit page (first 25, no filter)",
            sp => sp.GetRequiredService<AuditService>().SearchAsync(new AuditFilter(), 0, 25),
            "SELECT count(*) FROM audit_log; SELECT * FROM audit_log ORDER BY created DESC, id DESC LIMIT 25", 100)),
        (Admin, new Case("Audit page (entity filter)",
            sp => sp.GetRequiredService<AuditService>().SearchAsync(new AuditFilter(Entity: "users", Action: "sign_in"), 0, 25),
            "SELECT count(*) FROM audit_log WHERE entity_type = 'users' AND action = 'sign_in'; SELECT * FROM audit_log WHERE entity_type = 'users' AND action = 'sign_in' ORDER BY created DESC, id DESC LIMIT 25", 100)),
        (Admin, new Case("Audit page (action filter)",
            sp => sp.GetRequiredService<AuditService>().SearchAsync(new AuditFilter(Action: "ip.quarantine"), 0, 25),
            "SELECT count(*) FROM audit_log WHERE action = 'ip.quarantine'; SELECT * FROM audit_log WHERE action = 'ip.quarantine' ORDER BY created DESC, id DESC LIMIT 25", 100)),
        (Admin, new Case("Tenants (first 25, no filter)",
            sp => sp.GetRequiredService<TenantService>().ListAsync(new TenantListQuery()),
            "SELECT count(*) FROM tenants; " + TenantRowsSql("", "t.name, t.id"), 100)),
        (Admin, new Case("Tenants (name search)",
            sp => sp.GetRequiredService<TenantService>().ListAsync(new TenantListQuery(Search: "Tenant 04242")),
            "SELECT count(*) FROM tenants t WHERE t.name ILIKE '%Tenant 04242%' OR t.slug ILIKE '%Tenant 04242%'; " +
            TenantRowsSql("WHERE t.name ILIKE '%Tenant 04242%' OR t.slug ILIKE '%Tenant 04242%'", "t.name, t.id"), 100)),
        (Admin, new Case("Tenants (sorted by domains)",
            sp => sp.GetRequiredService<TenantService>().ListAsync(new TenantListQuery(SortBy: nameof(TenantListRow.Domains), Descending: true)),
            "SELECT count(*) FROM tenants; " + TenantRowsByCountSql("domains"), 100)),
        (Admin, new Case("Tenants (sorted by users)",
            sp => sp.GetRequiredService<TenantService>().ListAsync(new TenantListQuery(SortBy: nameof(TenantListRow.Users), Descending: true)),
            "SELECT count(*) FROM tenants; " + TenantRowsByCountSql("users"), 100)),
        (Admin, new Case("Permission check (cached)",
            async sp =>
            {
                var store = sp.GetRequiredService<PermissionStore>();
                var access = await store.GetAsync(SeedIds.For("user:" + Admin));
                if (!access.Has(Permissions.Ip.View)) throw new InvalidOperationException("admin lacks ip.view");
            },
            $"SELECT p.name FROM staff_members s JOIN staff_role_permissions rp ON rp.role_id = s.role_id JOIN permissions p ON p.id = rp.permission_id WHERE s.user_id = '{SeedIds.For("user:" + Admin)}'", 1)),
    ];

    /// <summary>Timings that are not a page, reported on their own (for example the cost roll-up's full rebuild).</summary>
    public static async Task<IReadOnlyList<string>> ExtrasAsync(Harness harness)
    {
        await using var scope = await harness.ScopeAsAsync(Admin);
        var rollup = scope.ServiceProvider.GetRequiredService<CostRollup>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var rows = await rollup.RebuildAsync(DateOnly.FromDateTime(MonthStart), DateOnly.FromDateTime(MonthStart.AddMonths(1).AddDays(-1)));
        var month = watch.Elapsed.TotalSeconds;
        var change = await ChangeToFiguresAsync(scope.ServiceProvider);
        return [$"Cost roll-up: one month ({rows:N0} rows) rebuilt in {month:F1} s; the full 25-month rebuild is `costs rebuild` (see README).", change];
    }

    /// <summary>
    /// Time from a change to updated cost figures: a domain assigned to an IP (the operator's action, which requests a
    /// recompute from today), the recompute that request queues (run here directly; the app's job server takes it at once
    /// through long polling), and the month's figures read again as the open cost page does after the roll-up's change
    /// notification; then the same back (the assignment expired), so the data set is as it was.
    /// </summary>
    private static async Task<string> ChangeToFiguresAsync(IServiceProvider sp)
    {
        var ips = sp.GetRequiredService<IpReputationService>();
        var rollup = sp.GetRequiredService<CostRollup>();
        var costs = sp.GetRequiredService<CostService>();
        var dbFactory = sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.InfraAdminDbContext>>();
        Guid ip, domain;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            ip = await db.SmtpIpAddresses.Where(i => i.Status == "assigned").OrderBy(i => i.IpAddress).Select(i => i.Id).FirstAsync();
            domain = await db.Domains.Where(d => !db.DomainIpAssignments.Any(a => a.DomainId == d.Id && a.SmtpIpAddressId == ip && a.Expires == null))
                .OrderBy(d => d.Name).Select(d => d.Id).FirstAsync();
        }
        var times = new List<(double Change, double Recompute, double Read, int Rows)>();
        foreach (var assign in new[] { true, false })
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            if (assign) await ips.AssignDomainAsync(ip, domain, warming: false, expires: null);
            else
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                var a = await db.DomainIpAssignments.Where(x => x.DomainId == domain && x.SmtpIpAddressId == ip && x.Expires == null)
                    .Select(x => new { x.Id, x.Version }).FirstAsync();
                await ips.ExpireAssignmentAsync(a.Id, a.Version);
            }
            var changed = watch.Elapsed.TotalSeconds;
            var rows = await rollup.RunPendingAsync();
            var recomputed = watch.Elapsed.TotalSeconds;
            _ = await costs.GetMonthAsync(null);
            times.Add((changed, recomputed - changed, watch.Elapsed.TotalSeconds - recomputed, rows));
        }
        return "Change to updated cost figures (assign a domain, then expire it): " + string.Join("; ", times.Select((t, i) =>
            $"{(i == 0 ? "assign" : "expire")} {t.Change + t.Recompute + t.Read:F1} s (change {t.Change * 1000:F0} ms, recompute from today {t.Recompute:F1} s, " +
            $"{t.Rows:N0} day rows recomputed, month re-read {t.Read * 1000:F0} ms)")) + "; plus the job's pick-up and the page's 250 ms coalescing window.";
    }
}
