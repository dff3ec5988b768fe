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

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        await new ScaleSeeder(_db.ConnectionString, _progress.Add).SeedAsync(Tenants);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(_db.ConnectionString);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken));
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
        // The COPY went through the listings trigger: one row per provider with "listed": true, and some exist.
        Assert.Equal(await ScalarAsync("""
            SELECT count(*) FROM smtp_ip_addresses i CROSS JOIN LATERAL jsonb_each(i.provider_blacklist_status) e
            WHERE e.value -> 'listed' = 'true'::jsonb
            """), await ScalarAsync("SELECT count(*) FROM smtp_ip_listings"));
        Assert.True(await ScalarAsync("SELECT count(*) FROM smtp_ip_listings") > 0);
        // A few IPs in trouble went bad within the last week, as the overview's figure expects.
        Assert.True(await ScalarAsync("SELECT count(*) FROM smtp_ip_history WHERE changed >= now() - interval '7 days' AND to_status IN ('degraded', 'burned')") > 0);
    }
}
