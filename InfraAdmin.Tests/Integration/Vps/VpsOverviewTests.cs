using System.Net;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Vps;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Vps;

/// <summary>Read-only checks on the demo fleet: spend, renewals, grid filters and sorting, detail, export, permissions.</summary>
public sealed class VpsOverviewTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<T> AsAsync<T>(string email, Func<VpsService, Task<T>> call)
    {
        await using var scope = await App.ScopeAsAsync(email);
        return await call(scope.ServiceProvider.GetRequiredService<VpsService>());
    }

    [Fact]
    public async Task Monthly_spend_counts_instances_not_decommissioned_by_region_and_status()
    {
        var overview = await AsAsync(Demo.Exec, s => s.OverviewAsync(Ct));
        // Demo fleet: 8 instances, one decommissioned (36.00 / 34.00), one scheduled (40.00).
        Assert.Equal(358.00m, overview.MonthlySpend);
        Assert.Equal(340.00m, overview.ApproximateCost);
        Assert.Equal(7, overview.Instances);
        Assert.DoesNotContain(overview.Groups, g => g.Status == VpsStatus.Decommissioned);
        Assert.Equal(overview.MonthlySpend, overview.Groups.Sum(g => g.MonthlyCost));
        var usWest = overview.Groups.Where(g => g.Region == "us-west").ToList();
        Assert.Equal([(VpsStatus.Active, 52.00m), (VpsStatus.Provisioning, 52.00m)], usWest.Select(g => (g.Status, g.MonthlyCost)));
        Assert.Equal(40.00m, overview.ScheduledSavings);
        Assert.Equal(1, overview.ScheduledInstances);

        var headline = await AsAsync(Demo.Support, s => s.HeadlineAsync(Ct));
        Assert.Equal(358.00m, headline.MonthlySpend);
        Assert.Equal(40.00m, headline.ScheduledSavings);
        Assert.Equal(overview.RenewalCount, headline.RenewalsThisWeek);
    }

    [Fact]
    public async Task Renewals_of_the_next_7_days_are_the_billed_instances_whose_period_ends_by_then()
    {
        var overview = await AsAsync(Demo.Exec, s => s.OverviewAsync(Ct));
        await using var db = Db.CreateContext();
        var horizon = DateTime.UtcNow.AddDays(7);
        var expected = (await db.VpsInstances.AsNoTracking().ToListAsync(Ct))
            .Where(v => v.Status != VpsStatus.Decommissioned && v.CurrentBillingPeriodEnd <= horizon)
            .Select(v => v.HostwindsInstanceId).Order().ToList();
        Assert.InRange(expected.Count, 1, VpsService.RenewalListSize); // the demo's few all fit in the list
        Assert.Equal(expected.Count, overview.RenewalCount);
        Assert.Equal(expected, overview.Renewals.Select(r => r.ProviderId).Order().ToList());
        // The demo's scheduled decommission is at its period's end: no extra period, no warning.
        Assert.DoesNotContain(overview.Renewals, r => r.BilledAgain);
        Assert.Equal(0, overview.BilledAgainCount);
    }

    [Fact]
    public async Task The_grid_filters_sorts_and_pages_in_the_database()
    {
        var active = await AsAsync(Demo.Support, s => s.SearchAsync(new VpsFilter(Status: VpsStatus.Active), 0, 50, ct: Ct));
        Assert.Equal(5, active.Total);
        Assert.All(active.Rows, r => Assert.Equal(VpsStatus.Active, r.Status));

        var usEast = await AsAsync(Demo.Support, s => s.SearchAsync(new VpsFilter(Region: "us-east"), 0, 50, ct: Ct));
        Assert.Equal(["hw-use-1001", "hw-use-1002"], usEast.Rows.Select(r => r.ProviderId));

        var day31 = await AsAsync(Demo.Support, s => s.SearchAsync(new VpsFilter(BillingDay: 31), 0, 50, ct: Ct));
        Assert.Equal(["hw-euc-3002", "hw-usw-2002"], day31.Rows.Select(r => r.ProviderId));

        var byId = await AsAsync(Demo.Support, s => s.SearchAsync(new VpsFilter(Q: "USW-20"), 0, 50, ct: Ct));
        Assert.Equal(["hw-usw-2001", "hw-usw-2002"], byId.Rows.Select(r => r.ProviderId));
        var byIp = await AsAsync(Demo.Support, s => s.SearchAsync(new VpsFilter(Q: "198.51.100.12"), 0, 50, ct: Ct));
        Assert.Equal(["hw-usw-2001"], byIp.Rows.Select(r => r.ProviderId));
        var none = await AsAsync(Demo.Support, s => s.SearchAsync(new VpsFilter(Q: "%"), 0, 50, ct: Ct));
        Assert.Equal(0, none.Total);

        var renewing = await AsAsync(Demo.Support, s => s.SearchAsync(new VpsFilter(RenewingWithin: 7), 0, 50, ct: Ct));
        var overview = await AsAsync(Demo.Support, s => s.OverviewAsync(Ct));
        Assert.Equal(overview.RenewalCount, renewing.Total);
        Assert.Equal(overview.Renewals.Select(r => r.Id).Order(), renewing.Rows.Select(r => r.Id).Order());

        var page = await AsAsync(Demo.Support, s => s.SearchAsync(new VpsFilter(), 1, 3, nameof(VpsRow.MonthlyCost), true, Ct));
        Assert.Equal(8, page.Total);
        Assert.Equal([52.00m, 48.00m, 44.00m], page.Rows.Select(r => r.MonthlyCost));
        Assert.All(page.Rows, r => Assert.Equal(6, r.IpCount));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(32, null)]
    [InlineData(null, -1)]
    [InlineData(null, VpsFilter.MaxRenewingWithinDays + 1)]
    public async Task The_service_refuses_out_of_range_filter_numbers_rather_than_clamping_them(int? billingDay, int? renewingWithin)
    {
        var filter = new VpsFilter(BillingDay: billingDay, RenewingWithin: renewingWithin);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => AsAsync(Demo.Support, s => s.SearchAsync(filter, 0, 10, ct: Ct)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => AsAsync(Demo.Support, s => s.ExportAsync(filter, Ct)));
    }

    [Fact]
    public async Task The_query_string_takes_the_bounds_the_service_accepts()
    {
        var f = new InfraAdmin.Infrastructure.QueryFilters();
        var edge = VpsFilter.FromQuery(f, null, null, "31", VpsFilter.MaxRenewingWithinDays.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
        Assert.Null(f.Message);
        Assert.Equal((31, VpsFilter.MaxRenewingWithinDays), (edge.BillingDay, edge.RenewingWithin));
        Assert.NotNull(await AsAsync(Demo.Support, s => s.SearchAsync(edge, 0, 10, ct: Ct)));

        var past = VpsFilter.FromQuery(f, null, null, "32", (VpsFilter.MaxRenewingWithinDays + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), null);
        Assert.Equal((null, null), (past.BillingDay, past.RenewingWithin));
        Assert.Contains("billing_day=“32” must be a whole number from 1 to 31", f.Message);
        Assert.Contains($"renewing_within=“{VpsFilter.MaxRenewingWithinDays + 1}” must be a whole number from 0 to {VpsFilter.MaxRenewingWithinDays}", f.Message);
    }

    [Fact]
    public async Task The_detail_shows_the_period_days_to_renewal_ips_assignments_and_tenants()
    {
        var detail = await AsAsync(Demo.Support, s => s.GetAsync(Demo.FirstVps, Ct));
        Assert.NotNull(detail);
        Assert.Equal("hw-use-1001", detail.ProviderId);
        Assert.Equal(1, detail.BillingDay);
        Assert.Equal(Data.Billing.BillingPeriod.Containing(DateTime.UtcNow, 1), new Data.Billing.BillingPeriod(detail.PeriodStart!.Value, detail.PeriodEnd!.Value));
        Assert.Equal(Data.Billing.BillingPeriod.DaysToRenewal(DateTime.UtcNow, 1), detail.DaysToRenewal);
        Assert.Equal(6, detail.Ips.Count);

        await using var db = Db.CreateContext();
        var active = await db.DomainIpAssignments.AsNoTracking()
            .Where(a => a.SmtpIpAddress!.VpsInstanceId == Demo.FirstVps && AssignmentStatus.ActiveSet.Contains(a.Status!))
            .Select(a => new { a.Id, a.Domain!.TenantId }).ToListAsync(Ct);
        Assert.NotEmpty(active);
        Assert.Equal(active.Select(a => a.Id).Order(), detail.ActiveAssignments.Select(a => a.Id).Order());
        Assert.Equal(active.Select(a => a.TenantId).Distinct().Order(), detail.Tenants.Select(t => t.Id).Order());
        Assert.Equal(active.Count, detail.Tenants.Sum(t => t.ActiveAssignments));
        Assert.Equal(detail.Ips.Sum(i => i.AssignedCount), active.Count);

        Assert.Null(await AsAsync(Demo.Support, s => s.GetAsync(Guid.NewGuid(), Ct)));
    }

    [Fact]
    public async Task Viewers_cannot_change_anything_and_users_without_vps_view_see_nothing()
    {
        await using (var scope = await App.ScopeAsAsync(Demo.Exec))
        {
            var service = scope.ServiceProvider.GetRequiredService<VpsService>();
            var form = new VpsForm { ProviderId = "exec-try", IpAddress = "192.0.2.1", Region = "x", BillingDay = 1, MonthlyCost = 1m };
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.CreateAsync(form, Ct));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.UpdateAsync(Demo.FirstVps, form, Ct));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.PreviewDecommissionAsync(Demo.FirstVps, Ct));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.ScheduleDecommissionAsync(Demo.FirstVps, null, true, 0, Ct));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.CancelDecommissionAsync(Demo.FirstVps, 0, Ct));
        }
        await using (var scope = await App.ScopeAsAsync(Demo.AcmeAdmin))
        {
            var service = scope.ServiceProvider.GetRequiredService<VpsService>();
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.SearchAsync(new VpsFilter(), 0, 10, ct: Ct));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.OverviewAsync(Ct));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.HeadlineAsync(Ct));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => service.GetAsync(Demo.FirstVps, Ct));
        }
    }

    [Fact]
    public async Task The_csv_export_applies_the_filters_and_needs_vps_view()
    {
        var client = await App.SignedInClientAsync(Demo.Exec);
        var csv = await client.GetStringAsync("/vps/export.csv?status=active&region=us-east", Ct);
        var lines = csv.TrimEnd().Split("\r\n");
        Assert.StartsWith("id,provider_id,ip_address,region,status,monthly_cost_usd,approximate_cost_usd", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.Contains(",hw-use-1001,") && l.Contains(",64.00,"));

        var member = await App.SignedInClientAsync(Demo.AcmeMember);
        var denied = await member.GetAsync("/vps/export.csv", Ct);
        Assert.NotEqual(HttpStatusCode.OK, denied.StatusCode);
    }

    [Fact]
    public async Task The_overview_card_on_home_shows_the_headline_to_vps_viewers_only()
    {
        var exec = await App.SignedInClientAsync(Demo.Exec);
        var home = await exec.GetStringAsync("/", Ct);
        Assert.Contains("data-testid=\"vps-overview-card\"", home);
        Assert.Contains("358.00", home);

        var member = await App.SignedInClientAsync(Demo.AcmeMember);
        Assert.DoesNotContain("vps-overview-card", await member.GetStringAsync("/", Ct));
    }
}
