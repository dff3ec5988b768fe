using InfraAdmin.Authorization;
using InfraAdmin.Features.Costs;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Costs;

/// <summary>
/// The executive overview on /: the last closed month beside the month before and a year before, this month to date and
/// projected, and the tenants in loss, each figure exactly the cost page's; complete on the 1st of a month.
/// </summary>
public sealed class ExecutiveOverviewTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture), IAsyncLifetime
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CostRollup>().RebuildAllAsync(Ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<T> AsAsync<T>(string user, Func<CostService, Task<T>> call, TimeProvider? clock = null) => App.AsAsync(user, call, clock);

    [Fact]
    public async Task Each_column_is_the_cost_pages_month_and_the_projection_carries_the_month_to_its_end()
    {
        var o = await AsAsync(Demo.Exec, s => s.ExecutiveOverviewAsync(Ct));
        var current = await AsAsync(Demo.Exec, s => Task.FromResult(s.CurrentMonth));
        Assert.Equal(current.Previous, o.LastClosedMonth);

        foreach (var (figures, month) in new[] { (o.LastClosed, o.LastClosedMonth), (o.MonthBefore, o.LastClosedMonth.Previous), (o.YearAgo, o.LastClosedMonth.AddMonths(-12)) })
        {
            var page = (await AsAsync(Demo.Exec, s => s.GetMonthAsync(month.ToString(), Ct))).Value!;
            Assert.NotNull(figures);
            Assert.Equal((month, page.Totals.Total, page.Totals.Revenue, page.Idle.Total, page.Totals.Margin),
                (figures.Month, figures.Cost, figures.Revenue, figures.Idle, figures.Margin));
            Assert.False(figures.ToDate);
            Assert.Equal(page.IdleShare, figures.IdleShare);
        }

        var now = (await AsAsync(Demo.Exec, s => s.GetMonthAsync(null, Ct))).Value!;
        Assert.Equal(now.Totals.Total, o.ToDate!.Cost);
        Assert.Equal(now.Project(now.Totals.Total), o.Projection!.Cost);
        Assert.Equal(now.Project(now.Totals.Revenue), o.Projection.Revenue);
        Assert.Equal(now.DaysCounted < now.Month.DaysInMonth, o.Projection.Projected);
    }

    [Fact]
    public async Task The_tenants_in_loss_are_counted_and_the_worst_listed_first()
    {
        // Make one tenant lose money in the last closed month: revenue far below its cost.
        var o = await AsAsync(Demo.Exec, s => s.ExecutiveOverviewAsync(Ct));
        var closed = (await AsAsync(Demo.Exec, s => s.GetMonthAsync(o.LastClosedMonth.ToString(), Ct))).Value!;
        var rows = await AsAsync(Demo.Exec, s => s.AllRowsAsync(closed, Ct));
        var costly = rows.Where(r => r.Total > 0).OrderByDescending(r => r.Total).First();
        await using (var db = Db.CreateContext())
        {
            await db.Tenants.Where(t => t.Id == costly.TenantId).ExecuteUpdateAsync(s => s.SetProperty(t => t.MonthlyRevenue, 0m), Ct);
        }

        o = await AsAsync(Demo.Exec, s => s.ExecutiveOverviewAsync(Ct));
        closed = (await AsAsync(Demo.Exec, s => s.GetMonthAsync(o.LastClosedMonth.ToString(), Ct))).Value!;
        rows = await AsAsync(Demo.Exec, s => s.AllRowsAsync(closed, Ct));
        var inLoss = rows.Where(r => r.Margin < 0).OrderBy(r => r.Margin).ToList();
        Assert.Equal(inLoss.Count, o.LossCount);
        Assert.Contains(o.Losses, r => r.TenantId == costly.TenantId);
        Assert.Equal(inLoss.Take(ExecutiveOverview.LossesShown).Select(r => (r.TenantId, r.Margin)), o.Losses.Select(r => (r.TenantId, r.Margin)));
    }

    [Fact]
    public async Task On_the_first_of_a_month_the_last_closed_month_is_complete()
    {
        var current = await AsAsync(Demo.Exec, s => Task.FromResult(s.CurrentMonth));
        var firstOfMonth = TestClock.At(current.Year, current.Month, 1, 0, 5);
        var o = await AsAsync(Demo.Exec, s => s.ExecutiveOverviewAsync(Ct), firstOfMonth);
        Assert.Equal(current.Previous, o.LastClosedMonth);
        Assert.NotNull(o.LastClosed);
        Assert.Equal(o.LastClosedMonth.DaysInMonth, o.LastClosed.DaysCounted);
        Assert.False(o.LastClosed.ToDate);
    }

    [Theory]
    [InlineData(Demo.Ops)]
    [InlineData(Demo.AcmeAdmin)]
    public async Task Users_without_costs_view_are_refused(string user) =>
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(user, s => s.ExecutiveOverviewAsync(Ct)));

    [Fact]
    public async Task The_overview_page_shows_the_comparison_to_an_executive_and_not_to_ops()
    {
        using var exec = await App.SignedInClientAsync(Demo.Exec);
        var html = await exec.GetStringAsync("/", Ct);
        Assert.Contains("data-testid=\"overview-comparison\"", html);
        Assert.Contains("a year before", html);
        Assert.Contains("projected", html);
        Assert.Matches("USD(&#xA0;|\u00A0)[0-9]", html);

        using var ops = await App.SignedInClientAsync(Demo.Ops);
        Assert.DoesNotContain("overview-comparison", await ops.GetStringAsync("/", Ct));
    }
}
