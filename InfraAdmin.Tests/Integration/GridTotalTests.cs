using InfraAdmin.Data.Entities;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration;

/// <summary>
/// A grid's total is exact unless the planner expects more rows than the grid counts exactly, or expects the count to cost
/// more than <see cref="DbReads.MaxExactCountCost"/> (a broad filter that only a long scan answers, as the IP grid's
/// "listed and stale" at 100,000 tenants): then it is the planner's estimate, and says so.
/// </summary>
public sealed class GridTotalTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cheap_count_is_exact_and_a_count_over_the_cost_limit_is_the_planners_estimate()
    {
        await using var db = Db.CreateContext();
        var live = db.SmtpIpAddresses.AsNoTracking().Where(i => i.Status != IpStatus.Burned);
        var exact = await live.CountAsync(Ct);

        var cheap = await live.CountOrEstimateAsync(db, long.MaxValue, Ct);
        Assert.Equal(new GridTotal(exact, false), cheap);

        // The same filter, counted where reading it costs more than allowed: the plan's rows, marked as an estimate.
        var costly = await live.CountOrEstimateAsync(db, long.MaxValue, Ct, maxExactCost: 0);
        Assert.True(costly.Estimated);
        var plan = await DbReads.PlanAsync(live, db, rows: true, cost: true, Ct);
        Assert.Equal(plan.Rows, costly.Count);
        Assert.True(plan.Cost > 0);
        Assert.Equal(plan.Rows, await DbReads.EstimateAsync(live, db, Ct));

        // And where more rows are expected than the grid counts exactly.
        Assert.True((await live.CountOrEstimateAsync(db, exactUpTo: 0, Ct)).Estimated);
    }

    [Fact]
    public async Task The_ip_grid_counts_a_small_fleet_exactly_whatever_the_filter()
    {
        await using var scope = await App.ScopeAsAsync(Demo.Support);
        var ips = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        foreach (var filter in new[] { new IpFilter(), new IpFilter(Listed: IpFilter.AnyProvider, Stale: true), new IpFilter(Trouble: true) })
        {
            var page = await ips.SearchAsync(filter, IpSort.IpAddress, false, 0, 200, Ct);
            Assert.False(page.TotalEstimated);
            Assert.True(page.Total >= page.Rows.Count);
        }
        await using var db = Db.CreateContext();
        Assert.Equal(await db.SmtpIpAddresses.CountAsync(Ct), (await ips.SearchAsync(new IpFilter(), IpSort.IpAddress, false, 0, 25, Ct)).Total);
    }
}
