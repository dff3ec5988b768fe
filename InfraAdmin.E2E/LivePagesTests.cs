using InfraAdmin.Data.Seeding;
using InfraAdmin.E2E.Pages;
using InfraAdmin.E2E.Support;
using Microsoft.Playwright;
using Npgsql;

namespace InfraAdmin.E2E;

/// <summary>
/// Live pages (issue 16): an open page follows a change made by anyone — a direct SQL write, another user in another
/// browser, a user on another app instance — within a few seconds, without a reload, and what the user had on the page
/// (typed filter, page number) stays. A bulk change of 5,000 IPs is one refresh of the page.
/// </summary>
public sealed class LivePagesTests(E2EFixture fixture) : E2ETest(fixture)
{
    private const string Password = "Live-Pages-2026!";
    /// <summary>Quick enough for "within 2 seconds" with a margin for this shared machine; no fixed sleep anywhere.</summary>
    private static readonly LocatorAssertionsToContainTextOptions Soon = new() { Timeout = 5_000 };
    private static readonly LocatorAssertionsToHaveTextOptions SoonText = new() { Timeout = 5_000 };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_open_ip_page_shows_a_direct_sql_change_without_a_reload()
    {
        var ip = SeedIds.For("ip:0:2");
        await SignInAsync(await TestUsers.CreateStaffAsync(Fixture.Database, "live-detail", Password), Password); // Support: ip.view
        var ips = new IpReputationPage(Page);
        await ips.GotoIpAsync(ip);
        await WaitForCircuitAsync(Page);
        await MarkPageAsync(Page);
        var reputation = await ExecScalarAsync<string>($"""
            UPDATE smtp_ip_addresses SET reputation_state = CASE WHEN reputation_state = 'critical' THEN 'fair' ELSE 'critical' END
            WHERE id = '{ip}' RETURNING reputation_state
            """);

        await Assertions.Expect(Page.GetByTestId("ip-reputation")).ToHaveTextAsync(reputation, SoonText);
        await AssertSamePageAsync(Page);
    }

    [Fact]
    public async Task The_ip_grid_shows_a_direct_sql_change_in_place_keeping_the_page_and_a_typed_filter()
    {
        await SignInAsync(await TestUsers.CreateStaffAsync(Fixture.Database, "live-grid", Password), Password);
        var ips = new IpReputationPage(Page);
        await ips.GotoAsync("?page=2");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Page.GetByTestId("ip-grid")).ToContainTextAsync("26-");
        var address = (await ips.IpLinks.First.InnerTextAsync()).Trim();
        Assert.NotEqual("", address);
        var filter = Page.Locator("[data-testid='filter-q'] input, input[data-testid='filter-q']").First;
        await filter.FillAsync("typed, not applied");
        await MarkPageAsync(Page);

        var reputation = await ExecScalarAsync<string>($"""
            UPDATE smtp_ip_addresses SET reputation_state = CASE WHEN reputation_state = 'critical' THEN 'fair' ELSE 'critical' END
            WHERE ip_address = '{address}' RETURNING reputation_state
            """);

        var row = Row(address);
        await Assertions.Expect(row).ToContainTextAsync(reputation, Soon);
        await Assertions.Expect(Page.GetByTestId("ip-grid")).ToContainTextAsync("26-");
        Assert.Contains("page=2", Page.Url);
        await Assertions.Expect(filter).ToHaveValueAsync("typed, not applied");
        await AssertSamePageAsync(Page);
    }

    [Fact]
    public async Task A_bulk_change_of_5000_ips_is_one_refresh_of_an_open_grid()
    {
        var vps = SeedIds.For("vps:hw-use-1001");
        await ExecAsync($"""
            INSERT INTO smtp_ip_addresses (id, vps_instance_id, ip_address, status, reputation_state, created, updated)
            SELECT gen_random_uuid(), '{vps}', '100.65.' || (n / 256) || '.' || (n % 256), 'available', 'good', now(), now()
            FROM generate_series(1, 5000) n
            """);
        await SignInAsync(await TestUsers.CreateStaffAsync(Fixture.Database, "live-bulk", Password), Password);
        var ips = new IpReputationPage(Page);
        await ips.GotoAsync("?q=100.65.");
        await WaitForCircuitAsync(Page);
        var refreshes = Page.GetByTestId("live-refresh").First;
        var before = int.Parse(await refreshes.GetAttributeAsync("data-refreshes") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(5000, await ExecAsync("UPDATE smtp_ip_addresses SET reputation_state = 'poor' WHERE ip_address LIKE '100.65.%'"));
        await Assertions.Expect(refreshes).ToHaveAttributeAsync("data-refreshes", (before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(Page.GetByTestId("ip-grid")).ToContainTextAsync("poor", Soon);
        // One more change after it: the page's next refresh is that one's, so the bulk change was exactly one.
        // (A refresh is counted before its reload renders: once the marker's change shows, the count includes every refresh so far.)
        await ExecAsync("UPDATE smtp_ip_addresses SET reputation_state = 'fair' WHERE ip_address = '100.65.0.1'");
        await Assertions.Expect(Row("100.65.0.1")).ToContainTextAsync("fair", Soon);
        Assert.Equal((before + 2).ToString(System.Globalization.CultureInfo.InvariantCulture), await refreshes.GetAttributeAsync("data-refreshes"));
    }

    private ILocator Row(string address) => Page.GetByTestId("ip-grid").Locator("tr")
        .Filter(new() { Has = Page.GetByTestId("ip-link").GetByText(address, new() { Exact = true }) });

    [Fact]
    public async Task A_change_made_by_one_user_shows_on_another_users_open_page()
    {
        var ip = SeedIds.For("ip:0:3");
        await ExecAsync($"UPDATE smtp_ip_addresses SET status = 'available' WHERE id = '{ip}'");
        // B watches (Support), A quarantines through the console (Infrastructure Operator).
        var watcher = await TestUsers.CreateStaffAsync(Fixture.Database, "live-watch", Password);
        await SignInAsync(watcher, Password);
        var watched = new IpReputationPage(Page);
        await watched.GotoIpAsync(ip);
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(watched.Status).ToHaveTextAsync("available");
        await MarkPageAsync(Page);

        await using var other = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
        var actor = await other.NewPageAsync();
        await SignInAsync(await TestUsers.CreateStaffAsync(Fixture.Database, "live-act", Password, roleId: 2), Password, actor);
        var acting = new IpReputationPage(actor);
        await acting.GotoIpAsync(ip);
        await WaitForCircuitAsync(actor);
        await acting.QuarantineAsync("E2E live: quarantined by another user");
        await Assertions.Expect(acting.Status).ToHaveTextAsync("quarantined");

        await Assertions.Expect(watched.Status).ToHaveTextAsync("quarantined", SoonText);
        await Assertions.Expect(watched.History).ToContainTextAsync("E2E live: quarantined by another user", Soon);
        await AssertSamePageAsync(Page);
    }

    [Fact]
    public async Task A_change_made_on_one_instance_shows_on_a_page_served_by_the_other()
    {
        var ip = SeedIds.For("ip:0:4");
        await ExecAsync($"UPDATE smtp_ip_addresses SET status = 'available' WHERE id = '{ip}'");
        await using var second = await AppServer.StartAsync(Fixture.Database);
        var watched = new IpReputationPage(Page);
        await SignInAsync(await TestUsers.CreateStaffAsync(Fixture.Database, "live-inst-watch", Password), Password);
        await watched.GotoIpAsync(ip);
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(watched.Status).ToHaveTextAsync("available");
        await MarkPageAsync(Page);

        await using var other = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = second.BaseUrl });
        var actor = await other.NewPageAsync();
        await SignInAsync(await TestUsers.CreateStaffAsync(Fixture.Database, "live-inst-act", Password, roleId: 2), Password, actor);
        var acting = new IpReputationPage(actor);
        await acting.GotoIpAsync(ip);
        await WaitForCircuitAsync(actor);
        await acting.QuarantineAsync("E2E live: quarantined on the other instance");
        await Assertions.Expect(acting.Status).ToHaveTextAsync("quarantined");

        await Assertions.Expect(watched.Status).ToHaveTextAsync("quarantined", SoonText);
        await AssertSamePageAsync(Page);
    }

    /// <summary>A mark in the page's window: still there later means the page was never reloaded or navigated away.</summary>
    private static Task MarkPageAsync(IPage page) => page.EvaluateAsync("() => { window.__livePage = 'unchanged'; }");

    private static async Task AssertSamePageAsync(IPage page) =>
        Assert.Equal("unchanged", await page.EvaluateAsync<string?>("() => window.__livePage ?? null"));

    private async Task<int> ExecAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Fixture.Database.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteNonQueryAsync(Ct);
    }

    private async Task<T> ExecScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(Fixture.Database.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync(Ct))!;
    }
}
