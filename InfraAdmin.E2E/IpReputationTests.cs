using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using InfraAdmin.Data.Seeding;
using InfraAdmin.E2E.Pages;
using InfraAdmin.E2E.Support;
using Microsoft.Playwright;

namespace InfraAdmin.E2E;

/// <summary>Ops filter by a KPI link, open an IP and quarantine it with a reason (history, /audit); support sees no actions and is refused.</summary>
public sealed class IpReputationTests(E2EFixture fixture) : E2ETest(fixture)
{
    /// <summary>A degraded demo IP with one active assignment, in trouble (ip:0:5 = 203.0.113.55).</summary>
    private static readonly Guid DegradedIp = SeedIds.For("ip:0:5");

    [Fact]
    public async Task An_operator_filters_by_a_kpi_opens_an_ip_and_quarantines_it_with_a_reason()
    {
        await SignInAsync("ops@infraadmin.local");
        var ips = new IpReputationPage(Page);
        await ips.GotoAsync();
        await WaitForCircuitAsync(Page);
        var trouble = await ips.Kpi("trouble").Locator("span").First.InnerTextAsync();

        await ips.Kpi("trouble").ClickAsync();
        await ExpectUrlAsync(Page, @"/ip-reputation\?trouble=true$");
        await Assertions.Expect(Page.GetByText($"of {trouble}", new() { Exact = false }).First).ToBeVisibleAsync();
        await ips.IpLink("203.0.113.55").ClickAsync();
        await ExpectUrlAsync(Page, $"/ip-reputation/{DegradedIp}$");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(ips.Status).ToHaveTextAsync("degraded");

        await ips.QuarantineAsync("E2E: listed on Spamhaus SBL");
        await Assertions.Expect(ips.Status).ToHaveTextAsync("quarantined");
        await Assertions.Expect(ips.History).ToContainTextAsync("E2E: listed on Spamhaus SBL");
        await Assertions.Expect(ips.History).ToContainTextAsync("degraded → quarantined");

        await Page.GotoAsync($"/audit?entity=smtp_ip_addresses&entity_id={DegradedIp}");
        await Assertions.Expect(Page.GetByTestId("audit-grid")).ToContainTextAsync("ip.quarantine");
        await Assertions.Expect(Page.GetByTestId("audit-grid")).ToContainTextAsync("ops@infraadmin.local");
    }

    [Fact]
    public async Task The_vps_filter_is_searched_and_the_filtered_view_is_bookmarkable()
    {
        await SignInAsync("support@infraadmin.local");
        var ips = new IpReputationPage(Page);
        await ips.GotoAsync();
        await WaitForCircuitAsync(Page);

        await ips.VpsFilter.FillAsync("use-10");
        await Page.Locator(".mud-popover-open").GetByText("hw-use-1001", new() { Exact = true }).ClickAsync();
        await ips.ApplyFilters.ClickAsync();
        var vps = SeedIds.For("vps:hw-use-1001");
        await ExpectUrlAsync(Page, $@"/ip-reputation\?vps={vps}$");
        await Assertions.Expect(ips.IpLinks.First).ToBeVisibleAsync();

        // The bookmarked view names the VPS in the filter and shows only its IPs.
        await Page.ReloadAsync();
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(ips.VpsFilter).ToHaveValueAsync("hw-use-1001");
        await Assertions.Expect(ips.IpLinks.First).ToBeVisibleAsync();
        var shown = await ips.IpLinks.CountAsync();
        await using var db = Fixture.Database.CreateContext();
        var onVps = db.SmtpIpAddresses.Count(i => i.VpsInstanceId == vps);
        Assert.Equal(Math.Min(onVps, 25), shown);
    }

    [Fact]
    public async Task Support_sees_no_action_and_a_direct_attempt_is_refused()
    {
        await SignInAsync("support@infraadmin.local");
        var ips = new IpReputationPage(Page);
        await ips.GotoAsync();
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(ips.IpLinks.First).ToBeVisibleAsync();
        await Assertions.Expect(ips.BulkBar).ToHaveCountAsync(0);
        await Assertions.Expect(ips.ImportButton).ToHaveCountAsync(0);

        await ips.GotoIpAsync(DegradedIp);
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(ips.Facts).ToBeVisibleAsync();
        await Assertions.Expect(ips.QuarantineButton).ToHaveCountAsync(0);
        await Assertions.Expect(ips.ChangeStatusButton).ToHaveCountAsync(0);
        await Assertions.Expect(Page.GetByTestId("expire-assignment")).ToHaveCountAsync(0);

        // The checker API does not take a staff cookie: only an API key.
        var response = await Page.APIRequest.PostAsync("/api/ip-checks", new()
        {
            DataObject = new { checks = new[] { new { ip = "203.0.113.55", provider = "spamhaus", listed = false, checked_at = DateTime.UtcNow.ToString("O") } } },
        });
        Assert.Equal(401, response.Status);
        await Page.GotoAsync("/settings/api-keys");
        await Page.WaitForURLAsync("**/Account/AccessDenied**");
    }

    [Fact]
    public async Task An_operator_quarantines_two_ips_in_bulk_after_the_blast_radius_and_sees_each_outcome()
    {
        await SignInAsync("ops@infraadmin.local");
        var ips = new IpReputationPage(Page);
        await ips.GotoAsync("?status=available");
        await WaitForCircuitAsync(Page);
        await ips.IpLinks.First.WaitForAsync();
        var rows = Page.Locator("[data-testid=ip-grid] tbody .mud-checkbox");
        await rows.Nth(0).ClickAsync();
        await rows.Nth(1).ClickAsync();
        await Assertions.Expect(ips.BulkBar).ToContainTextAsync("2 selected");
        await ips.BulkBar.GetByLabel("Move selected to").SelectOptionAsync("quarantined");
        await Page.GetByTestId("bulk-change").ClickAsync();
        await Assertions.Expect(ips.BlastRadius).ToContainTextAsync("2 IPs: ends 0 active assignments");
        await Page.GetByLabel("Reason (kept in the IP's history)").FillAsync("E2E bulk: provider listing wave");
        await Page.GetByTestId("confirm-change").ClickAsync();
        await Assertions.Expect(Page.GetByTestId("bulk-outcomes")).ToContainTextAsync("2 of 2 changed");
        await Assertions.Expect(Page.GetByTestId("bulk-outcome")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task An_operator_imports_check_results_after_a_preview_that_shows_refused_rows()
    {
        await SignInAsync("ops@infraadmin.local");
        var ips = new IpReputationPage(Page);
        await ips.GotoAsync();
        await WaitForCircuitAsync(Page);
        await ips.ImportButton.ClickAsync();
        var at = DateTime.UtcNow.AddMinutes(-10).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var csv = $"ip,provider,listed,checked_at,detail,reputation\n203.0.113.27,spamcop,true,{at},E2E import,poor\n198.18.99.99,spamcop,true,{at},,\n";
        var input = Page.Locator("[data-testid=import-dialog] input[type=file]");
        // Blazor's file input listens only once its JS side has initialised the element.
        await input.EvaluateAsync("el => new Promise(r => { const t = setInterval(() => { if (el._blazorInputFileNextFileId !== undefined) { clearInterval(t); r(); } }, 50); })");
        await input.SetInputFilesAsync(new FilePayload
        {
            Name = "checks.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv),
        });
        await Assertions.Expect(Page.GetByTestId("import-summary")).ToContainTextAsync("Will apply 1 row(s); 1 refused.");
        await Assertions.Expect(Page.GetByTestId("import-rows")).ToContainTextAsync("No SMTP IP 198.18.99.99");
        await Page.GetByTestId("apply-import").ClickAsync();
        await Assertions.Expect(Page.GetByTestId("import-summary")).ToContainTextAsync("Applied 1 row(s)");
        await ips.GotoIpAsync(SeedIds.For("ip:0:1"));
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(ips.History).ToContainTextAsync("CSV import");
        await Assertions.Expect(Page.GetByTestId("blacklists")).ToContainTextAsync("E2E import");
    }

    [Fact]
    public async Task The_overview_card_shows_the_headline_figures_to_ip_viewers()
    {
        await SignInAsync("exec@infraadmin.local");
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Page.GetByTestId("ip-overview-card")).ToBeVisibleAsync();
        await Page.GetByTestId("card-stale").ClickAsync();
        await ExpectUrlAsync(Page, @"/ip-reputation\?stale=true$");
        await Assertions.Expect(new IpReputationPage(Page).IpLinks.First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_administrator_creates_a_key_sees_it_once_uses_it_and_revokes_it()
    {
        await SignInAsync("admin@infraadmin.local");
        await Page.GotoAsync("/settings/api-keys");
        await WaitForCircuitAsync(Page);
        var name = "e2e-checker-" + Guid.NewGuid().ToString("N")[..6];
        await Assertions.Expect(Page.GetByTestId("create-key")).ToBeEnabledAsync();
        await Page.GetByLabel("Name of the new key (what uses it)").FillAsync(name);
        await Page.GetByTestId("create-key").ClickAsync();
        var secret = await Page.GetByTestId("new-key-secret").InnerTextAsync();
        Assert.StartsWith("iak_", secret);
        AssertNoSeriousViolations(await Page.RunAxe());

        var body = new { checks = new[] { new { ip = "203.0.113.20", provider = "spamhaus", listed = false, checked_at = DateTime.UtcNow.AddMinutes(-1).ToString("O") } } };
        var ok = await Page.APIRequest.PostAsync("/api/ip-checks", new() { DataObject = body, Headers = new Dictionary<string, string> { ["X-Api-Key"] = secret } });
        Assert.Equal(200, ok.Status);

        await Page.ReloadAsync();
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Page.GetByTestId("new-key-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await Page.ContentAsync());
        var row = Page.GetByTestId("key-row").Filter(new() { HasText = name });
        await row.GetByTestId("revoke-key").ClickAsync();
        await Page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("revoked");
        var refused = await Page.APIRequest.PostAsync("/api/ip-checks", new() { DataObject = body, Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + secret } });
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task The_ip_pages_pass_axe()
    {
        await SignInAsync("ops@infraadmin.local");
        var ips = new IpReputationPage(Page);
        await ips.GotoAsync();
        await WaitForCircuitAsync(Page);
        await ips.IpLinks.First.WaitForAsync();
        AssertNoSeriousViolations(await Page.RunAxe());
        await ips.GotoIpAsync(SeedIds.For("ip:0:0"));
        await WaitForCircuitAsync(Page);
        await ips.Facts.WaitForAsync();
        // Judge the page at rest: no pointer hovering a control, no ripple or transition under way.
        await Page.Mouse.MoveAsync(0, 0);
        await Page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.effect?.getTiming().iterations === Infinity)");
        AssertNoSeriousViolations(await Page.RunAxe());
    }

}
