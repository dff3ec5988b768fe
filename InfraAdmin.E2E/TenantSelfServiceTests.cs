using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using InfraAdmin.Data.Entities;
using InfraAdmin.E2E.Pages;
using InfraAdmin.E2E.Support;
using InfraAdmin.Tests.Integration.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace InfraAdmin.E2E;

/// <summary>Tenant admins brand and police their own tenant (created by each test), invite members; users set their preferences.</summary>
public sealed class TenantSelfServiceTests(E2EFixture fixture) : E2ETest(fixture)
{
    private Task<TestTenants.World> NewTenantAsync(string prefix, Action<TenantPolicies>? policies = null) =>
        TestTenants.CreateAsync(Fixture.Database, prefix, policies);

    private async Task OpenAsync(string path)
    {
        await Page.GotoAsync(path);
        await WaitForCircuitAsync(Page);
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    [Fact]
    public async Task A_tenant_admin_sets_a_colour_and_logo_and_sees_them_applied()
    {
        // Addresses on this machine that serve no image (tests never reach outside 127.0.0.1): the logo cannot load.
        const string logo = "https://127.0.0.1:9/brand-logo.svg", favicon = "https://127.0.0.1:9/brand-favicon.ico";
        var world = await NewTenantAsync("brand");
        await SignInAsync(world.Admin, TestTenants.Password);
        await OpenAsync("/tenant/settings");
        var ui = new TenantPages(Page);
        // The console's own logo loads: no fallback name.
        await Page.WaitForFunctionAsync("() => { const i = document.querySelector('[data-testid=app-logo] img'); return i && i.complete && i.naturalWidth > 0; }");
        await Assertions.Expect(Page.GetByTestId("app-logo")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("logo-broken"));

        await ui.FillAsync("primary-colour", "#AA3300");
        await ui.FillAsync("logo-url", logo);
        await ui.FillAsync("favicon-url", favicon);
        await Assertions.Expect(Page.GetByTestId("preview-bar")).ToHaveCSSAsync("background-color", "rgb(170, 51, 0)");
        // A logo that does not load gives way to the tenant's name in the preview, not a broken-image icon.
        await Assertions.Expect(Page.GetByTestId("preview-logo-name")).ToHaveTextAsync("Test brand");
        await Assertions.Expect(Page.GetByTestId("preview-logo").Locator("img")).ToBeHiddenAsync();
        await Page.GetByTestId("save-settings").ClickAsync();
        await Assertions.Expect(ui.Snackbar).ToContainTextAsync("Settings saved");

        await OpenAsync("/account/preferences");
        await Assertions.Expect(ui.AppBar).ToHaveCSSAsync("background-color", "rgb(170, 51, 0)");
        await Assertions.Expect(ui.AppBarLogo).ToHaveAttributeAsync("src", logo);
        await Assertions.Expect(ui.AppBarLogo).ToHaveAttributeAsync("alt", "Test brand");
        // ... and in the app bar.
        await Assertions.Expect(ui.AppBarLogo).ToBeHiddenAsync();
        await Assertions.Expect(Page.GetByTestId("app-logo-name")).ToHaveTextAsync("Test brand");
        await using (var check = Fixture.Database.CreateContext())
            Assert.Equal(favicon, await check.TenantConfigs.Where(c => c.TenantId == world.TenantId)
                .Select(c => c.ThemeFaviconUrl).SingleAsync(TestContext.Current.CancellationToken));
        await Page.WaitForFunctionAsync($"() => [...document.querySelectorAll('link[rel=icon]')].some(l => l.href === '{favicon}')");

        // A URL that is not https is refused beside the field and nothing is saved.
        await OpenAsync("/tenant/settings");
        await ui.FillAsync("logo-url", "javascript:alert(1)");
        await Page.GetByTestId("save-settings").ClickAsync();
        await Assertions.Expect(Page.GetByText("The logo must be an https:// address.")).ToBeVisibleAsync();
        await using var db = Fixture.Database.CreateContext();
        Assert.Equal(logo,
            await db.TenantConfigs.Where(c => c.TenantId == world.TenantId).Select(c => c.ThemeLogoUrl).SingleAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Min_length_12_refuses_a_members_weaker_new_password()
    {
        var world = await NewTenantAsync("minlen");
        await SignInAsync(world.Admin, TestTenants.Password);
        await OpenAsync("/tenant/policies");
        var ui = new TenantPages(Page);
        await ui.FillAsync("min-length", "12");
        await Page.GetByTestId("save-policies").ClickAsync();
        await Assertions.Expect(Page.GetByTestId("policy-impact")).ToContainTextAsync("Stricter password rules");
        await Page.GetByTestId("confirm-policies").ClickAsync();
        await Assertions.Expect(ui.Snackbar).ToContainTextAsync("Policies saved");

        // The member resets their password through the mailed link.
        var member = await Fixture.Browser.NewContextAsync(new() { BaseURL = BaseUrl });
        var page = await member.NewPageAsync();
        await page.GotoAsync("/Account/ForgotPassword");
        await page.GetByLabel("Email").FillAsync(world.Member);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset password" }).ClickAsync();
        await page.WaitForURLAsync("**/Account/ForgotPasswordConfirmation");
        var mail = Assert.Single(MailFiles.InFolder(Fixture.Server.MailFolder, world.Member));
        await page.GotoAsync(MailFiles.FirstLink(mail));
        await page.GetByLabel("Email").FillAsync(world.Member);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("Short-pw-1");
        await page.GetByLabel("Confirm password").FillAsync("Short-pw-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset" }).ClickAsync();
        await Assertions.Expect(page.GetByText("at least 12 characters").First).ToBeVisibleAsync();
        await member.DisposeAsync();
    }

    [Fact]
    public async Task Turning_on_2fa_makes_a_member_enrol_before_anything_else()
    {
        var world = await NewTenantAsync("tfa");
        await SignInAsync(world.Admin, TestTenants.Password);
        await OpenAsync("/tenant/policies");
        await new TenantPages(Page).ToggleAsync("Require an authenticator app (2FA)");
        await Page.GetByTestId("save-policies").ClickAsync();
        await Assertions.Expect(Page.GetByTestId("policy-impact")).ToContainTextAsync("2 of 2 users have not enrolled");
        await Page.GetByTestId("confirm-policies").ClickAsync();
        await Assertions.Expect(new TenantPages(Page).Snackbar).ToContainTextAsync("Policies saved");
        // The admin has not enrolled either: their open page moves to enrolment at the next revalidation (every 10 s).
        await Page.WaitForURLAsync("**/account/two-factor?returnUrl=%2Ftenant%2Fpolicies", new() { Timeout = 30_000 });

        var member = await Fixture.Browser.NewContextAsync(new() { BaseURL = BaseUrl });
        var page = await member.NewPageAsync();
        await SignInAsync(world.Member, TestTenants.Password, page);
        await page.WaitForURLAsync("**/account/two-factor**");
        await page.GotoAsync("/account/preferences");
        await page.WaitForURLAsync("**/account/two-factor**");
        await Assertions.Expect(page.GetByTestId("enrol-required")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("qr-code")).ToBeVisibleAsync();
        AssertNoSeriousViolations(await page.RunAxe());
        var key = await page.GetByTestId("shared-key").InnerTextAsync();
        await page.GetByLabel("Code from the app").FillAsync(Totp.Code(key));
        await page.GetByTestId("verify-2fa").ClickAsync();
        await Assertions.Expect(page.GetByTestId("recovery-codes")).ToBeVisibleAsync();
        await page.GetByTestId("continue").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("two-factor"));
        await member.DisposeAsync();
    }

    [Fact]
    public async Task An_invited_member_verifies_by_the_mailed_link_and_signs_in_only_after_approval()
    {
        var world = await NewTenantAsync("invite");
        var email = $"invitee-{Guid.NewGuid():N}@example.test";
        await SignInAsync(world.Admin, TestTenants.Password);
        await OpenAsync("/tenant/invite");
        var ui = new TenantPages(Page);
        await ui.FillAsync("invite-email", email);
        await Page.GetByTestId("send-invite").ClickAsync();
        await Assertions.Expect(ui.Snackbar).ToContainTextAsync("Invitation sent");

        // The first mail went astray: the admin sends a new one from the members list.
        await OpenAsync("/tenant/members");
        await Assertions.Expect(Page.GetByTestId($"status-{email}")).ToHaveTextAsync("invited");
        await Page.GetByTestId($"resend-{email}").ClickAsync();
        await Assertions.Expect(ui.Snackbar).ToContainTextAsync("A new invitation is on its way");
        var mails = MailFiles.InFolder(Fixture.Server.MailFolder, email);
        Assert.Equal(2, mails.Count);

        var invitee = await Fixture.Browser.NewContextAsync(new() { BaseURL = BaseUrl });
        var page = await invitee.NewPageAsync();
        await page.GotoAsync(MailFiles.FirstLink(mails[1]));
        await page.GetByLabel("Choose a password").FillAsync("Invitee-password-1");
        await page.GetByLabel("Repeat the password").FillAsync("Invitee-password-1");
        await page.GetByTestId("accept-invite").ClickAsync();
        await Assertions.Expect(page.GetByTestId("accept-outcome")).ToContainTextAsync("still has to approve you");

        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SignInAsync(email, "Invitee-password-1");
        await Assertions.Expect(login.Error).ToContainTextAsync("cannot sign in yet");

        await OpenAsync("/tenant/members");
        await Assertions.Expect(Page.GetByTestId($"status-{email}")).ToHaveTextAsync("awaiting approval");
        AssertNoSeriousViolations(await Page.RunAxe());
        await Page.GetByTestId($"approve-{email}").ClickAsync();
        await Assertions.Expect(Page.GetByTestId($"status-{email}")).ToHaveTextAsync("active");

        await login.GotoAsync();
        await login.SignInAsync(email, "Invitee-password-1");
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
        await invitee.DisposeAsync();
    }

    [Fact]
    public async Task A_user_switches_to_dark_mode_and_another_time_zone_and_the_app_follows()
    {
        var world = await NewTenantAsync("prefs");
        await SignInAsync(world.Member, TestTenants.Password);
        await OpenAsync("/account/preferences");
        await Assertions.Expect(Page.GetByLabel("Switch to dark mode")).ToBeVisibleAsync();
        await Page.GetByText("Dark", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByLabel("Switch to light mode")).ToBeVisibleAsync();
        AssertNoSeriousViolations(await Page.RunAxe());

        var ui = new TenantPages(Page);
        await ui.Field("time-zone").FillAsync("Asia/Tok");
        await Page.GetByText("Asia/Tokyo", new() { Exact = true }).ClickAsync();
        await Page.GetByTestId("save-preferences").ClickAsync();
        await Assertions.Expect(Page.GetByTestId("clock-sample")).ToContainTextAsync("Asia/Tokyo");

        // A new sign-in elsewhere follows the saved preferences: dark, and times in Tokyo.
        await OpenAsync("/account/preferences");
        await Assertions.Expect(Page.GetByLabel("Switch to light mode")).ToBeVisibleAsync();
        var expected = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo")).ToString("yyyy-MM-dd");
        await Assertions.Expect(Page.GetByTestId("clock-sample")).ToContainTextAsync(expected);
    }

    [Fact]
    public async Task The_tenant_pages_pass_axe()
    {
        var world = await NewTenantAsync("axe");
        await SignInAsync(world.Admin, TestTenants.Password);
        foreach (var path in new[] { "/tenant/settings", "/tenant/policies", "/tenant/members", "/tenant/invite", "/account/preferences" })
        {
            await OpenAsync(path);
            await Page.Locator("h1").WaitForAsync();
            await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            AssertNoSeriousViolations(await Page.RunAxe(), path);
        }
    }

    [Fact]
    public async Task Staff_see_the_tenants_list_and_it_passes_axe()
    {
        await SignInAsync("support@infraadmin.local");
        await OpenAsync("/tenants?q=acme");
        await Assertions.Expect(Page.GetByTestId("tenants-grid")).ToContainTextAsync("Acme Outreach");
        await Assertions.Expect(Page.GetByTestId("tenants-grid")).Not.ToContainTextAsync("Globex");
        await Assertions.Expect(Page.GetByTestId("edit-acme")).ToHaveCountAsync(0); // support has tenants.view only
        await Page.Mouse.MoveAsync(0, 0); // no row highlighted by a pointer left where the sign-in button was
        AssertNoSeriousViolations(await Page.RunAxe(), "/tenants");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Acme Outreach" }).ClickAsync();
        await ExpectUrlAsync(Page, "/settings$");
        // Judge the settings page once it has replaced the list, with no pointer hovering a (list) row.
        await Assertions.Expect(Page.GetByTestId("billing-email").First).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByTestId("save-settings")).ToHaveCountAsync(0);
        await Page.Mouse.MoveAsync(0, 0);
        AssertNoSeriousViolations(await Page.RunAxe(), "/tenants/{id}/settings");
    }

    [Fact]
    public async Task Staff_with_tenants_manage_edit_a_tenants_plan_and_revenue()
    {
        var world = await NewTenantAsync("staffedit");
        var slug = await SlugAsync(world.TenantId);
        await SignInAsync("admin@infraadmin.local");
        await OpenAsync($"/tenants?q={slug}");
        await Assertions.Expect(Page.GetByTestId("tenants-grid")).ToContainTextAsync("Test staffedit");
        AssertNoSeriousViolations(await Page.RunAxe(), "/tenants (manage)");
        await Page.GetByTestId($"edit-{slug}").ClickAsync();
        var ui = new TenantPages(Page);
        await ui.FillAsync("edit-revenue", "1234.5");
        await Page.GetByTestId("edit-save").ClickAsync();
        await Assertions.Expect(Page.GetByTestId("tenants-grid")).ToContainTextAsync("1,234.50");
    }

    private async Task<string> SlugAsync(Guid tenantId)
    {
        await using var db = Fixture.Database.CreateContext();
        return await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Slug).SingleAsync(TestContext.Current.CancellationToken);
    }

}
