using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.IpReputation;

/// <summary>Assigning and expiring domains keeps assigned_count equal to the active assignments and moves the IP's status.</summary>
public sealed class IpAssignmentTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Guid DomainA = SeedIds.For("domain:acme:0");
    private static readonly Guid DomainB = SeedIds.For("domain:globex:1");

    private async Task<(int Count, int Active, string? Status)> StateAsync(Guid ipId)
    {
        await using var db = Db.CreateContext();
        var ip = await db.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ipId, Ct);
        var active = await db.DomainIpAssignments.CountAsync(a => a.SmtpIpAddressId == ipId && (a.Status == "active" || a.Status == "warming"), Ct);
        return (ip.AssignedCount ?? -1, active, ip.Status);
    }

    private async Task<List<DomainIpAssignment>> AssignmentsAsync(Guid ipId)
    {
        await using var db = Db.CreateContext();
        return await db.DomainIpAssignments.AsNoTracking().Where(a => a.SmtpIpAddressId == ipId).OrderBy(a => a.Created).ToListAsync(Ct);
    }

    [Fact]
    public async Task Assigning_and_expiring_keeps_the_count_and_moves_available_to_assigned_and_back()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Available);
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();

        await service.AssignDomainAsync(ip.Id, DomainA, warming: false, expires: null, Ct);
        Assert.Equal((1, 1, IpStatus.Assigned), await StateAsync(ip.Id));
        await service.AssignDomainAsync(ip.Id, DomainB, warming: true, expires: DateTime.UtcNow.AddDays(30), Ct);
        Assert.Equal((2, 2, IpStatus.Assigned), await StateAsync(ip.Id));

        var duplicate = await Assert.ThrowsAsync<RefusedException>(() => service.AssignDomainAsync(ip.Id, DomainA, false, null, Ct));
        Assert.Contains("already active", duplicate.Message);
        Assert.Equal((2, 2, IpStatus.Assigned), await StateAsync(ip.Id));

        var assignments = await AssignmentsAsync(ip.Id);
        await service.ExpireAssignmentAsync(assignments[0].Id, assignments[0].Version, Ct);
        Assert.Equal((1, 1, IpStatus.Assigned), await StateAsync(ip.Id));
        await service.ExpireAssignmentAsync(assignments[1].Id, assignments[1].Version, Ct);
        Assert.Equal((0, 0, IpStatus.Available), await StateAsync(ip.Id));

        await using var db = Db.CreateContext();
        var history = await db.SmtpIpHistory.AsNoTracking().Where(h => h.SmtpIpAddressId == ip.Id).OrderBy(h => h.Changed).ToListAsync(Ct);
        Assert.Contains(history, h => h.Kind == IpHistoryKind.Status && h.FromStatus == IpStatus.Available && h.ToStatus == IpStatus.Assigned);
        Assert.Contains(history, h => h.Kind == IpHistoryKind.Status && h.FromStatus == IpStatus.Assigned && h.ToStatus == IpStatus.Available);
        Assert.Equal(4, history.Count(h => h.Kind == IpHistoryKind.Assignment));
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "ip.assign" && a.EntityType == "domain_ip_assignments", Ct));
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "ip.expire_assignment" && a.EntityType == "domain_ip_assignments", Ct));
    }

    [Fact]
    public async Task A_warmed_ip_becomes_assigned_and_a_warming_ip_stays_warming()
    {
        var warmed = await IpTestData.NewIpAsync(Db, IpStatus.Warmed);
        var warming = await IpTestData.NewIpAsync(Db, IpStatus.Warming);
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        await service.AssignDomainAsync(warmed.Id, DomainA, false, null, Ct);
        await service.AssignDomainAsync(warming.Id, DomainA, true, null, Ct);
        Assert.Equal((1, 1, IpStatus.Assigned), await StateAsync(warmed.Id));
        Assert.Equal((1, 1, IpStatus.Warming), await StateAsync(warming.Id));
        var a = (await AssignmentsAsync(warming.Id)).Single();
        await service.ExpireAssignmentAsync(a.Id, a.Version, Ct);
        Assert.Equal((0, 0, IpStatus.Warming), await StateAsync(warming.Id));
    }

    [Theory]
    [InlineData(IpStatus.Degraded)]
    [InlineData(IpStatus.Quarantined)]
    [InlineData(IpStatus.Burned)]
    public async Task Ips_that_may_not_take_domains_refuse_them(string status)
    {
        var ip = await IpTestData.NewIpAsync(Db, status);
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var ex = await Assert.ThrowsAsync<RefusedException>(() =>
            scope.ServiceProvider.GetRequiredService<IpReputationService>().AssignDomainAsync(ip.Id, DomainA, false, null, Ct));
        Assert.Contains(status, ex.Message);
        Assert.Equal((0, 0, status), await StateAsync(ip.Id));
        Assert.Empty(await AssignmentsAsync(ip.Id));
    }

    [Fact]
    public async Task Unknown_ips_domains_and_stale_assignment_versions_are_refused()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Available);
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        await Assert.ThrowsAsync<NotFoundException>(() => service.AssignDomainAsync(Guid.NewGuid(), DomainA, false, null, Ct));
        await Assert.ThrowsAsync<NotFoundException>(() => service.AssignDomainAsync(ip.Id, Guid.NewGuid(), false, null, Ct));
        await Assert.ThrowsAsync<NotFoundException>(() => service.ExpireAssignmentAsync(Guid.NewGuid(), 1, Ct));
        await service.AssignDomainAsync(ip.Id, DomainA, false, null, Ct);
        var a = (await AssignmentsAsync(ip.Id)).Single();
        var ex = await Assert.ThrowsAsync<StaleEditException>(() => service.ExpireAssignmentAsync(a.Id, a.Version + 1, Ct));
        Assert.Contains("reload", ex.Message);
        Assert.Equal((1, 1, IpStatus.Assigned), await StateAsync(ip.Id));
    }

    [Theory]
    [InlineData(IpStatus.Quarantined, "ip.quarantine")]
    [InlineData(IpStatus.Burned, "ip.burn")]
    [InlineData(IpStatus.Available, "ip.status")]
    public async Task Quarantine_burn_or_release_of_an_assigned_ip_ends_its_assignments_after_showing_the_blast_radius(string to, string verb)
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Available);
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        await service.AssignDomainAsync(ip.Id, DomainA, false, null, Ct);
        await service.AssignDomainAsync(ip.Id, DomainB, false, null, Ct);

        var blast = await service.BlastRadiusAsync([ip.Id], to, Ct);
        Assert.Equal(2, blast.ActiveAssignments);
        Assert.Equal(["Acme Outreach", "Globex Mailworks"], blast.Tenants);
        Assert.Equal(2, blast.Domains.Count);
        var region = Assert.Single(blast.Regions);
        Assert.Equal("us-east", region.Region);
        Assert.True(region.HealthyIps > 0);
        Assert.Contains("ends 2 active assignments of 2 domains for 2 tenants", blast.Summary);

        var version = (await Db.CreateContext().SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ip.Id, Ct)).Version;
        var outcome = await service.ChangeStatusAsync(ip.Id, to, "pulled", version, Ct);
        Assert.Equal(ChangeOutcomeKind.Changed, outcome.Kind);
        Assert.Equal((0, 0, to), await StateAsync(ip.Id));
        Assert.All(await AssignmentsAsync(ip.Id), a => Assert.Equal(AssignmentStatus.Expired, a.Status));
        await using var db = Db.CreateContext();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == verb && a.EntityId == ip.Id.ToString(), Ct));
    }

    [Fact]
    public async Task The_bulk_preview_counts_only_the_ips_that_will_move_and_lists_the_refused_ones_and_the_outcome_matches()
    {
        var moves = await IpTestData.NewIpAsync(Db, IpStatus.Available);
        var refusedWarming = await IpTestData.NewIpAsync(Db, IpStatus.Warming);
        var refusedBurned = await IpTestData.NewIpAsync(Db, IpStatus.Burned);
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        await service.AssignDomainAsync(moves.Id, DomainB, false, null, Ct);
        await service.AssignDomainAsync(refusedWarming.Id, DomainA, true, null, Ct);
        var ips = await Db.CreateContext().SmtpIpAddresses.AsNoTracking()
            .Where(i => i.Id == moves.Id || i.Id == refusedWarming.Id || i.Id == refusedBurned.Id).ToListAsync(Ct);
        var items = ips.Select(i => new BulkItem(i.Id, i.Version)).ToList();

        // warming → available and burned → anything are refused: only the assigned IP moves, ending Globex's assignment.
        var blast = await service.BlastRadiusAsync(items.Select(i => i.Id).ToList(), IpStatus.Available, Ct);
        Assert.Equal(1, blast.Ips);
        Assert.Equal(1, blast.ActiveAssignments);
        Assert.Equal(["Globex Mailworks"], blast.Tenants);
        Assert.Equal(1, Assert.Single(blast.Regions).ActiveAssignments);
        Assert.StartsWith("1 IP: ends 1 active assignment of 1 domain for 1 tenant", blast.Summary);
        Assert.Equal(new[] { refusedWarming.Id, refusedBurned.Id }.Order(), blast.Refused.Select(r => r.Id).Order());
        Assert.Contains(blast.Refused, r => r.Id == refusedWarming.Id && r.Text.StartsWith(refusedWarming.IpAddress + ": An IP cannot go from warming to available"));
        Assert.Contains(blast.Refused, r => r.Id == refusedBurned.Id && r.Text.Contains("burned IP is retired"));

        var outcomes = await service.ChangeStatusBulkAsync(items, IpStatus.Available, "pulled", Ct);
        Assert.Equal([moves.Id], outcomes.Where(o => o.Succeeded).Select(o => o.Id));
        Assert.Equal(blast.Refused.Select(r => r.Id).Order(), outcomes.Where(o => o.Kind == ChangeOutcomeKind.Refused).Select(o => o.Id).Order());
        Assert.Equal((0, 0, IpStatus.Available), await StateAsync(moves.Id));
        Assert.Equal((1, 1, IpStatus.Warming), await StateAsync(refusedWarming.Id));
    }

    [Fact]
    public async Task After_all_actions_every_ip_count_equals_its_active_assignments()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Available);
        await using (var scope = await App.ScopeAsAsync(Demo.Ops))
        {
            var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
            await Task.WhenAll(
                Task.Run(() => service.AssignDomainAsync(ip.Id, DomainA, false, null, Ct), Ct),
                Task.Run(() => service.AssignDomainAsync(ip.Id, DomainB, false, null, Ct), Ct));
        }
        await using var db = Db.CreateContext();
        var mismatches = await db.SmtpIpAddresses.AsNoTracking()
            .Where(i => i.AssignedCount != db.DomainIpAssignments.Count(a => a.SmtpIpAddressId == i.Id && (a.Status == "active" || a.Status == "warming")))
            .Select(i => i.IpAddress).ToListAsync(Ct);
        Assert.Empty(mismatches);
        Assert.Equal((2, 2, IpStatus.Assigned), await StateAsync(ip.Id));
    }
}
