using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Preferences;
using InfraAdmin.Infrastructure.Jobs;
using InfraAdmin.Tests.Integration.Tenants;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Preferences;

/// <summary>The weekly report goes once a week to users who asked for it, with their tenant's domains and IPs.</summary>
public sealed class WeeklyReportJobTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Users_who_asked_get_one_report_per_week_with_domains_and_ip_reputation()
    {
        var world = await TestTenants.CreateAsync(Db, "weekly");
        var ip = await SeedDomainOnIpAsync(world.TenantId);
        await using (var db = Db.CreateContext())
        {
            db.UserPreferences.Add(new UserPreferences { UserId = world.MemberId, WeeklyReports = true });
            db.UserPreferences.Add(new UserPreferences { UserId = world.AdminId, WeeklyReports = false });
            await db.SaveChangesAsync(Ct);
        }
        await RunAsync();
        var report = Assert.Single(Mail.For(world.Member, App));
        Assert.Contains($"weekly-{world.TenantId:N}.test", report);
        Assert.Contains(ip.IpAddress, report);
        Assert.Contains(ip.ReputationState!, report);
        Assert.Empty(Mail.For(world.Admin, App));

        await RunAsync(); // a retry or a second instance in the same week sends nothing more
        Assert.Single(Mail.For(world.Member, App));
    }

    private async Task RunAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var job = scope.ServiceProvider.GetServices<IRecurringJob>().OfType<WeeklyReportJob>().Single();
        await job.RunAsync(Ct);
    }

    private async Task<SmtpIpAddress> SeedDomainOnIpAsync(Guid tenantId)
    {
        await using var db = Db.CreateContext();
        var domain = new Domain { Id = Guid.NewGuid(), TenantId = tenantId, Name = $"weekly-{tenantId:N}.test", Status = "active" };
        var ip = await db.SmtpIpAddresses.AsNoTracking().FirstAsync(i => i.ReputationState != null, Ct);
        db.Domains.Add(domain);
        db.DomainIpAssignments.Add(new DomainIpAssignment
        {
            Id = Guid.NewGuid(), DomainId = domain.Id, SmtpIpAddressId = ip.Id, Status = AssignmentStatus.Active, Assigned = DateTime.UtcNow,
        });
        db.AuditEnabled = false;
        await db.SaveChangesAsync(Ct);
        return ip;
    }
}
