using System.Text.RegularExpressions;
using InfraAdmin.Data.Audit;
using InfraAdmin.E2E.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace InfraAdmin.E2E;

/// <summary>
/// A grid's sort, page and page size live in the URL with its filters: a sorted, paged view opened from a link shows that
/// view, paging and sorting write it back, a new filter starts on the first page, and a bad value is ignored with a
/// message, never a 500.
/// </summary>
public sealed class GridViewTests(E2EFixture fixture) : E2ETest(fixture)
{
    private const string Password = "Grid-view-test-1!";

    private async Task SignInAsAdminAsync()
    {
        await using (var db = Fixture.Database.CreateContext()) // this month's cost figures, for /costs
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            await Features.Costs.CostAllocationSql.RebuildAsync(db, helper: null, Features.Costs.CostMonth.Of(today).Start, today, TestContext.Current.CancellationToken);
        }
        var email = await TestUsers.CreateStaffAsync(Fixture.Database, "grid", Password, roleId: 1);
        await SignInAsync(email, Password);
    }

    /// <summary>Writes audit rows of this test's own until the log has at least <paramref name="count"/>.</summary>
    private async Task EnsureAuditRowsAsync(int count)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = Fixture.Database.CreateContext();
        var missing = count - await db.AuditLog.CountAsync(ct);
        for (var i = 0; i < missing; i++)
            db.AuditLog.Add(new() { Action = AuditActions.Update, EntityType = "system_config", EntityId = $"grid.view.{i}", ActorName = "system" });
        await db.SaveChangesAsync(ct);
    }

    private ILocator Grid(string testId) => Page.GetByTestId(testId);
    private ILocator Header(string testId, string title) =>
        Grid(testId).Locator("thead th").Filter(new() { HasText = title });

    [Fact]
    public async Task A_sorted_paged_ip_view_is_a_link()
    {
        var ct = TestContext.Current.CancellationToken;
        await SignInAsAdminAsync();
        List<string> expected;
        int total;
        await using (var db = Fixture.Database.CreateContext())
        {
            total = await db.SmtpIpAddresses.CountAsync(ct);
            expected = await db.SmtpIpAddresses.OrderByDescending(i => i.ApproximateCost).ThenBy(i => i.IpAddress).ThenBy(i => i.Id)
                .Skip(10).Take(10).Select(i => i.IpAddress).ToListAsync(ct);
        }

        await Page.GotoAsync("/ip-reputation?sort=-cost&page=2&size=10");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Page.GetByTestId("ip-link")).ToHaveTextAsync(expected.ToArray());
        await Assertions.Expect(Grid("ip-grid")).ToContainTextAsync($"11-20 of {total}");
        await Assertions.Expect(Header("ip-grid", "Cost / month").Locator(".mud-direction-desc")).ToHaveCountAsync(1);

        // Paging writes the page into the URL, keeping the sort and the size.
        await Grid("ip-grid").GetByLabel("Next page").ClickAsync();
        await ExpectUrlAsync(Page, "page=3");
        Assert.Contains("sort=-cost", Page.Url);
        Assert.Contains("size=10", Page.Url);
        await Assertions.Expect(Grid("ip-grid")).ToContainTextAsync($"21-30 of {total}");

        // Sorting by another column writes it; the link reopens that view.
        await Header("ip-grid", "Status").Locator(".sortable-column-header").ClickAsync();
        await ExpectUrlAsync(Page, "sort=status(&|$)");
        await Page.ReloadAsync();
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Header("ip-grid", "Status").Locator(".mud-direction-asc")).ToHaveCountAsync(1);
        await Assertions.Expect(Header("ip-grid", "Cost / month").Locator(".mud-direction-desc")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_new_filter_starts_on_the_first_page_and_keeps_the_sort()
    {
        await SignInAsAdminAsync();
        await Page.GotoAsync("/ip-reputation?sort=-assigned_count&page=2&size=10");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Grid("ip-grid")).ToContainTextAsync("11-20 of");

        await Page.GetByLabel("IP contains").FillAsync("203.0.113");
        await Page.GetByTestId("apply-filters").ClickAsync();
        await ExpectUrlAsync(Page, @"q=203\.0\.113");
        await using (var db = Fixture.Database.CreateContext())
        {
            var matching = await db.SmtpIpAddresses.CountAsync(i => i.IpAddress.Contains("203.0.113"), TestContext.Current.CancellationToken);
            await Assertions.Expect(Grid("ip-grid")).ToContainTextAsync($"1-{Math.Min(10, matching)} of {matching}");
        }
        Assert.DoesNotContain("page=", Page.Url);
        Assert.Contains("sort=-assigned_count", Page.Url);
        Assert.Contains("size=10", Page.Url);
        await Assertions.Expect(Header("ip-grid", "Assigned").Locator(".mud-direction-desc")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_bad_sort_page_or_size_is_ignored_with_a_message()
    {
        await SignInAsAdminAsync();
        var response = await Page.GotoAsync("/ip-reputation?sort=password_hash&page=0&size=%00");
        Assert.Equal(200, response!.Status);
        var message = Page.GetByTestId("filter-message");
        await Assertions.Expect(message).ToContainTextAsync("sort=“password_hash” must be one of ip_address, status");
        await Assertions.Expect(message).ToContainTextAsync("page=“0” must be a whole number from 1");
        await Assertions.Expect(message).ToContainTextAsync("size");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Grid("ip-grid")).ToContainTextAsync("1-25 of");
        // The message stays after the grid has put its real view into the URL.
        await ExpectUrlAsync(Page, "^(?!.*(sort=|page=))");
        await Assertions.Expect(message).ToBeVisibleAsync();
    }

    public static TheoryData<string, string, string, string> SortedGrids() => new()
    {
        { "/vps", "vps-grid", "Monthly", "monthly_cost" },
        { "/costs", "costs-grid", "Revenue", "revenue" },
        { "/staff", "staff-grid", "Added", "added" },
        { "/tenants", "tenants-grid", "Monthly revenue", "monthly_revenue" },
    };

    [Theory]
    [MemberData(nameof(SortedGrids))]
    public async Task Every_sortable_grid_opens_on_the_links_sort_and_size_and_writes_its_sort_back(string url, string grid, string column, string key)
    {
        await SignInAsAdminAsync();
        await Page.GotoAsync($"{url}?sort=-{key}&size=10");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Header(grid, column).Locator(".mud-direction-desc")).ToHaveCountAsync(1);
        await Assertions.Expect(Grid(grid).GetByRole(AriaRole.Combobox, new() { Name = "Rows per page:" })).ToHaveValueAsync("10");
        await Assertions.Expect(Grid(grid)).ToContainTextAsync(new Regex(@"1-\d+ of \d+"));

        // A click on the sorted header sorts the other way (MudDataGrid: descending → none → ascending): the URL follows.
        await Header(grid, column).Locator(".sortable-column-header").ClickAsync();
        await ExpectUrlAsync(Page, "^(?!.*sort=-" + Regex.Escape(key) + ")");
        Assert.Contains("size=10", Page.Url);
    }

    [Theory]
    [InlineData("/tenants", "tenants-grid")]
    [InlineData("/costs", "costs-grid")]
    [InlineData("/audit", "audit-grid")]
    public async Task A_page_from_the_link_is_shown_and_a_page_past_the_end_falls_back_to_the_first(string url, string grid)
    {
        await SignInAsAdminAsync();
        await EnsureAuditRowsAsync(11); // the demo template has none; a second page must exist whichever test ran first
        await Page.GotoAsync($"{url}?page=2&size=10");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Grid(grid)).ToContainTextAsync(new Regex(@"11-\d+ of \d+"));

        await Page.GotoAsync($"{url}?page=999999&size=10");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Grid(grid)).ToContainTextAsync(new Regex(@"(^|\D)1-\d+ of \d+"));
        await ExpectUrlAsync(Page, "^(?!.*page=)");
    }
}
