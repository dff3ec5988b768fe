using InfraAdmin.E2E.Pages;
using InfraAdmin.E2E.Support;
using InfraAdmin.Tests.Integration.Tenants;
using Microsoft.Playwright;
using static InfraAdmin.E2E.Support.LiveChecks;

namespace InfraAdmin.E2E;

/// <summary>
/// Live tenant pages (issue 16, part 2): a tenant admin's settings, policies and members, and the staff side (the tenant
/// list, a tenant's settings and policies), follow a direct SQL change without a reload; a tenant's page ignores another
/// tenant's change; an edit in progress is kept, with a notice and a reload. Each test makes its own tenants and users.
/// </summary>
public sealed class LiveTenantPagesTests(E2EFixture fixture) : E2ETest(fixture)
{
    private const string StaffPassword = "Live-Tenants-2026!";

    private Task<int> ExecAsync(string sql) => LiveChecks.ExecAsync(Fixture.Database.ConnectionString, sql);

    [Fact]
    public async Task Own_settings_follow_a_change_of_their_tenant_and_ignore_another_tenants()
    {
        var world = await TestTenants.CreateAsync(Fixture.Database, "live-set");
        var other = await TestTenants.CreateAsync(Fixture.Database, "live-oth");
        await SignInAsync(world.Admin, TestTenants.Password);
        await Page.GotoAsync("/tenant/settings");
        await WaitForCircuitAsync(Page);
        var ui = new TenantPages(Page);
        await Assertions.Expect(ui.Field("billing-email")).ToHaveValueAsync($"billing@{Slug(world)}.test");
        await MarkAsync(Page);
        // The other tenant's admin watches their own settings in another browser.
        await using var otherContext = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
        var otherPage = await otherContext.NewPageAsync();
        await SignInAsync(other.Admin, TestTenants.Password, otherPage);
        await otherPage.GotoAsync("/tenant/settings");
        await WaitForCircuitAsync(otherPage);
        var before = await RefreshCountAsync(Page);

        // Another tenant's change first: its page shows it, so the feed has heard it; this page must not react to it.
        await ExecAsync($"UPDATE tenant_config SET billing_email = 'other@example.test' WHERE tenant_id = '{other.TenantId}'");
        await Assertions.Expect(new TenantPages(otherPage).Field("billing-email")).ToHaveValueAsync("other@example.test", SoonValue);
        await ExecAsync($"UPDATE tenant_config SET billing_email = 'live@example.test' WHERE tenant_id = '{world.TenantId}'");

        await Assertions.Expect(ui.Field("billing-email")).ToHaveValueAsync("live@example.test", SoonValue);
        // Had this page taken the other tenant's change, that refresh would have run (in the same 250 ms window as the
        // other page's) before this change was made: one refresh means it was ignored.
        Assert.Equal(before + 1, await RefreshCountAsync(Page));
        await AssertSamePageAsync(Page);
    }

    [Fact]
    public async Task An_edit_in_progress_is_kept_when_the_row_changes_and_the_notice_reloads_it()
    {
        var world = await TestTenants.CreateAsync(Fixture.Database, "live-edit");
        await SignInAsync(world.Admin, TestTenants.Password);
        await Page.GotoAsync("/tenant/settings");
        var ui = new TenantPages(Page);
        await ui.FillAsync("billing-email", "typed@example.test");
        await MarkAsync(Page);

        await ExecAsync($"UPDATE tenant_config SET billing_email = 'elsewhere@example.test' WHERE tenant_id = '{world.TenantId}'");

        await Assertions.Expect(Page.GetByTestId("changed-elsewhere")).ToBeVisibleAsync(SoonVisible);
        await Assertions.Expect(ui.Field("billing-email")).ToHaveValueAsync("typed@example.test");
        await Page.GetByTestId("changed-elsewhere-reload").ClickAsync();
        await Assertions.Expect(ui.Field("billing-email")).ToHaveValueAsync("elsewhere@example.test");
        await Assertions.Expect(Page.GetByTestId("changed-elsewhere")).ToHaveCountAsync(0);
        await AssertSamePageAsync(Page);
    }

    [Fact]
    public async Task Own_policies_and_members_follow_a_direct_sql_change()
    {
        var world = await TestTenants.CreateAsync(Fixture.Database, "live-pol");
        await SignInAsync(world.Admin, TestTenants.Password);
        await Page.GotoAsync("/tenant/policies");
        await WaitForCircuitAsync(Page);
        var ui = new TenantPages(Page);
        await Assertions.Expect(ui.Field("min-length")).ToHaveValueAsync("8");
        await MarkAsync(Page);

        await ExecAsync($"UPDATE tenant_policies SET password_min_length = 14 WHERE tenant_id = '{world.TenantId}'");
        await Assertions.Expect(ui.Field("min-length")).ToHaveValueAsync("14", SoonValue);
        await AssertSamePageAsync(Page);

        await Page.GotoAsync("/tenant/members");
        await WaitForCircuitAsync(Page);
        var status = Page.GetByTestId($"status-{world.Member}");
        await Assertions.Expect(status).ToHaveTextAsync("active");
        await MarkAsync(Page);

        await ExecAsync($"UPDATE users SET status = 'suspended' WHERE id = '{world.MemberId}'");
        await Assertions.Expect(status).ToHaveTextAsync("suspended", SoonText);
        await AssertSamePageAsync(Page);
    }

    [Fact]
    public async Task Staff_pages_of_a_tenant_follow_its_changes_and_the_list_keeps_its_filter()
    {
        var world = await TestTenants.CreateAsync(Fixture.Database, "live-staff");
        var slug = Slug(world);
        await SignInAsync(await TestUsers.CreateStaffAsync(Fixture.Database, "live-tenants", StaffPassword), StaffPassword); // Support: tenants.view
        await Page.GotoAsync($"/tenants?q={slug}");
        await WaitForCircuitAsync(Page);
        var grid = Page.GetByTestId("tenants-grid");
        await Assertions.Expect(grid).ToContainTextAsync("starter");
        await MarkAsync(Page);

        await ExecAsync($"UPDATE tenants SET plan = 'enterprise' WHERE id = '{world.TenantId}'");
        await Assertions.Expect(grid).ToContainTextAsync("enterprise", Soon);
        Assert.Contains($"q={slug}", Page.Url);
        await AssertSamePageAsync(Page);

        await Page.GotoAsync($"/tenants/{world.TenantId}/policies");
        await WaitForCircuitAsync(Page);
        var ui = new TenantPages(Page);
        await Assertions.Expect(ui.Field("max-attempts")).ToHaveValueAsync("5");
        await MarkAsync(Page);
        await ExecAsync($"UPDATE tenant_policies SET max_login_attempts = 7 WHERE tenant_id = '{world.TenantId}'");
        await Assertions.Expect(ui.Field("max-attempts")).ToHaveValueAsync("7", SoonValue);

        await Page.GotoAsync($"/tenants/{world.TenantId}/settings");
        await WaitForCircuitAsync(Page);
        await MarkAsync(Page);
        await ExecAsync($"UPDATE tenants SET name = 'Renamed live' WHERE id = '{world.TenantId}'");
        await Assertions.Expect(Page.GetByTestId("tenant-name")).ToHaveTextAsync("Renamed live", SoonText);
        await AssertSamePageAsync(Page);
    }

    private static string Slug(TestTenants.World world) => world.Admin.Split('@')[1].Replace(".test", "", StringComparison.Ordinal);
}
