using System.Globalization;
using Deque.AxeCore.Playwright;
using InfraAdmin.E2E.Pages;
using InfraAdmin.E2E.Support;
using CostAllocationSql = InfraAdmin.Features.Costs.CostAllocationSql;
using CostMonth = InfraAdmin.Features.Costs.CostMonth;

namespace InfraAdmin.E2E;

/// <summary>Cost per tenant in the browser: an executive reads last month, the totals add up and the CSV matches the page.</summary>
public sealed class CostsTests(E2EFixture fixture) : E2ETest(fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly CostMonth LastMonth = CostMonth.Of(Today).Previous;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = Fixture.Database.CreateContext();
        await CostAllocationSql.RebuildAsync(db, helper: null, LastMonth.Previous.Start, Today, Xunit.TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_executive_picks_last_month_sees_tenants_plus_idle_equal_the_total_and_the_csv_matches()
    {
        await SignInAsync("exec@infraadmin.local");
        var costs = new CostsPage(Page);
        await costs.GotoAsync();
        await WaitForCircuitAsync(Page);
        await costs.PickMonthAsync(LastMonth);

        var (tenants, idle, total) = await costs.SettledTotalsAsync(LastMonth);
        Assert.Equal(InfraAdmin.Data.Seeding.DemoSeeder.TenantCount, tenants.Count);
        Assert.True(total > 0);
        Assert.Equal(total, tenants.Sum(t => t.Total) + idle);

        var csv = (await costs.ExportCsvAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(',')).ToList();
        Assert.All(csv, cells => Assert.Equal(LastMonth.ToString(), cells[0]));
        foreach (var (tenant, tenantTotal) in tenants)
            Assert.Equal(tenantTotal, decimal.Parse(csv.Single(c => c[3] == tenant)[7], CultureInfo.InvariantCulture));
        Assert.Equal(idle, decimal.Parse(csv.Single(c => c[3] == "Unallocated (idle)")[7], CultureInfo.InvariantCulture));
        Assert.Equal(total, decimal.Parse(csv.Single(c => c[3] == "Total")[7], CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("ops@infraadmin.local")]
    [InlineData("admin@acme.example")]
    public async Task Users_without_costs_view_are_denied(string email)
    {
        await SignInAsync(email);
        await new CostsPage(Page).GotoAsync();
        await Page.WaitForURLAsync("**/Account/AccessDenied**");
    }

    [Fact]
    public async Task A_future_month_says_so_instead_of_showing_numbers()
    {
        await SignInAsync("exec@infraadmin.local");
        var costs = new CostsPage(Page);
        await costs.GotoAsync("?month=2999-01");
        await Microsoft.Playwright.Assertions.Expect(costs.Message).ToContainTextAsync("has not started yet");
        Assert.Equal(0, await costs.Grid.CountAsync());
    }

    [Fact]
    public async Task The_costs_page_passes_axe()
    {
        await SignInAsync("exec@infraadmin.local");
        var costs = new CostsPage(Page);
        await costs.GotoAsync($"?month={LastMonth}");
        await WaitForCircuitAsync(Page);
        await costs.TenantTotalsAsync();
        AssertNoSeriousViolations(await Page.RunAxe());
    }
}
