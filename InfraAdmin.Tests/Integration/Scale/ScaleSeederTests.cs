using InfraAdmin.Data.Seeding;
using InfraAdmin.Tests.Support;
using Npgsql;

namespace InfraAdmin.Tests.Integration.Scale;

/// <summary><c>seed scale</c> at a small N: the promised volumes per tenant, consistent rows, and the derived tables kept.</summary>
public sealed class ScaleSeederTests : IAsyncLifetime
{
    private const int Tenants = 100;
    private readonly TestDatabase _db = new();
    private readonly List<string> _progress = [];
    private string _schemaBefore = "";

    /// <summary>Every index of the tables the seed loads and every constraint, as the catalog defines them (partitions apart: the seed adds months).</summary>
    private const string Schema = """
        SELECT string_agg(d, E'\n' ORDER BY d) FROM (
            SELECT indexdef AS d FROM pg_indexes
            WHERE tablename IN ('tenants', 'vps_instances', 'smtp_ip_addresses', 'smtp_ip_history', 'domains', 'domain_ip_assignments',
                                'campaigns', 'campaign_sequence_steps', 'leads', 'audit_log', 'smtp_ip_listings')
            UNION ALL
            SELECT c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid WHERE NOT r.relispartition) x
        """;

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        _schemaBefore = await TextAsync(Schema);
        await new ScaleSeeder(_db.ConnectionString, _progress.Add).SeedAsync(Tenants);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private async Task<long> ScalarAsync(string sql) => Convert.ToInt64(await QueryAsync(sql));

    private async Task<string> TextAsync(string sql) => (string)(await QueryAsync(sql))!;

    private async Task<object?> QueryAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(_db.ConnectionString);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_indexes_and_keys_set_aside_for_the_load_are_built_again_as_they_were()
    {
        var after = await TextAsync(Schema);
        Assert.Equal(_schemaBefore, after);
        Assert.Contains("ux_domain_ip_assignments_one_active", after);
        Assert.Contains("fk_leads_tenants_tenant_id FOREIGN KEY", after);
        Assert.Contains("ix_audit_log_created ON ONLY public.audit_log", after);
        // The parent's indexes reach every partition again, the ones the seed created included.
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM pg_index WHERE NOT indisvalid"));
        Assert.Equal(0, await ScalarAsync("""
            SELECT count(*) FROM pg_inherits p JOIN pg_class c ON c.oid = p.inhrelid
            WHERE p.inhparent = 'audit_log'::regclass
              AND (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid) <> (SELECT count(*) FROM pg_index i WHERE i.indrelid = 'audit_log'::regclass)
            """));
        Assert.Contains(_progress, p => p.StartsWith("Secondary indexes and foreign keys built", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Volumes_follow_the_tenant_count()
    {
        var scale = $"tenant_id IN (SELECT id FROM tenants WHERE slug LIKE '{ScaleSeeder.SlugPrefix}%')";
        Assert.Equal(Tenants, await ScalarAsync($"SELECT count(*) FROM tenants WHERE slug LIKE '{ScaleSeeder.SlugPrefix}%'"));
        Assert.Equal(Tenants * ScaleSeeder.DomainsPerTenant, await ScalarAsync($"SELECT count(*) FROM domains WHERE {scale}"));
        Assert.Equal(Tenants * ScaleSeeder.DomainsPerTenant * ScaleSeeder.AssignmentsPerDomain,
            await ScalarAsync($"SELECT count(*) FROM domain_ip_assignments WHERE domain_id IN (SELECT id FROM domains WHERE {scale})"));
        Assert.Equal(Tenants * ScaleSeeder.LeadsPerTenant, await ScalarAsync($"SELECT count(*) FROM leads WHERE {scale}"));
        Assert.Equal(Tenants * ScaleSeeder.CampaignsPerTenant, await ScalarAsync($"SELECT count(*) FROM campaigns WHERE {scale}"));
        Assert.Equal(Tenants / 2, await ScalarAsync("SELECT count(*) FROM vps_instances WHERE hostwinds_instance_id LIKE 'hw-scale-%'"));
        var ips = Tenants / 2 * ScaleSeeder.IpsPerVps;
        Assert.Equal(ips, await ScalarAsync("SELECT count(*) FROM smtp_ip_addresses WHERE ip_address LIKE '10.%'"));
        Assert.Equal(ips * ScaleSeeder.HistoryPerIp,
            await ScalarAsync("SELECT count(*) FROM smtp_ip_history WHERE changed_by_name = 'ops@scale.example'"));
        Assert.Equal(Tenants * ScaleSeeder.AuditRowsPerTenant, await ScalarAsync("SELECT count(*) FROM audit_log WHERE actor_name LIKE '%scale.example'"));
        Assert.Contains(_progress, p => p.StartsWith("domain_ip_assignments:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rows_are_consistent_and_the_listings_are_derived()
    {
        // assigned_count is the running assignments; running ones sit only on IPs that may carry domains.
        Assert.Equal(0, await ScalarAsync("""
            SELECT count(*) FROM smtp_ip_addresses i
            WHERE i.assigned_count <> (SELECT count(*) FROM domain_ip_assignments a WHERE a.smtp_ip_address_id = i.id AND a.status IN ('active', 'warming'))
            """));
        Assert.Equal(0, await ScalarAsync("""
            SELECT count(*) FROM domain_ip_assignments a JOIN smtp_ip_addresses i ON i.id = a.smtp_ip_address_id
            WHERE a.status IN ('active', 'warming') AND i.status NOT IN ('assigned', 'warming', 'degraded')
            """));
        // An assigned IP carries a domain; a domain runs at most once on an IP (the unique index holds it too).
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM smtp_ip_addresses WHERE status = 'assigned' AND assigned_count = 0"));
        Assert.True(await ScalarAsync("SELECT count(*) FROM smtp_ip_addresses WHERE assigned_count > 0") > 0);
        Assert.True(await ScalarAsync("SELECT count(*) FROM domain_ip_assignments WHERE status IN ('active', 'warming')") > 0);
        // The COPY went through the listings trigger: one row per provider with "listed": true, and some exist.
        Assert.Equal(await ScalarAsync("""
            SELECT count(*) FROM smtp_ip_addresses i CROSS JOIN LATERAL jsonb_each(i.provider_blacklist_status) e
            WHERE e.value -> 'listed' = 'true'::jsonb
            """), await ScalarAsync("SELECT count(*) FROM smtp_ip_listings"));
        Assert.True(await ScalarAsync("SELECT count(*) FROM smtp_ip_listings") > 0);
        // The COPY went through the overview's statement triggers too: the per-VPS counts equal a recount, one row per VPS.
        Assert.Equal("", await TextAsync(IpReputation.IpOverviewCountsTests.KeptVersusRecount));
        Assert.Equal(await ScalarAsync("SELECT count(DISTINCT vps_instance_id) FROM smtp_ip_addresses"), await ScalarAsync("SELECT count(*) FROM ip_overview_vps"));
        // And through the tenants list's: one kept row per tenant, its users and domains equal to a recount.
        Assert.Equal("", await TextAsync(Integration.Tenants.TenantCountsTests.KeptVersusRecount));
        Assert.True(await ScalarAsync($"SELECT count(*) FROM tenant_counts WHERE domains = {ScaleSeeder.DomainsPerTenant}") >= Tenants);
        // A few IPs in trouble went bad within the last week, as the overview's figure expects.
        Assert.True(await ScalarAsync("SELECT count(*) FROM smtp_ip_history WHERE changed >= now() - interval '7 days' AND to_status IN ('degraded', 'burned')") > 0);
    }
}
