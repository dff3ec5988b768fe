using InfraAdmin.E2E.Support;
using InfraAdmin.Tests.Integration.Tenants;
using Microsoft.Playwright;
using static InfraAdmin.E2E.Support.LiveChecks;

namespace InfraAdmin.E2E;

/// <summary>
/// Live pages (issue 16, part 2) outside the tenant area: a role's page, the scheduled jobs, your sign-ins and your
/// preferences follow a change made elsewhere (direct SQL, or another browser) without a reload. Own users throughout.
/// </summary>
public sealed class LiveAccountAndStaffPagesTests(E2EFixture fixture) : E2ETest(fixture)
{
    private const string Password = "Live-Account-2026!";

    private Task<int> ExecAsync(string sql) => LiveChecks.ExecAsync(Fixture.Database.ConnectionString, sql);

    [Fact]
    public async Task A_roles_page_shows_a_new_grant_and_a_renamed_role_without_a_reload()
    {
        var roleId = Random.Shared.Next(100_000, 1_000_000);
        await ExecAsync($"INSERT INTO staff_roles (id, name, description, created) VALUES ({roleId}, 'Live role {roleId}', 'before', now())");
        await SignInAsync(await TestUsers.CreateStaffAsync(Fixture.Database, "live-role", Password, roleId: 1), Password); // staff.view
        await Page.GotoAsync($"/staff/roles/{roleId}");
        await WaitForCircuitAsync(Page);
        var description = Page.Locator("[data-testid='role-description'] textarea, textarea[data-testid='role-description']").First;
        await Assertions.Expect(description).ToHaveValueAsync("before");
        await MarkAsync(Page);

        await ExecAsync($"INSERT INTO staff_role_permissions (role_id, permission_id) SELECT {roleId}, id FROM permissions WHERE name = 'vps.view'");
        await Assertions.Expect(Page.GetByTestId("role-permissions")).ToContainTextAsync("vps.view", Soon);
        await ExecAsync($"UPDATE staff_roles SET description = 'after' WHERE id = {roleId}");
        await Assertions.Expect(description).ToHaveValueAsync("after", SoonValue); // untouched: the newer text shows
        await AssertSamePageAsync(Page);

        // An edit in progress is kept, and the page says the role changed underneath.
        await description.FillAsync("my edit");
        await description.PressAsync("Tab"); // the field binds on change
        await ExecAsync($"UPDATE staff_roles SET description = 'elsewhere' WHERE id = {roleId}");
        await Assertions.Expect(Page.GetByTestId("changed-elsewhere")).ToBeVisibleAsync(SoonVisible);
        await Assertions.Expect(description).ToHaveValueAsync("my edit");
        await Page.GetByTestId("role-reload").ClickAsync();
        await Assertions.Expect(description).ToHaveValueAsync("elsewhere");
        await AssertSamePageAsync(Page);
    }

    [Fact]
    public async Task The_jobs_page_shows_a_jobs_new_state_when_another_user_runs_it()
    {
        const string job = "vps.billing-roll-forward";
        await SignInAsync(await TestUsers.CreateStaffAsync(Fixture.Database, "live-jobs-watch", Password, roleId: 1), Password);
        await Page.GotoAsync("/settings/jobs");
        await WaitForCircuitAsync(Page);
        var row = Page.GetByTestId("jobs-table").Locator("tr").Filter(new() { HasText = job });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        var before = await row.InnerTextAsync();
        await MarkAsync(Page);

        await using var other = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
        var actor = await other.NewPageAsync();
        await SignInAsync(await TestUsers.CreateStaffAsync(Fixture.Database, "live-jobs-run", Password, roleId: 1), Password, actor);
        await actor.GotoAsync("/settings/jobs");
        await WaitForCircuitAsync(actor);
        await actor.GetByTestId("jobs-table").Locator("tr").Filter(new() { HasText = job }).GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();

        // Hangfire runs it here (enqueued, processing, succeeded: each a change of hangfire.job); the watcher's row follows.
        await Assertions.Expect(row).Not.ToHaveTextAsync(before, new() { Timeout = 30_000 });
        await Assertions.Expect(row).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });
        await AssertSamePageAsync(Page);
    }

    [Fact]
    public async Task Your_sign_ins_show_a_sign_in_from_another_browser_and_its_end()
    {
        var world = await TestTenants.CreateAsync(Fixture.Database, "live-sess");
        await SignInAsync(world.Member, TestTenants.Password);
        await Page.GotoAsync("/account/sessions");
        await WaitForCircuitAsync(Page);
        var rows = Page.GetByTestId("session-row");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await MarkAsync(Page);

        await using var other = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
        var elsewhere = await other.NewPageAsync();
        await SignInAsync(world.Member, TestTenants.Password, elsewhere);
        await Assertions.Expect(rows).ToHaveCountAsync(2, new() { Timeout = 5_000 });

        // The other browser signs itself out: its row goes from this page too.
        await elsewhere.GotoAsync("/account/sessions");
        await WaitForCircuitAsync(elsewhere);
        await elsewhere.GetByTestId("session-row").Filter(new() { Has = elsewhere.GetByTestId("current-session") })
            .GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1, new() { Timeout = 5_000 });
        await AssertSamePageAsync(Page);
    }

    [Fact]
    public async Task Preferences_saved_elsewhere_show_on_an_untouched_form_and_never_over_an_edit()
    {
        var world = await TestTenants.CreateAsync(Fixture.Database, "live-pref");
        await SignInAsync(world.Member, TestTenants.Password);
        await Page.GotoAsync("/account/preferences");
        await WaitForCircuitAsync(Page);
        var zone = Page.Locator("input[data-testid='time-zone'], [data-testid='time-zone'] input").First;
        await MarkAsync(Page);

        await ExecAsync($"""
            INSERT INTO user_preferences (id, user_id, timezone, created, updated) VALUES (gen_random_uuid(), '{world.MemberId}', 'Europe/Berlin', now(), now())
            ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone
            """);
        await Assertions.Expect(zone).ToHaveValueAsync("Europe/Berlin", SoonValue);

        // Now an unsaved edit (a switch), then another change elsewhere: the edit stays and the page says so.
        var weekly = Page.GetByLabel("Product news and offers");
        var wasOn = await weekly.IsCheckedAsync();
        await Page.GetByText("Product news and offers", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(weekly).ToBeCheckedAsync(new() { Checked = !wasOn });
        await ExecAsync($"UPDATE user_preferences SET timezone = 'Asia/Tokyo' WHERE user_id = '{world.MemberId}'");
        await Assertions.Expect(Page.GetByTestId("changed-elsewhere")).ToBeVisibleAsync(SoonVisible);
        await Assertions.Expect(zone).ToHaveValueAsync("Europe/Berlin");
        await Assertions.Expect(weekly).ToBeCheckedAsync(new() { Checked = !wasOn });
        await Page.GetByTestId("changed-elsewhere-reload").ClickAsync();
        await Assertions.Expect(zone).ToHaveValueAsync("Asia/Tokyo");
        await AssertSamePageAsync(Page);
    }
}
