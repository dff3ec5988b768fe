using InfraAdmin.Authorization;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Audit;
using InfraAdmin.Features.Costs;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Features.Vps;

namespace InfraAdmin.Benchmarks;

/// <summary>Each dashboard's server-side work as its page does it, beside the plainest SQL for the same result.</summary>
public static class DashboardCases
{
    private const string Admin = DemoSeeder.Accounts.Admin;

    private static readonly DateTime MonthStart = new DateTime(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-1);
    private static readonly string Month = MonthStart.ToString("yyyy-MM");
    private static readonly Guid BigTenant = ScaleSeeder.Id(1, 42);

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
            "SELECT count(*) FROM smtp_ip_addresses i WHERE jsonb_path_exists(i.provider_blacklist_status, '$.* ? (@.listed == true)') AND (i.last_reputation_check IS NULL OR i.last_reputation_check < now() - interval '24 hours'); " +
            "SELECT i.*, v.region FROM smtp_ip_addresses i LEFT JOIN vps_instances v ON v.id = i.vps_instance_id WHERE jsonb_path_exists(i.provider_blacklist_status, '$.* ? (@.listed == true)') " +
            "AND (i.last_reputation_check IS NULL OR i.last_reputation_check < now() - interval '24 hours') ORDER BY i.ip_address LIMIT 25", 100)),
        (Admin, new Case("IP overview figures",
            sp => sp.GetRequiredService<IpReputationService>().OverviewAsync(),
            "SELECT status, count(*) FROM smtp_ip_addresses GROUP BY 1; SELECT reputation_state, count(*) FROM smtp_ip_addresses GROUP BY 1; " +
            "SELECT e.key, count(*) FROM smtp_ip_addresses i CROSS JOIN LATERAL jsonb_each(i.provider_blacklist_status) e WHERE e.value ->> 'listed' = 'true' GROUP BY 1; " +
            "SELECT v.region, v.id, count(*), count(*) FILTER (WHERE i.status IN ('degraded', 'quarantined') OR i.reputation_state IN ('poor', 'critical')), " +
            "count(*) FILTER (WHERE jsonb_path_exists(i.provider_blacklist_status, '$.* ? (@.listed == true)')), " +
            "count(*) FILTER (WHERE i.last_reputation_check IS NULL OR i.last_reputation_check < now() - interval '24 hours'), " +
            "count(*) FILTER (WHERE EXISTS (SELECT 1 FROM smtp_ip_history h WHERE h.smtp_ip_address_id = i.id AND h.to_status IN ('degraded', 'burned') AND h.changed >= now() - interval '7 days')) " +
            "FROM smtp_ip_addresses i LEFT JOIN vps_instances v ON v.id = i.vps_instance_id GROUP BY 1, 2", 100)),
        (Admin, new Case("IP detail",
            sp => sp.GetRequiredService<IpReputationService>().DetailAsync(ScaleSeeder.Id(3, 1234)),
            $"SELECT i.*, v.* FROM smtp_ip_addresses i LEFT JOIN vps_instances v ON v.id = i.vps_instance_id WHERE i.id = '{ScaleSeeder.Id(3, 1234)}'; " +
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
        (Admin, new Case($"Cost per tenant, month {Month} (summary + first page)",
            async sp =>
            {
                var costs = sp.GetRequiredService<CostService>();
                var month = await costs.GetMonthAsync(Month);
                await costs.PageAsync(month.Value!, null, "Total", true, 0, 25);
            },
            $"SELECT m.tenant_id, t.name, t.monthly_revenue, round(m.ip_cost, 12), round(m.vps_cost, 12), m.days, m.last_day FROM tenant_cost_monthly m " +
            $"LEFT JOIN tenants t ON t.id = m.tenant_id WHERE m.month = '{MonthStart:yyyy-MM-dd}'", 500)),
        (Admin, new Case("Cost of one tenant, 12 months",
            sp => sp.GetRequiredService<CostService>().GetTenantAsync(BigTenant, Month),
            $"SELECT date_trunc('month', day), sum(ip_cost), sum(vps_cost) FROM tenant_cost_daily WHERE tenant_id = '{BigTenant}' " +
            $"AND day >= '{MonthStart.AddMonths(-11):yyyy-MM-dd}' AND day < '{MonthStart.AddMonths(1):yyyy-MM-dd}' GROUP BY 1 ORDER BY 1", 500)),
        (Admin, new Case("Audit page (first 25, no filter)",
            sp => sp.GetRequiredService<AuditService>().SearchAsync(new AuditFilter(), 0, 25),
            "SELECT count(*) FROM audit_log; SELECT * FROM audit_log ORDER BY created DESC, id DESC LIMIT 25", 100)),
        (Admin, new Case("Audit page (entity filter)",
            sp => sp.GetRequiredService<AuditService>().SearchAsync(new AuditFilter(Entity: "users", Action: "sign_in"), 0, 25),
            "SELECT count(*) FROM audit_log WHERE entity_type = 'users' AND action = 'sign_in'; SELECT * FROM audit_log WHERE entity_type = 'users' AND action = 'sign_in' ORDER BY created DESC, id DESC LIMIT 25", 100)),
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
        return [$"Cost roll-up: one month ({rows:N0} rows) rebuilt in {month:F1} s; the full 13-month rebuild is `costs rebuild` (see README)."];
    }
}
