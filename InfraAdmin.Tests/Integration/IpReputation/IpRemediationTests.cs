using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Audit;
using InfraAdmin.Data.Entities;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.IpReputation;

/// <summary>After a quarantine, the ended domains move to healthy IPs of the same region in one step, each with its outcome.</summary>
public sealed class IpRemediationTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Guid[] Domains = [SeedIds.For("domain:acme:0"), SeedIds.For("domain:globex:1"), SeedIds.For("domain:acme:1")];

    /// <summary>A VPS in a region of this test's own, so the only healthy IPs there are the ones the test makes.</summary>
    private async Task<Guid> NewVpsAsync()
    {
        await using var db = Db.CreateContext();
        db.AuditEnabled = false;
        var vps = new VpsInstance
        {
            HostwindsInstanceId = "hw-rem-" + Guid.NewGuid().ToString("N")[..6], Region = "rem-" + Guid.NewGuid().ToString("N")[..6],
            Status = VpsStatus.Active, MonthlyCost = 10m, HostwindsBillingDay = 1,
        };
        db.VpsInstances.Add(vps);
        await db.SaveChangesAsync(Ct);
        return vps.Id;
    }

    private async Task<int> AssignedCountAsync(Guid ip)
    {
        await using var db = Db.CreateContext();
        return await db.SmtpIpAddresses.Where(i => i.Id == ip).Select(i => i.AssignedCount ?? 0).SingleAsync(Ct);
    }

    [Fact]
    public async Task Quarantine_then_move_the_ended_domains_spread_over_healthy_ips_with_one_outcome_each()
    {
        var vps = await NewVpsAsync();
        var source = await IpTestData.NewIpAsync(Db, IpStatus.Available, vps: vps);
        var targetA = await IpTestData.NewIpAsync(Db, IpStatus.Available, vps: vps);
        var targetB = await IpTestData.NewIpAsync(Db, IpStatus.Available, vps: vps);
        var poor = await IpTestData.NewIpAsync(Db, IpStatus.Available, ReputationState.Poor, vps: vps);
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        App.Services.GetRequiredService<InfraAdmin.Infrastructure.CircuitServicesAccessor>().Services = scope.ServiceProvider;
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        foreach (var d in Domains) await service.AssignDomainAsync(source.Id, d, false, null, Ct);
        await using (var db = Db.CreateContext())
            source = await db.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == source.Id, Ct);

        var changed = await service.QuarantineAsync(source.Id, "listed on Spamhaus", source.Version, Ct);
        Assert.Equal(3, changed.EndedAssignments);

        var plan = await service.RemediationPlanAsync([source.Id], Ct);
        Assert.Equal(3, plan.Total);
        Assert.Equal(Domains.Order(), plan.Domains.Select(d => d.DomainId).Order());
        // Only the two healthy IPs of the region are offered (not the poor one, not the quarantined one), and the suggestion spreads the load.
        Assert.Equal(new[] { targetA.Id, targetB.Id }.Order(), plan.Targets.Select(t => t.Id).Order());
        Assert.DoesNotContain(plan.Targets, t => t.Id == poor.Id || t.Id == source.Id);
        var suggested = plan.Domains.GroupBy(d => d.SuggestedIpId).ToDictionary(g => g.Key!.Value, g => g.Count());
        Assert.Equal(2, suggested.Count);
        Assert.Equal([1, 2], suggested.Values.Order());

        // Between the plan and the move, one target stops being healthy: its domain is refused, the others move.
        await using (var db = Db.CreateContext())
        {
            db.AuditEnabled = false;
            await db.SmtpIpAddresses.Where(i => i.Id == targetB.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.ReputationState, ReputationState.Critical), Ct);
        }
        var moves = plan.Domains.Select(d => new Reassignment(d.DomainId, d.FromIpId, d.SuggestedIpId!.Value)).ToList();
        var outcomes = await service.ReassignAsync(moves, warming: true, Ct);

        var toB = plan.Domains.Count(d => d.SuggestedIpId == targetB.Id);
        Assert.Equal(3 - toB, outcomes.Count(o => o.Moved));
        Assert.All(outcomes.Where(o => !o.Moved), o => Assert.Contains("critical", o.Message));
        Assert.Equal(3 - toB, await AssignedCountAsync(targetA.Id));
        Assert.Equal(0, await AssignedCountAsync(targetB.Id));
        Assert.Equal(0, await AssignedCountAsync(source.Id));
        await using (var db = Db.CreateContext())
        {
            // History kept: the old assignments stay expired, both IPs say what moved, and the audit log names the step.
            Assert.Equal(3, await db.DomainIpAssignments.CountAsync(a => a.SmtpIpAddressId == source.Id && a.Status == AssignmentStatus.Expired, Ct));
            Assert.True(await db.DomainIpAssignments.AllAsync(a => a.SmtpIpAddressId != targetA.Id || a.Status == AssignmentStatus.Warming, Ct));
            Assert.Equal(3 - toB, await db.SmtpIpHistory.CountAsync(h => h.SmtpIpAddressId == source.Id && h.Reason!.StartsWith("Moved "), Ct));
            Assert.True(await db.SmtpIpHistory.AnyAsync(h => h.SmtpIpAddressId == targetA.Id && h.Reason!.Contains("moved from " + source.IpAddress), Ct));
            Assert.True(await db.AuditLog.AnyAsync(a => a.Action == AuditActions.IpReassign, Ct));
        }

        // What moved is no longer waiting; the refused domain still is, and can be moved again.
        var after = await service.RemediationPlanAsync([source.Id], Ct);
        Assert.Equal(toB, after.Total);
        var again = await service.ReassignAsync(moves.Where(m => outcomes.Single(o => o.DomainId == m.DomainId).Moved).ToList(), false, Ct);
        Assert.All(again, o => Assert.False(o.Moved));
    }

    [Fact]
    public async Task Only_ip_managers_may_plan_or_move_and_bad_requests_are_refused()
    {
        var vps = await NewVpsAsync();
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Quarantined, vps: vps);
        await using (var scope = await App.ScopeAsAsync(Demo.Exec))
        {
            var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.RemediationPlanAsync([ip.Id], Ct));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.ReassignAsync([new Reassignment(Domains[0], ip.Id, ip.Id)], false, Ct));
        }
        await using (var scope = await App.ScopeAsAsync(Demo.Ops))
        {
            var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
            Assert.Equal(0, (await service.RemediationPlanAsync([ip.Id, Guid.NewGuid()], Ct)).Total);
            await Assert.ThrowsAsync<RefusedException>(() => service.ReassignAsync([], false, Ct));
            await Assert.ThrowsAsync<RefusedException>(() => service.ReassignAsync(
                [new Reassignment(Domains[0], ip.Id, ip.Id), new Reassignment(Domains[0], ip.Id, ip.Id)], false, Ct));
            var outcome = Assert.Single(await service.ReassignAsync([new Reassignment(Domains[0], ip.Id, ip.Id)], false, Ct));
            Assert.False(outcome.Moved);
        }
    }
}
