using Hangfire;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Features.Vps;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Costs;

/// <summary>Changes that move cost figures queue the kept allocation's rebuild in the background.</summary>
public sealed class CostRefreshTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IReadOnlyList<string> QueuedRollups()
    {
        var api = App.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        return api.EnqueuedJobs("default", 0, 1000).Select(j => j.Value.Job)
            .Where(j => j?.Type.Name == "CostRollup").Select(j => j!.Method.Name).ToList();
    }

    [Fact]
    public async Task Changing_a_vps_approximate_cost_queues_a_full_rebuild_and_other_edits_do_not()
    {
        await using var db = Db.CreateContext();
        var vps = await db.VpsInstances.AsNoTracking().SingleAsync(v => v.HostwindsInstanceId == "hw-use-1002", Ct);
        var before = QueuedRollups().Count(m => m == "RebuildAllAsync");
        var form = new VpsForm
        {
            ProviderId = vps.HostwindsInstanceId!, IpAddress = vps.IpAddress!, Region = vps.Region!, Status = vps.Status!,
            BillingDay = vps.HostwindsBillingDay!.Value, MonthlyCost = vps.MonthlyCost, ApproximateCost = vps.ApproximateCost, Version = vps.Version,
        };
        await using (var scope = await App.ScopeAsAsync(Demo.Ops))
        {
            await scope.ServiceProvider.GetRequiredService<VpsService>().UpdateAsync(vps.Id, form, Ct);
        }
        Assert.Equal(before, QueuedRollups().Count(m => m == "RebuildAllAsync"));

        form.Version = (await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == vps.Id, Ct)).Version;
        form.ApproximateCost = vps.ApproximateCost + 5m;
        await using (var scope = await App.ScopeAsAsync(Demo.Ops))
        {
            await scope.ServiceProvider.GetRequiredService<VpsService>().UpdateAsync(vps.Id, form, Ct);
        }
        Assert.Equal(before + 1, QueuedRollups().Count(m => m == "RebuildAllAsync"));
    }

    [Fact]
    public async Task Assigning_a_domain_queues_a_refresh_of_the_recent_months()
    {
        await using var db = Db.CreateContext();
        var ip = await db.SmtpIpAddresses.AsNoTracking().FirstAsync(i => i.Status == IpStatus.Available, Ct);
        var domain = await db.Domains.AsNoTracking().FirstAsync(d => d.Status == "active", Ct);
        var before = QueuedRollups().Count(m => m == "RefreshAsync");
        await using (var scope = await App.ScopeAsAsync(Demo.Ops))
        {
            await scope.ServiceProvider.GetRequiredService<IpReputationService>().AssignDomainAsync(ip.Id, domain.Id, warming: false, expires: null, Ct);
        }
        Assert.Equal(before + 1, QueuedRollups().Count(m => m == "RefreshAsync"));
    }
}
