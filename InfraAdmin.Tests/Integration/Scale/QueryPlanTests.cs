using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.Audit;
using InfraAdmin.Features.Costs;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Features.Vps;
using InfraAdmin.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Scale;

/// <summary>
/// On a mid-sized generated set (after ANALYZE), EXPLAIN every query a dashboard sends and fail on a sequential scan
/// of a large table where an index or the cost roll-up should serve.
/// </summary>
public sealed class QueryPlanTests(QueryPlanTests.ScaleFixture fixture) : IClassFixture<QueryPlanTests.ScaleFixture>
{
    private static readonly string[] LargeTables =
        ["domain_ip_assignments", "domains", "leads", "smtp_ip_addresses", "campaigns", "campaign_sequence_steps", "tenant_cost_daily",
         "audit_log", "smtp_ip_history"];

    /// <summary>
    /// Tables a dashboard reads whole by definition (none now: the IP overview, which counted every IP, reads kept per-VPS
    /// counts and indexes since issue 17).
    /// </summary>
    private static readonly Dictionary<string, string[]> ReadWhole = [];

    public sealed class ScaleFixture : IAsyncLifetime
    {
        public TestDatabase Database { get; } = new();
        public InfraAdminFactory App { get; private set; } = default!;

        /// <summary>
        /// Listening from before the first context exists: EF caches "is anyone listening?" for a second per (pooled)
        /// context, so a listener added just before a query could miss it.
        /// </summary>
        public QueryCapture Capture { get; private set; } = default!;

        public async ValueTask InitializeAsync()
        {
            await Database.InitializeAsync();
            Capture = new QueryCapture(Database.Name);
            await new ScaleSeeder(Database.ConnectionString, _ => { }).SeedAsync(tenants: 1000);
            App = new InfraAdminFactory(Database);
            await App.Services.GetRequiredService<CostRollup>().RebuildAllAsync();
            // As autovacuum leaves a table after a bulk load, but now rather than whenever it comes by: whether the pages
            // are marked all-visible decides whether an index-only count beats a sequential scan, and a plan must not
            // depend on whether autovacuum got there before the test.
            await using var conn = new Npgsql.NpgsqlConnection(Database.ConnectionString);
            await conn.OpenAsync();
            await using var vacuum = new Npgsql.NpgsqlCommand("VACUUM (ANALYZE)", conn);
            vacuum.CommandTimeout = 600;
            await vacuum.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            Capture.Dispose();
            await App.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    public static TheoryData<string> Dashboards() => [.. DashboardQueries.Keys];

    private static readonly Dictionary<string, (string User, Func<IServiceProvider, Task> Run)> DashboardQueries = new()
    {
        ["audit: entity types"] = (Demo.Admin, sp => sp.GetRequiredService<AuditService>().EntityTypesAsync()),
        ["audit: first page"] = (Demo.Admin, sp => sp.GetRequiredService<AuditService>().SearchAsync(new AuditFilter(), 0, 25)),
        ["audit: entity filter"] = (Demo.Admin, sp => sp.GetRequiredService<AuditService>().SearchAsync(new AuditFilter(Entity: "tenants", EntityId: Demo.AcmeTenant.ToString()), 0, 25)),
        ["audit: action filter"] = (Demo.Admin, sp => sp.GetRequiredService<AuditService>().SearchAsync(new AuditFilter(Action: "ip.quarantine"), 0, 25)),
        ["ip: grid page"] = (Demo.Admin, sp => sp.GetRequiredService<IpReputationService>().SearchAsync(new IpFilter(), IpSort.IpAddress, false, 0, 25)),
        ["ip: grid filtered by status and region"] = (Demo.Admin, sp => sp.GetRequiredService<IpReputationService>().SearchAsync(new IpFilter(Status: "quarantined", Region: "us-east"), IpSort.IpAddress, false, 0, 25)),
        ["ip: grid listed on one provider"] = (Demo.Admin, sp => sp.GetRequiredService<IpReputationService>().SearchAsync(new IpFilter(Listed: "sorbs"), IpSort.IpAddress, false, 0, 25)),
        ["ip: overview figures"] = (Demo.Admin, sp => sp.GetRequiredService<IpReputationService>().OverviewAsync()),
        ["ip: vps filter search"] = (Demo.Admin, sp => sp.GetRequiredService<IpReputationService>().VpsOptionsAsync("scale-0001")),
        ["ip: detail"] = (Demo.Admin, sp => sp.GetRequiredService<IpReputationService>().DetailAsync(ScaleSeeder.Id(3, 123))),
        ["ip: blast radius"] = (Demo.Admin, sp => sp.GetRequiredService<IpReputationService>().BlastRadiusAsync([ScaleSeeder.Id(3, 123), ScaleSeeder.Id(3, 124)], "quarantined")),
        ["vps: overview"] = (Demo.Admin, sp => sp.GetRequiredService<VpsService>().OverviewAsync()),
        ["vps: grid page"] = (Demo.Admin, sp => sp.GetRequiredService<VpsService>().SearchAsync(new VpsFilter(), 0, 25)),
        ["vps: detail"] = (Demo.Admin, sp => sp.GetRequiredService<VpsService>().GetAsync(ScaleSeeder.Id(2, 7))),
        ["vps: decommission impact"] = (Demo.Admin, sp => sp.GetRequiredService<VpsService>().PreviewDecommissionAsync(ScaleSeeder.Id(2, 7))),
        ["costs: month"] = (Demo.Admin, async sp =>
        {
            var costs = sp.GetRequiredService<CostService>();
            var month = await costs.GetMonthAsync(LastMonth);
            await costs.PageAsync(month.Value!, null, null, false, 0, 25);
        }),
        ["costs: 12-month trend"] = (Demo.Admin, sp => sp.GetRequiredService<CostService>().TrendAsync(CostMonth.Current(TimeProvider.System))),
        ["costs: executive overview"] = (Demo.Admin, sp => sp.GetRequiredService<CostService>().ExecutiveOverviewAsync()),
        ["costs: tenant 12 months"] = (Demo.Admin, sp => sp.GetRequiredService<CostService>().GetTenantAsync(ScaleSeeder.Id(1, 42), LastMonth)),
    };

    private static string LastMonth => DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM");

    [Theory]
    [MemberData(nameof(Dashboards))]
    public async Task No_dashboard_query_scans_a_large_table(string dashboard)
    {
        var (user, run) = DashboardQueries[dashboard];
        var capture = fixture.Capture;
        await using (var scope = await fixture.App.ScopeAsAsync(user))
        {
            capture.Clear();
            await run(scope.ServiceProvider);
        }
        // Permission look-ups are not the dashboard's; an unfiltered total (the grid's "N rows") reads the whole table by definition.
        var commands = capture.Commands
            .Where(c => !c.Sql.Contains("staff_members") && !c.Sql.Contains("FROM users"))
            .Where(c => !(c.Sql.TrimStart().StartsWith("SELECT count(*)", StringComparison.Ordinal) && !c.Sql.Contains("WHERE")))
            .ToList();
        Assert.NotEmpty(commands);
        foreach (var command in commands)
        {
            var plan = await command.PlanAsync(fixture.Database.ConnectionString);
            var allowed = ReadWhole.GetValueOrDefault(dashboard, []);
            // A month of audit_log not yet written (the coming months, the default partition) is empty: reading it whole costs nothing.
            var empty = await EmptyAuditPartitionsAsync();
            var scans = plan.Where(n => n.Node == "Seq Scan" && !empty.Contains(n.Relation!))
                .Select(n => (n.Node, Relation: Table(n.Relation), Partition: n.Relation))
                .Where(n => LargeTables.Contains(n.Relation) && !allowed.Contains(n.Relation!)).ToList();
            Assert.True(scans.Count == 0, $"{dashboard}: sequential scan of {string.Join(", ", scans.Select(s => s.Partition))} in\n{command.Sql}");
        }
    }

    private async Task<HashSet<string>> EmptyAuditPartitionsAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(fixture.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'public.audit_log'::regclass AND NOT EXISTS (SELECT FROM audit_log WHERE tableoid = c.oid)
            """, conn);
        var names = new HashSet<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) names.Add(r.GetString(0));
        return names;
    }

    /// <summary>The table a plan node reads: a partition of audit_log (audit_log_2026_12, audit_log_default) counts as audit_log.</summary>
    private static string? Table(string? relation) =>
        relation is not null && relation.StartsWith(Data.Audit.AuditPartitions.Parent + "_", StringComparison.Ordinal)
            && (relation == Data.Audit.AuditPartitions.Default || Data.Audit.AuditPartitions.TryParse(relation, out _))
            ? Data.Audit.AuditPartitions.Parent
            : relation;
}
