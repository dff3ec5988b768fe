using InfraAdmin.Data.Seeding;
using InfraAdmin.E2E.Support;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Support;
using Microsoft.Playwright;

namespace InfraAdmin.E2E;

/// <summary>
/// A full page load (the prerendered HTML, then the interactive circuit) runs each summary query of its page once: the
/// circuit takes the prerender's figures (persistent component state) instead of querying again. Counted in the app's
/// own command log (EF Core's, at Information), by the tag each summary query carries.
/// </summary>
public sealed class PageQueryTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private AppServer _server = default!;
    private IPlaywright _playwright = default!;
    private IBrowser _browser = default!;
    private IPage _page = default!;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        await using (var db = _database.CreateContext()) // this month's cost figures, for /costs and the overview's cost card
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            await Features.Costs.CostAllocationSql.RebuildAsync(db, helper: null, Features.Costs.CostMonth.Of(today).Start, today, TestContext.Current.CancellationToken);
        }
        _server = await AppServer.StartAsync(_database, new Dictionary<string, string>
        {
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
            // Each load computes its own summaries here, so the count shows whether the prerender and the circuit share one
            // read. Summaries shared between loads are tested by SharedSummariesTests and ChangeFeedTests.
            ["Live__ShareSummaries"] = "false",
        });
        _playwright = await Playwright.CreateAsync();
        _browser = await E2EFixture.LaunchChromiumAsync(_playwright);
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _server.BaseUrl });
        context.SetDefaultTimeout(30_000);
        _page = await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
        await _database.DisposeAsync();
    }

    private int Runs(string tag) => _server.Output.Count(line => line.Contains("-- " + tag, StringComparison.Ordinal));

    /// <summary>Loads the page in full and waits until its circuit is live and has rendered the given parts.</summary>
    private async Task LoadAsync(string url, params string[] readyTestIds)
    {
        await _page.GotoAsync(url);
        await _page.Locator(".mud-layout[data-circuit='on']").WaitForAsync();
        foreach (var id in readyTestIds) await _page.GetByTestId(id).First.WaitForAsync();
    }

    public static TheoryData<string, string, string[]> Pages() => new()
    {
        { "/vps", QueryTags.VpsOverview, ["kpi-spend-value", "vps-link"] },
        { "/ip-reputation", QueryTags.IpOverview, ["ip-link"] },
        { "/costs", QueryTags.CostMonthSummary, ["kpi-total", "tenant-link"] },
        { "/", QueryTags.VpsHeadline, ["card-vps-renewals", "overview-comparison", "card-trouble"] },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task A_full_page_load_runs_its_summary_query_once(string url, string tag, string[] ready)
    {
        var login = new Pages.LoginPage(_page);
        await login.GotoAsync();
        await login.SignInAsync(DemoSeeder.Accounts.Admin, DemoSeeder.DemoPassword);
        await _page.WaitForURLAsync(u => !u.Contains("/Account/Login"));
        await LoadAsync("/", "card-vps-renewals", "overview-comparison", "card-trouble"); // the landing page, settled

        var before = Runs(tag);
        await LoadAsync(url, ready);
        // A second full load: by the time it is live, the first page's circuit has long finished its own start (a query
        // it ran again would be counted: three or four runs where two are right).
        await LoadAsync(url, ready);
        Assert.True(Runs(tag) - before == 2, $"{url}: '{tag}' ran {Runs(tag) - before} times in two full loads");
    }
}
