using Deque.AxeCore.Playwright;
using InfraAdmin.E2E.Support;
using Microsoft.Playwright;
using Npgsql;

namespace InfraAdmin.E2E;

/// <summary>/alerts and the bell in the browser, as a staff user the test creates (role 2, Infrastructure Operator: ip.*, vps.*).</summary>
public sealed class AlertsTests(E2EFixture fixture) : E2ETest(fixture)
{
    private const string Password = "Alerts-E2E-Password-1!";

    private async Task<Guid> AddAlertAsync(string permission, string title)
    {
        await using var conn = new NpgsqlConnection(Fixture.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO alerts (rule, subject_key, permission, severity, title, detail, link, emailed_at, webhook_queued_at)
            VALUES ('test.e2e', @s, @p, 'critical', @t, 'Raised by the E2E test', 'alerts', now(), now()) RETURNING id
            """, conn);
        cmd.Parameters.AddWithValue("s", "e2e:" + Guid.NewGuid());
        cmd.Parameters.AddWithValue("p", permission);
        cmd.Parameters.AddWithValue("t", title);
        return (Guid)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<int> BellCountAsync() =>
        int.Parse((await Page.GetByTestId("alert-bell").GetAttributeAsync("data-count"))!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Waits until the bell shows the database's open count for the operator's areas. Compared with the database, not
    /// with a number taken earlier: the app's own rules raise and resolve alerts on this database while the test runs.
    /// </summary>
    private async Task ExpectBellToMatchDatabaseAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await using var conn = new NpgsqlConnection(Fixture.Database.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                SELECT count(*)::int FROM alerts
                WHERE resolved_at IS NULL AND acknowledged_at IS NULL AND permission IN ('ip.view', 'vps.view')
                """, conn);
            var expected = (int)(await cmd.ExecuteScalarAsync())!;
            var shown = await BellCountAsync();
            if (shown == expected) return;
            Assert.True(DateTime.UtcNow < deadline, $"The bell shows {shown} open alerts; the database has {expected}.");
            await Page.WaitForTimeoutAsync(100); // polling a condition, as Playwright's assertions do
        }
    }

    [Fact]
    public async Task An_operator_follows_the_bell_acknowledges_with_a_note_and_the_page_passes_axe()
    {
        var email = await TestUsers.CreateStaffAsync(Fixture.Database, "alerts", Password, roleId: 2);
        var marker = "e2e" + Guid.NewGuid().ToString("N")[..8];
        await AddAlertAsync("ip.view", $"Listed {marker}");
        await AddAlertAsync("costs.view", $"Costs {marker}"); // not the operator's area

        await SignInAsync(email, Password);
        await WaitForCircuitAsync(Page);
        var bell = Page.GetByTestId("alert-bell");
        await Assertions.Expect(bell).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex(@"^\d+ open alerts?$"));
        await ExpectBellToMatchDatabaseAsync();

        // A new alert, written straight to the database: the open page's bell counts it without a reload.
        await AddAlertAsync("ip.view", $"Second {marker}");
        await ExpectBellToMatchDatabaseAsync();

        await bell.ClickAsync();
        await Page.WaitForURLAsync(u => u.Contains("/alerts?state=open"));
        await WaitForCircuitAsync(Page);
        await Page.GotoAsync($"/alerts?state=open&q={marker}");
        await WaitForCircuitAsync(Page);
        var grid = Page.GetByTestId("alerts-grid");
        await Assertions.Expect(grid.Locator("tr", new() { HasText = $"Listed {marker}" })).ToHaveCountAsync(1);
        await Assertions.Expect(grid.Locator("tr", new() { HasText = $"Costs {marker}" })).ToHaveCountAsync(0);
        AssertNoSeriousViolations(await Page.RunAxe(), "/alerts");

        await grid.Locator("tr", new() { HasText = $"Listed {marker}" }).GetByTestId("ack-button").ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await Page.GetByTestId("ack-confirm").ClickAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("note is required");
        AssertNoSeriousViolations(await Page.RunAxe(), "the acknowledge dialog");
        await Page.GetByTestId("ack-note").FillAsync("Delisting requested");
        await Page.GetByTestId("ack-confirm").ClickAsync();
        await Assertions.Expect(Page.GetByTestId("ack-confirm")).ToHaveCountAsync(0);
        // Open alerts only: the acknowledged one leaves the list, and the bell counts one fewer.
        await Assertions.Expect(grid.Locator("tr", new() { HasText = $"Listed {marker}" })).ToHaveCountAsync(0);
        await ExpectBellToMatchDatabaseAsync();

        await Page.GotoAsync($"/alerts?state=acknowledged&q={marker}");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(grid.GetByTestId("ack-note-text")).ToHaveTextAsync("Delisting requested");

        await Page.GotoAsync("/alerts?state=nonsense");
        await Assertions.Expect(Page.GetByTestId("filter-message")).ToContainTextAsync("state");

        // The webhook delivery log is a tab of its own, kept in the address.
        await WaitForCircuitAsync(Page);
        await Page.GetByRole(AriaRole.Tab, new() { Name = "Webhook deliveries" }).ClickAsync();
        await Page.WaitForURLAsync(u => u.Contains("tab=deliveries"));
        await Assertions.Expect(Page.GetByTestId("deliveries-grid")).ToBeVisibleAsync();
        await Assertions.Expect(grid).ToHaveCountAsync(0);
        AssertNoSeriousViolations(await Page.RunAxe(), "/alerts?tab=deliveries");
    }
}
