using InfraAdmin.Data.Entities;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.IpReputation;

/// <summary>The grid's filters, sorting and paging, the overview's figures and the CSV export, against the demo data and a few own IPs.</summary>
public sealed class IpQueryTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<IpPage> SearchAsync(IpFilter filter, int page = 0, int size = 200, IpSort sort = IpSort.IpAddress, bool desc = false)
    {
        await using var scope = await App.ScopeAsAsync(Demo.Support);
        return await scope.ServiceProvider.GetRequiredService<IpReputationService>().SearchAsync(filter, sort, desc, page, size, Ct);
    }

    [Fact]
    public async Task Status_reputation_region_and_vps_filters_match_the_database()
    {
        await using var db = Db.CreateContext();
        Assert.Equal(await db.SmtpIpAddresses.CountAsync(i => i.Status == IpStatus.Quarantined, Ct), (await SearchAsync(new(Status: IpStatus.Quarantined))).Total);
        Assert.Equal(await db.SmtpIpAddresses.CountAsync(i => i.ReputationState == ReputationState.Critical, Ct), (await SearchAsync(new(Reputation: ReputationState.Critical))).Total);
        var region = await SearchAsync(new(Region: "ap-south"));
        Assert.Equal(await db.SmtpIpAddresses.CountAsync(i => i.VpsInstance!.Region == "ap-south", Ct), region.Total);
        Assert.All(region.Rows, r => Assert.Equal("ap-south", r.Region));
        var vps = await SearchAsync(new(Vps: Demo.FirstVps, Status: IpStatus.Assigned));
        Assert.Equal(await db.SmtpIpAddresses.CountAsync(i => i.VpsInstanceId == Demo.FirstVps && i.Status == IpStatus.Assigned, Ct), vps.Total);
        Assert.True(vps.Total > 0);
    }

    [Fact]
    public async Task The_vps_filter_searches_by_name_and_resolves_a_bookmarked_id()
    {
        await using var scope = await App.ScopeAsAsync(Demo.Support);
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        await using var db = Db.CreateContext();
        var first = await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == Demo.FirstVps, Ct);
        var fragment = first.HostwindsInstanceId![^4..].ToUpperInvariant();

        var found = await service.VpsOptionsAsync(fragment, null, Ct);
        Assert.Contains(found, v => v.Id == Demo.FirstVps && v.Name == first.HostwindsInstanceId);
        Assert.All(found, v => Assert.Contains(fragment, v.Name, StringComparison.OrdinalIgnoreCase));
        Assert.InRange((await service.VpsOptionsAsync(null, null, Ct)).Count, 1, 20);
        Assert.Equal(first.HostwindsInstanceId, Assert.Single(await service.VpsOptionsAsync(null, Demo.FirstVps, Ct)).Name);
        Assert.Empty(await service.VpsOptionsAsync("%", null, Ct));
    }

    [Fact]
    public async Task Text_stale_and_listed_filters_find_exactly_the_matching_ips()
    {
        var fresh = await IpTestData.NewIpAsync(Db, IpStatus.Available, blacklist: """{"testbl": {"listed": true, "checked_at": "2026-01-01T00:00:00Z"}}""");
        var never = await IpTestData.NewIpAsync(Db, IpStatus.Available, blacklist: """{"testbl": {"listed": false, "checked_at": "2026-01-01T00:00:00Z"}}""");
        await using (var db = Db.CreateContext())
        {
            await db.SmtpIpAddresses.Where(i => i.Id == never.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.LastReputationCheck, (DateTime?)null), Ct);
        }
        Assert.Equal([fresh.Id], (await SearchAsync(new(Q: fresh.IpAddress))).Rows.Select(r => r.Id));
        Assert.Equal([fresh.Id], (await SearchAsync(new(Listed: "testbl"))).Rows.Select(r => r.Id));
        Assert.Equal(["testbl"], (await SearchAsync(new(Listed: "testbl"))).Rows[0].ListedOn);
        var any = (await SearchAsync(new(Listed: IpFilter.AnyProvider))).Rows.Select(r => r.Id).ToList();
        Assert.Contains(fresh.Id, any);
        Assert.DoesNotContain(never.Id, any);
        var stale = (await SearchAsync(new(Stale: true))).Rows;
        Assert.Contains(stale, r => r.Id == never.Id && r.Stale);
        Assert.DoesNotContain(stale, r => r.Id == fresh.Id);
        Assert.Empty((await SearchAsync(new(Q: "no-such-ip%_"))).Rows);
    }

    [Fact]
    public async Task Trouble_and_recently_degraded_filters_follow_their_definitions()
    {
        await using var db = Db.CreateContext();
        var trouble = await SearchAsync(new(Trouble: true));
        Assert.All(trouble.Rows, r => Assert.True(r.Status != IpStatus.Burned
            && (r.Status is IpStatus.Degraded or IpStatus.Quarantined || r.Reputation is ReputationState.Poor or ReputationState.Critical)));
        Assert.True(trouble.Total > 0);
        var since = DateTime.UtcNow.AddDays(-7);
        var expected = await db.SmtpIpHistory.Where(h => h.Kind == "status" && (h.ToStatus == "degraded" || h.ToStatus == "burned") && h.Changed >= since)
            .Select(h => h.SmtpIpAddressId).Distinct().CountAsync(Ct);
        Assert.Equal(expected, (await SearchAsync(new(DegradedWithin: 7))).Total);
        Assert.True(expected > 0);
    }

    [Fact]
    public async Task Paging_and_sorting_happen_in_the_database()
    {
        await using var db = Db.CreateContext();
        var total = await db.SmtpIpAddresses.CountAsync(Ct);
        var first = await SearchAsync(new(), page: 0, size: 10);
        var second = await SearchAsync(new(), page: 1, size: 10);
        Assert.Equal(total, first.Total);
        Assert.Equal(10, first.Rows.Count);
        Assert.Empty(first.Rows.Select(r => r.Id).Intersect(second.Rows.Select(r => r.Id)));
        var expected = await db.SmtpIpAddresses.OrderBy(i => i.IpAddress).ThenBy(i => i.Id).Skip(10).Take(10).Select(i => i.Id).ToListAsync(Ct);
        Assert.Equal(expected, second.Rows.Select(r => r.Id));
        var byCost = await SearchAsync(new(), size: 5, sort: IpSort.Cost, desc: true);
        Assert.Equal(await db.SmtpIpAddresses.MaxAsync(i => i.ApproximateCost, Ct), byCost.Rows[0].Cost);
    }

    [Fact]
    public async Task The_overview_figures_agree_with_the_grid_filters_they_link_to()
    {
        await using var scope = await App.ScopeAsAsync(Demo.Exec);
        var overview = await scope.ServiceProvider.GetRequiredService<IpReputationService>().OverviewAsync(Ct);
        Assert.Equal(overview.InTrouble, (await SearchAsync(new(Trouble: true))).Total);
        Assert.Equal(overview.Listed, (await SearchAsync(new(Listed: IpFilter.AnyProvider))).Total);
        Assert.Equal(overview.Stale, (await SearchAsync(new(Stale: true))).Total);
        Assert.Equal(overview.RecentlyBad, (await SearchAsync(new(DegradedWithin: 7))).Total);
        Assert.Equal(overview.Total, overview.ByStatus.Sum(s => s.Count));
        foreach (var s in overview.ByStatus) Assert.Equal(s.Count, (await SearchAsync(new(Status: s.Key))).Total);
        foreach (var p in overview.ListedByProvider) Assert.Equal(p.Count, (await SearchAsync(new(Listed: p.Key))).Total);
        foreach (var v in overview.ByVps.Where(v => v.VpsId is not null))
            Assert.Equal(v.Stale, (await SearchAsync(new(Vps: v.VpsId, Stale: true))).Total);
    }

    [Fact]
    public async Task The_overview_shows_only_the_top_VPS_while_its_figures_count_every_VPS()
    {
        // More VPS than the breakdown shows, each with IPs in trouble: the page stays the same size whatever the fleet.
        await using (var db = Db.CreateContext())
        {
            for (var v = 0; v < IpOverview.TopVps + 3; v++)
            {
                var vps = await Vps.VpsTestData.AddVpsAsync(db);
                for (var n = 0; n <= v % 4; n++) await Vps.VpsTestData.AddIpAsync(db, vps.Id, IpStatus.Degraded, n + 1);
            }
        }
        await using var scope = await App.ScopeAsAsync(Demo.Exec);
        var overview = await scope.ServiceProvider.GetRequiredService<IpReputationService>().OverviewAsync(Ct);
        await using var check = Db.CreateContext();
        Assert.Equal(IpOverview.TopVps, overview.ByVps.Count);
        Assert.Equal(await check.SmtpIpAddresses.Select(i => i.VpsInstanceId).Distinct().CountAsync(Ct), overview.VpsCount);
        Assert.Equal(await check.SmtpIpAddresses.CountAsync(Ct), overview.Total);
        Assert.True(overview.Total > overview.ByVps.Sum(v => v.Total), "the headline counts IPs of VPS the breakdown leaves out");
        Assert.Equal(overview.InTrouble, (await SearchAsync(new(Trouble: true))).Total);
        // Most in trouble first: no VPS left out has more IPs in trouble than the last one shown.
        Assert.Equal(overview.ByVps.OrderByDescending(v => v.InTrouble).Select(v => v.InTrouble), overview.ByVps.Select(v => v.InTrouble));
        var perVps = await check.SmtpIpAddresses.Where(i => i.Status == IpStatus.Degraded || i.Status == IpStatus.Quarantined
                || (i.Status != IpStatus.Burned && (i.ReputationState == ReputationState.Poor || i.ReputationState == ReputationState.Critical)))
            .GroupBy(i => i.VpsInstanceId).Select(g => g.Count()).OrderDescending().Take(IpOverview.TopVps).ToListAsync(Ct);
        Assert.Equal(perVps, overview.ByVps.Select(v => v.InTrouble));
    }

    [Fact]
    public async Task Burned_ips_are_retired_and_count_neither_as_stale_nor_in_trouble()
    {
        await using var scope = await App.ScopeAsAsync(Demo.Exec);
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        var before = await service.OverviewAsync(Ct);
        var burned = await IpTestData.NewIpAsync(Db, IpStatus.Burned, ReputationState.Critical, lastCheck: DateTime.UtcNow.AddDays(-30));
        var live = await IpTestData.NewIpAsync(Db, IpStatus.Degraded, ReputationState.Critical, lastCheck: DateTime.UtcNow.AddDays(-30));

        var after = await service.OverviewAsync(Ct);
        Assert.Equal(before.Total + 2, after.Total);
        Assert.Equal(before.Stale + 1, after.Stale);
        Assert.Equal(before.InTrouble + 1, after.InTrouble);
        var stale = (await SearchAsync(new(Stale: true))).Rows.Select(r => r.Id).ToList();
        Assert.Contains(live.Id, stale);
        Assert.DoesNotContain(burned.Id, stale);
        Assert.Equal(after.Stale, (await SearchAsync(new(Stale: true))).Total);
    }

    [Fact]
    public async Task The_csv_export_follows_the_filter_and_needs_ip_view()
    {
        var client = await App.SignedInClientAsync(Demo.Support);
        var csv = await client.GetStringAsync("/ip-reputation/export.csv?status=quarantined", Ct);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ip_address,status,reputation,region", lines[0]);
        Assert.Contains(",assigned_count,approximate_cost_usd,", lines[0]);
        Assert.Equal((await SearchAsync(new(Status: IpStatus.Quarantined))).Total, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Contains(",quarantined,", l));
        var tenant = await App.SignedInClientAsync(Demo.AcmeAdmin);
        var denied = await tenant.GetAsync("/ip-reputation/export.csv", Ct);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, denied.StatusCode);
    }

    [Fact]
    public async Task Detail_shows_vps_providers_assignments_history_and_cost()
    {
        await using var scope = await App.ScopeAsAsync(Demo.Support);
        var detail = await scope.ServiceProvider.GetRequiredService<IpReputationService>().DetailAsync(Demo.FirstIp, Ct);
        Assert.NotNull(detail);
        Assert.Equal("hw-use-1001", detail.VpsName);
        Assert.Equal("us-east", detail.Region);
        Assert.Equal(4, detail.Providers.Count);
        Assert.Equal(detail.AssignedCount, detail.Assignments.Count(a => a.IsActive));
        Assert.NotEmpty(detail.History);
        await using var db = Db.CreateContext();
        var ipsOnVps = await db.SmtpIpAddresses.CountAsync(i => i.VpsInstanceId == Demo.FirstVps, Ct);
        Assert.Equal(Math.Round(60m / ipsOnVps, 2), detail.VpsShare);
        Assert.Null(await scope.ServiceProvider.GetRequiredService<IpReputationService>().DetailAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task The_warmup_view_lists_warming_ips_and_assignments_with_their_start()
    {
        await using var scope = await App.ScopeAsAsync(Demo.Support);
        var view = await scope.ServiceProvider.GetRequiredService<IpReputationService>().WarmupAsync(Ct);
        await using var db = Db.CreateContext();
        Assert.Equal(await db.SmtpIpAddresses.CountAsync(i => i.Status == IpStatus.Warming, Ct), view.Ips.Count);
        Assert.All(view.Ips, ip => Assert.NotNull(ip.Since));
        Assert.Contains(view.Ips, ip => ip.ActiveAssignments > 0 && ip.LastSent is not null);
        Assert.Equal(await db.DomainIpAssignments.CountAsync(a => a.Status != "expired" && (a.Status == "warming" || a.WarmupState == "warming"), Ct), view.Assignments.Count);
        Assert.All(view.Assignments, a => Assert.False(string.IsNullOrEmpty(a.Domain)));
    }
}
