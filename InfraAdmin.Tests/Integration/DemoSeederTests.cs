using InfraAdmin.Data.Entities;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Tests.Integration;

/// <summary>
/// The demo data seeded at an arbitrary now: nothing that has happened lies after now (only scheduled work lies
/// ahead), and the stories the pages exist for are there.
/// </summary>
public sealed class DemoSeederTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TestDatabase _db = new();

    public ValueTask InitializeAsync() => _db.InitializeAsync();

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private async Task SeedAtAsync(DateTime now)
    {
        await using var db = _db.CreateContext();
        // The template database holds the demo as of today: start from no demo data, then seed at the chosen now.
        await db.Database.ExecuteSqlRawAsync("""
            TRUNCATE tenants, users, staff_roles, vps_instances, smtp_ip_addresses, domains, domain_ip_assignments,
                     smtp_ip_history, system_config, feature_flags, tenant_cost_daily, tenant_cost_monthly CASCADE
            """, Ct);
        await DemoSeeder.SeedAsync(db, new FixedClock(new DateTimeOffset(now, TimeSpan.Zero)), Ct);
    }

    [Theory]
    [InlineData("2026-12-02T15:00:00")]
    [InlineData("2027-03-01T00:30:00")]
    [InlineData("2028-02-29T23:59:00")]
    [InlineData("2026-01-31T08:00:00")]
    [InlineData("2026-07-04T12:00:00")]
    public async Task Nothing_that_has_happened_lies_after_now_and_every_story_is_there(string nowText)
    {
        var now = DateTime.SpecifyKind(DateTime.Parse(nowText, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
        await SeedAtAsync(now);
        await using var db = _db.CreateContext();

        Assert.Empty(await db.SmtpIpAddresses.Where(i => i.Created > now || i.LastReputationCheck > now).Select(i => i.IpAddress).ToListAsync(Ct));
        Assert.Empty(await db.VpsInstances.Where(v => v.Created > now).Select(v => v.HostwindsInstanceId).ToListAsync(Ct));
        Assert.Empty(await db.SmtpIpHistory.Where(h => h.Changed > now).Select(h => h.Id).ToListAsync(Ct));
        Assert.Empty(await db.Tenants.Where(t => t.Created > now).Select(t => t.Slug).ToListAsync(Ct));
        Assert.Empty(await db.Domains.Where(d => d.Created > now).Select(d => d.Name).ToListAsync(Ct));
        // Only scheduled assignments start ahead; nothing was sent in the future.
        Assert.Empty(await db.DomainIpAssignments.Where(a => a.Status != AssignmentStatus.Scheduled && a.Assigned > now).Select(a => a.Id).ToListAsync(Ct));
        Assert.Empty(await db.DomainIpAssignments.Where(a => a.LastSent > now).Select(a => a.Id).ToListAsync(Ct));
        Assert.Empty(await db.DomainIpAssignments.Where(a => a.Status == AssignmentStatus.Expired && a.Expires > now).Select(a => a.Id).ToListAsync(Ct));
        var ips = await db.SmtpIpAddresses.AsNoTracking().Select(i => i.ProviderBlacklistStatus).ToListAsync(Ct);
        Assert.All(ips.SelectMany(Features.IpReputation.IpReputationService.Providers), p => Assert.True(p.CheckedAt <= now, $"{p.Provider} checked at {p.CheckedAt}"));

        // The stories: a listing this week, a renewal within 7 days, a scheduled decommission, a dozen tenants, a negative margin.
        var weekAgo = now.AddDays(-7);
        Assert.True(await db.SmtpIpHistory.AnyAsync(h => h.Kind == IpHistoryKind.Status
            && (h.ToStatus == IpStatus.Quarantined || h.ToStatus == IpStatus.Burned || h.ToStatus == IpStatus.Degraded) && h.Changed >= weekAgo, Ct));
        Assert.True(await db.SmtpIpListings.AnyAsync(Ct));
        Assert.True(await db.VpsInstances.AnyAsync(v => v.Status == VpsStatus.Active && v.CurrentBillingPeriodEnd > now && v.CurrentBillingPeriodEnd <= now.AddDays(7), Ct));
        Assert.True(await db.VpsInstances.AnyAsync(v => v.Status == VpsStatus.ScheduledDecommission && v.DecommissionScheduledFor > now, Ct));
        Assert.True(await db.Tenants.CountAsync(Ct) >= 12);
        var trial = await db.Tenants.SingleAsync(t => t.Slug == "umbrella", Ct);
        Assert.Equal(0m, trial.MonthlyRevenue);
        Assert.True(await db.DomainIpAssignments.AnyAsync(a => a.Domain!.TenantId == trial.Id
            && (a.Status == AssignmentStatus.Active || a.Status == AssignmentStatus.Warming) && a.SmtpIpAddress!.ApproximateCost > 0, Ct),
            "the revenue-free trial tenant has an active assignment on a costed IP: a negative margin");
        // The demo accounts stay.
        foreach (var email in Demo.AllUsers) Assert.True(await db.Users.AnyAsync(u => u.Email == email, Ct), email);
    }
}
