using Deque.AxeCore.Playwright;
using InfraAdmin.Data.Entities;
using InfraAdmin.E2E.Support;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace InfraAdmin.E2E;

/// <summary>
/// Every staff page at 1440 px and 1024 px, light and dark, as a Super Admin of its own: no serious or critical axe
/// violation, no page title boxed after navigation, and a screenshot of each kept in <c>TestResults/screens</c>
/// (or <c>$INFRAADMIN_SCREENS</c>) for review.
/// </summary>
public sealed class ScreenTourTests(E2EFixture fixture) : E2ETest(fixture)
{
    private const string Password = "Screen-Tour-Password-1!";

    private static string ScreensDir => Environment.GetEnvironmentVariable("INFRAADMIN_SCREENS") is { Length: > 0 } dir
        ? dir : Path.Combine(AppContext.BaseDirectory, "TestResults", "screens");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // Cost figures for the kept months, so the cost pages and the overview show numbers, not their empty state.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var db = Fixture.Database.CreateContext();
        await InfraAdmin.Features.Costs.CostAllocationSql.RebuildAsync(db, helper: null, today.AddMonths(-14), today, Xunit.TestContext.Current.CancellationToken);
    }

    /// <summary>The columns people come to a grid for: at 1440 px each is in view without scrolling sideways.</summary>
    private static readonly Dictionary<string, (string Grid, string[] Headers)> KeyColumns = new()
    {
        ["/ip-reputation"] = ("ip-grid", ["IP", "Status", "Reputation", "Cost / month"]),
        ["/vps"] = ("vps-grid", ["Provider id", "Monthly", "Renews (UTC day)", "Decommission (UTC day)", "SMTP IPs"]),
        ["/costs"] = ("costs-grid", ["Tenant", "Total cost", "Margin", "Cost per domain"]),
    };

    private async Task<IEnumerable<string>> ColumnsOffScreenAsync(string path, string grid, string[] headers)
    {
        // The grid's visible box (its container scrolls sideways when the table is wider) against each header's box.
        var container = Page.GetByTestId(grid).Locator(".mud-table-container");
        var box = (await container.BoundingBoxAsync())!;
        var problems = new List<string>();
        foreach (var title in headers)
        {
            var header = Page.GetByTestId(grid).Locator("thead th").Filter(new() { HasText = title }).First;
            var h = (await header.BoundingBoxAsync())!;
            if (h.X + h.Width > box.X + box.Width + 1 || h.X + h.Width > 1440)
                problems.Add($"{path}: the column “{title}” ends at {h.X + h.Width:0} px, off-screen (the grid shows up to {box.X + box.Width:0} px)");
        }
        return problems;
    }

    /// <summary>Narrower than the grid, it scrolls sideways: scrolled to its end, the row's name (its first column) stays in view.</summary>
    private async Task<IEnumerable<string>> FirstColumnLostAsync(string path, string grid, string header)
    {
        var container = Page.GetByTestId(grid).Locator(".mud-table-container");
        await container.EvaluateAsync("c => { c.scrollLeft = c.scrollWidth; }");
        var box = (await container.BoundingBoxAsync())!;
        var h = (await Page.GetByTestId(grid).Locator("thead th").Filter(new() { HasText = header }).First.BoundingBoxAsync())!;
        await container.EvaluateAsync("c => { c.scrollLeft = 0; }"); // the screenshot shows the grid as it opens
        return h.X >= box.X - 1 && h.X + h.Width <= box.X + box.Width + 1 ? []
            : [$"{path}: scrolled sideways, the column “{header}” leaves the grid (at {h.X:0} px, the grid starts at {box.X:0} px)"];
    }

    [Theory]
    [InlineData(1440, "light")]
    [InlineData(1440, "dark")]
    [InlineData(1024, "light")]
    [InlineData(1024, "dark")]
    public async Task Every_page_passes_axe_at_the_width_and_theme(int width, string theme)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var email = await TestUsers.CreateStaffAsync(Fixture.Database, $"tour-{theme}-{width}", Password, roleId: 1);
        string ip, vps;
        await using (var db = Fixture.Database.CreateContext())
        {
            var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync(ct);
            db.UserPreferences.Add(new UserPreferences { Id = Guid.NewGuid(), UserId = userId, Theme = theme });
            await db.SaveChangesAsync(ct);
            ip = (await db.SmtpIpAddresses.OrderBy(i => i.IpAddress).Select(i => i.Id).FirstAsync(ct)).ToString();
            vps = (await db.VpsInstances.OrderBy(v => v.HostwindsInstanceId).Select(v => v.Id).FirstAsync(ct)).ToString();
        }
        await Page.SetViewportSizeAsync(width, 900);
        await SignInAsync(email, Password);

        string[] paths =
        [
            "/", "/ip-reputation", $"/ip-reputation/{ip}", "/vps", $"/vps/{vps}", "/costs", $"/costs/tenants/{InfraAdmin.Data.Seeding.SeedIds.For("tenant:acme")}",
            "/tenants", "/staff", "/staff/roles", "/staff/roles/2", "/settings/system", "/settings/feature-flags", "/settings/jobs",
            "/settings/api-keys", "/audit", "/account", "/account/preferences", "/account/sessions",
        ];
        Directory.CreateDirectory(ScreensDir);
        var problems = new List<string>();
        foreach (var path in paths)
        {
            await Page.GotoAsync(path);
            if (path != "/account") await WaitForCircuitAsync(Page); // the account page is a static form, like sign-in
            await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var result = await Page.RunAxe();
            problems.AddRange(result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v =>
                $"{path}: {v.Impact} {v.Id} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"));
            if (width >= 1440 && KeyColumns.TryGetValue(path, out var key))
                problems.AddRange(await ColumnsOffScreenAsync(path, key.Grid, key.Headers));
            if (width < 1440 && KeyColumns.TryGetValue(path, out var scrolled))
                problems.AddRange(await FirstColumnLostAsync(path, scrolled.Grid, scrolled.Headers[0]));
            var slug = path == "/" ? "overview" : path.Trim('/').Replace('/', '_');
            if (slug.Length > 60) slug = slug[..60];
            await Page.ScreenshotAsync(new() { Path = Path.Combine(ScreensDir, $"{theme}-{width}-{slug}.png"), FullPage = true });
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
