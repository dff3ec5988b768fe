using InfraAdmin.Features.Costs;
using InfraAdmin.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static InfraAdmin.Tests.Integration.Costs.CostScenario;

namespace InfraAdmin.Tests.Integration.Costs;

/// <summary>
/// Hand-computed months for each case of the rule (docs/DESIGN.md "Cost per tenant"), checked against the SQL allocation,
/// then a property test on random intervals: SQL == reference per tenant per day, and conservation to the cent.
/// </summary>
public sealed class CostAllocationTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static readonly Guid A = CostScenario.Tenants[0], B = CostScenario.Tenants[1];
    private static readonly DateOnly April1 = new(2025, 4, 1), April30 = new(2025, 4, 30);

    private CostScenario NewScenario() => new(Db, App);

    [Fact]
    public async Task One_domain_on_one_ip_of_one_vps_takes_the_whole_month()
    {
        var s = NewScenario();
        var vps = s.AddVps(30.00m, At(2025, 3, 1));
        var ip = s.AddIp(3.00m, At(2025, 3, 1), vps);
        s.Assign(ip, s.AddDomain(A), At(2025, 3, 1));
        await s.RebuildAsync(April1, April30);

        var month = await s.MonthAsync(2025, 4);
        Assert.Equal(new CostAllocator.Share(3.00m, 30.00m), month[A]);
        Assert.Equal(new CostAllocator.Share(0, 0), month[Idle]);
    }

    [Fact]
    public async Task An_ip_is_split_equally_among_its_domains_each_day_and_an_expiry_mid_month_shifts_the_split()
    {
        // April (30 days): VPS 60 → 2.00/day, IP 6 → 0.20/day. B's domain expires at the start of the 16th (covers 1–15).
        // Days 1–15: A and B get 0.10 + 1.00 each; days 16–30: A gets 0.20 + 2.00. A = 4.50 + 45.00, B = 1.50 + 15.00.
        var s = NewScenario();
        var vps = s.AddVps(60.00m, At(2025, 1, 1));
        var ip = s.AddIp(6.00m, At(2025, 1, 1), vps);
        s.Assign(ip, s.AddDomain(A), At(2025, 3, 20, 9));
        s.Assign(ip, s.AddDomain(B), At(2025, 3, 31, 23), At(2025, 4, 16), "expired");
        await s.RebuildAsync(April1, April30);

        var month = await s.MonthAsync(2025, 4);
        Assert.Equal(new CostAllocator.Share(4.50m, 45.00m), month[A]);
        Assert.Equal(new CostAllocator.Share(1.50m, 15.00m), month[B]);
        Assert.Equal(new CostAllocator.Share(0, 0), month[Idle]);
    }

    [Fact]
    public async Task A_vps_is_split_among_the_ips_existing_that_day_and_an_ip_without_domains_is_idle()
    {
        // April: VPS 30 → 1.00/day. IP1 (3 → 0.10/day) carries A all month. IP2 (6 → 0.20/day) is created on the 11th at noon
        // (exists 11–30, 20 days) and carries nothing. Days 1–10: the VPS day goes to IP1 (A 10.00); days 11–30: 0.50 to each
        // IP (A 10.00, idle 10.00). A = 3.00 + 20.00; idle = 4.00 (IP2's own) + 10.00.
        var s = NewScenario();
        var vps = s.AddVps(30.00m, At(2025, 2, 1));
        var ip1 = s.AddIp(3.00m, At(2025, 2, 1), vps);
        s.AddIp(6.00m, At(2025, 4, 11, 12), vps);
        s.Assign(ip1, s.AddDomain(A), At(2025, 2, 2));
        await s.RebuildAsync(April1, April30);

        var month = await s.MonthAsync(2025, 4);
        Assert.Equal(new CostAllocator.Share(3.00m, 20.00m), month[A]);
        Assert.Equal(new CostAllocator.Share(4.00m, 10.00m), month[Idle]);
    }

    [Fact]
    public async Task A_decommissioned_vps_takes_its_ips_with_it_and_a_vps_without_ips_is_idle()
    {
        // February 2025 (28 days): VPS1 28 → 1.00/day, decommissioned at the start of the 15th (exists 1–14); its IP
        // (2.80 → 0.10/day) carries B, so B = 1.40 + 14.00. VPS2 (56 → 2.00/day) is created on the 21st at 06:00 (8 days) with no
        // IP: idle 16.00. A VPS scheduled for decommission (not yet decommissioned) still exists after its date.
        var s = NewScenario();
        var vps1 = s.AddVps(28.00m, At(2025, 1, 5), "decommissioned", At(2025, 2, 15));
        var ip = s.AddIp(2.80m, At(2025, 1, 5), vps1);
        s.Assign(ip, s.AddDomain(B), At(2025, 1, 6));
        s.AddVps(56.00m, At(2025, 2, 21, 6));
        s.AddVps(null, At(2025, 1, 1), "scheduled_decommission", At(2025, 2, 10));
        var from = new DateOnly(2025, 2, 1);
        await s.RebuildAsync(from, new DateOnly(2025, 2, 28));

        var month = await s.MonthAsync(2025, 2);
        Assert.Equal(new CostAllocator.Share(1.40m, 14.00m), month[B]);
        Assert.Equal(new CostAllocator.Share(0, 16.00m), month[Idle]);
        Assert.False(month.ContainsKey(A));
    }

    [Fact]
    public async Task Overlapping_assignments_of_a_domain_count_once_whatever_their_status_and_an_ip_without_vps_costs_only_itself()
    {
        // April: an IP with no VPS, 3 → 0.10/day. A's domain has an expired assignment covering 1–20 and an active one from the
        // 10th (open-ended): one domain on days 1–20 (A 2.00). B's scheduled assignment starts on the 21st: days 21–30 split
        // 0.05 each (A 0.50, B 0.50).
        var s = NewScenario();
        var ip = s.AddIp(3.00m, At(2025, 3, 1));
        var domainA = s.AddDomain(A);
        s.Assign(ip, domainA, At(2025, 3, 25), At(2025, 4, 21), "expired");
        s.Assign(ip, domainA, At(2025, 4, 10, 8));
        s.Assign(ip, s.AddDomain(B), At(2025, 4, 21), status: "scheduled");
        await s.RebuildAsync(April1, April30);

        var month = await s.MonthAsync(2025, 4);
        Assert.Equal(new CostAllocator.Share(2.50m, 0), month[A]);
        Assert.Equal(new CostAllocator.Share(0.50m, 0), month[B]);
    }

    [Fact]
    public async Task Rounding_gives_a_tied_cent_to_the_lower_tenant_id_and_idle_comes_last()
    {
        // April: IP1 (1.00 → 1/30 a day, on a VPS that goes at the start of May) carries three tenants all month: 1/3 each
        // → 0.33 three times and the missing cent to the lowest tenant id.
        // June: IP2 and IP3 (0.15 each) exist on the 30th only (0.005 each): IP2 carries a fourth tenant, IP3 nothing
        // (idle 0.005). The month's 0.01 goes to the tenant: idle comes last in a tie.
        var s = NewScenario();
        var three = CostScenario.Tenants.Take(3).OrderBy(t => t.ToString("D"), StringComparer.Ordinal).ToList();
        var vps = s.AddVps(0m, At(2025, 3, 1), "decommissioned", At(2025, 5, 1));
        var ip1 = s.AddIp(1.00m, At(2025, 3, 1), vps);
        foreach (var t in three) s.Assign(ip1, s.AddDomain(t), At(2025, 3, 1));
        var fourth = CostScenario.Tenants[3];
        var ip2 = s.AddIp(0.15m, At(2025, 6, 30));
        s.Assign(ip2, s.AddDomain(fourth), At(2025, 4, 1));
        s.AddIp(0.15m, At(2025, 6, 30));
        await s.RebuildAsync(April1, new DateOnly(2025, 6, 30));

        await using var scope = await App.ScopeAsAsync(Demo.Exec);
        var service = scope.ServiceProvider.GetRequiredService<CostService>();
        var april = (await service.GetMonthAsync("2025-04", Xunit.TestContext.Current.CancellationToken)).Value!;
        var byTenant = (await service.AllRowsAsync(april, Xunit.TestContext.Current.CancellationToken)).ToDictionary(t => t.TenantId);
        Assert.Equal([0.34m, 0.33m, 0.33m], three.Select(t => byTenant[t].Total));
        Assert.Equal([0.34m, 0.33m, 0.33m], three.Select(t => byTenant[t].IpCost));
        Assert.Equal(1.00m, april.Totals.Total);

        var june = (await service.GetMonthAsync("2025-06", Xunit.TestContext.Current.CancellationToken)).Value!;
        Assert.Equal(0.01m, (await service.AllRowsAsync(june, Xunit.TestContext.Current.CancellationToken)).Single(t => t.TenantId == fourth).Total);
        Assert.Equal(0.00m, june.Idle.Total);
        Assert.Equal(0.01m, june.Totals.Total);
    }

    [Fact]
    public async Task Random_intervals_give_the_reference_figures_per_tenant_per_day_and_conserve_every_cent()
    {
        var from = new DateOnly(2025, 1, 1);
        var to = new DateOnly(2025, 3, 31);
        for (var seed = 1; seed <= 12; seed++)
        {
            var s = RandomScenario(new Random(seed));
            await s.RebuildAsync(from, to);
            var expected = CostAllocator.Allocate(s.Vps, s.Ips, s.Assignments, s.TenantOfDomain, from, to);
            var kept = await s.KeptAsync(from, to);

            Assert.Equal(expected.Keys.OrderBy(k => k.ToString()), kept.Keys.OrderBy(k => k.ToString()));
            foreach (var (key, share) in expected)
            {
                Assert.True(Math.Abs(share.IpCost - kept[key].IpCost) < 1e-15m, $"seed {seed} {key}: IP {share.IpCost} vs {kept[key].IpCost}");
                Assert.True(Math.Abs(share.VpsCost - kept[key].VpsCost) < 1e-15m, $"seed {seed} {key}: VPS {share.VpsCost} vs {kept[key].VpsCost}");
            }
            await AssertConservedAsync(s, seed, 2025, 2);
        }
    }

    private async Task AssertConservedAsync(CostScenario s, int seed, int year, int month)
    {
        var start = new DateOnly(year, month, 1);
        var total = CostAllocator.Total(s.Vps, s.Ips, start, start.AddMonths(1).AddDays(-1));
        await using var scope = await App.ScopeAsAsync(Demo.Exec);
        var costs = scope.ServiceProvider.GetRequiredService<CostService>();
        var summary = (await costs.GetMonthAsync($"{year}-{month:00}", Xunit.TestContext.Current.CancellationToken)).Value!;
        var rows = await costs.AllRowsAsync(summary, Xunit.TestContext.Current.CancellationToken);
        // Exact values are snapped to 12 decimals before rounding (decimal division leaves noise in the 28th digit).
        Assert.Equal(Math.Round(Math.Round(total, 12), 2, MidpointRounding.AwayFromZero), summary.Totals.Total);
        Assert.Equal(summary.Totals.Total, rows.Sum(t => t.Total) + summary.Idle.Total);
        Assert.Equal(summary.Totals.IpCost, rows.Sum(t => t.IpCost) + summary.Idle.IpCost);
        Assert.Equal(summary.Totals.VpsCost, rows.Sum(t => t.VpsCost) + summary.Idle.VpsCost);
        Assert.True(summary.Totals.Total > 0, $"seed {seed}: an empty scenario proves nothing");

        // The rounding kept by the roll-up (in SQL) is the reference largest remainder over the exact month sums:
        // tenants by id, idle last.
        var exact = await s.MonthAsync(year, month);
        var order = exact.Keys.Where(k => k != Idle).OrderBy(k => k.ToString("D"), StringComparer.Ordinal).Append(Idle).ToList();
        var ip = LargestRemainder.Round(order.Select(k => exact[k].IpCost).ToList());
        var vps = LargestRemainder.Round(order.Select(k => exact[k].VpsCost).ToList());
        var all = LargestRemainder.Round(order.Select(k => exact[k].IpCost + exact[k].VpsCost).ToList());
        var shown = rows.ToDictionary(r => r.TenantId);
        for (var i = 0; i < order.Count; i++)
        {
            var (shownIp, shownVps, shownTotal) = order[i] == Idle
                ? (summary.Idle.IpCost, summary.Idle.VpsCost, summary.Idle.Total)
                : (shown[order[i]].IpCost, shown[order[i]].VpsCost, shown[order[i]].Total);
            Assert.Equal((ip[i], vps[i], all[i]), (shownIp, shownVps, shownTotal));
        }
    }

    /// <summary>VPS, IPs and assignments with random times around the range: created, expiring and decommissioned mid-month, open-ended.</summary>
    private CostScenario RandomScenario(Random r)
    {
        var s = NewScenario();
        DateTime Time(int minDay, int maxDay) => At(2024, 12, 1).AddDays(r.Next(minDay, maxDay)).AddHours(r.Next(24)).AddMinutes(r.Next(60));
        decimal? Cost(int max) => r.Next(8) == 0 ? null : r.Next(0, max * 100) / 100m;
        var vps = Enumerable.Range(0, r.Next(2, 5)).Select(_ =>
        {
            var created = Time(0, 100);
            var status = r.Next(4) switch { 0 => "decommissioned", 1 => "scheduled_decommission", _ => "active" };
            return s.AddVps(Cost(90), created, status, status == "active" ? null : created.AddDays(r.Next(1, 90)));
        }).ToList();
        var ips = Enumerable.Range(0, r.Next(4, 10))
            .Select(_ => s.AddIp(Cost(9), Time(0, 110), r.Next(5) == 0 ? null : vps[r.Next(vps.Count)])).ToList();
        var domains = Enumerable.Range(0, r.Next(3, 9)).Select(_ => s.AddDomain(CostScenario.Tenants[r.Next(CostScenario.Tenants.Length)])).ToList();
        for (var i = 0; i < r.Next(6, 25); i++)
        {
            var assigned = Time(0, 120);
            s.Assign(ips[r.Next(ips.Count)], domains[r.Next(domains.Count)], assigned,
                r.Next(3) == 0 ? null : assigned.AddDays(r.Next(0, 60)).AddHours(r.Next(24)), "expired");
        }
        return s;
    }
}
