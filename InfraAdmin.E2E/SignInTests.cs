using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using InfraAdmin.Data.Entities;
using InfraAdmin.E2E.Pages;
using InfraAdmin.E2E.Support;
using Microsoft.Playwright;

namespace InfraAdmin.E2E;

/// <summary>Sign in as each demo user, see the right nav, sign out; wrong passwords and lockout; axe on login and nav.</summary>
public sealed class SignInTests(E2EFixture fixture) : E2ETest(fixture)
{
    public static TheoryData<string, string[]> NavByUser() => new()
    {
        { "admin@infraadmin.local", ["", "alerts", "ip-reputation", "vps", "costs", "tenants", "staff", "settings/system", "settings/feature-flags", "settings/jobs", "settings/api-keys", "audit", "account", "account/preferences", "account/sessions"] },
        { "ops@infraadmin.local", ["", "alerts", "ip-reputation", "vps", "audit", "account", "account/preferences", "account/sessions"] },
        { "exec@infraadmin.local", ["", "alerts", "ip-reputation", "vps", "costs", "account", "account/preferences", "account/sessions"] },
        { "support@infraadmin.local", ["", "alerts", "ip-reputation", "vps", "tenants", "account", "account/preferences", "account/sessions"] },
        { "admin@acme.example", ["", "tenant/settings", "tenant/policies", "tenant/members", "tenant/invite", "account", "account/preferences", "account/sessions"] },
        { "member@acme.example", ["", "tenant/invite", "account", "account/preferences", "account/sessions"] },
    };

    [Theory]
    [MemberData(nameof(NavByUser))]
    public async Task Each_demo_user_sees_their_nav_and_can_sign_out(string email, string[] expected)
    {
        await SignInAsync(email);
        await WaitForCircuitAsync(Page);
        var shell = new Shell(Page);
        Assert.Equal(expected, await shell.NavLinksAsync(expected.Length));
        await Assertions.Expect(Page.GetByTestId("user-name")).ToHaveTextAsync(email);
        await shell.SignOutAsync();
        await Page.WaitForURLAsync("**/Account/Login");
        await Page.GotoAsync("/");
        await Page.WaitForURLAsync("**/Account/Login**");
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error_that_does_not_say_which_field()
    {
        var login = new LoginPage(Page);
        await login.GotoAsync();
        await login.SignInAsync("support@infraadmin.local", "not-the-password");
        await Assertions.Expect(login.Error).ToHaveTextAsync("Error: Invalid email or password.");
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account()
    {
        var email = await CreateStaffUserAsync("e2e-lock");
        var login = new LoginPage(Page);
        for (var i = 0; i < 5; i++)
        {
            await login.GotoAsync();
            await login.SignInAsync(email, "wrong-password-" + i);
        }
        await Page.WaitForURLAsync("**/Account/Lockout");
        await login.GotoAsync();
        await login.SignInAsync(email, "E2E-Correct-Horse-1!");
        await Page.WaitForURLAsync("**/Account/Lockout");
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Account locked" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_login_page_passes_axe()
    {
        await new LoginPage(Page).GotoAsync();
        AssertNoSeriousViolations(await Page.RunAxe());
    }

    [Fact]
    public async Task The_overview_and_nav_pass_axe_in_light_and_dark_mode_and_the_switch_is_kept()
    {
        // Its own administrator: the switch is saved as the user's theme, and demo accounts stay as they are.
        var email = await TestUsers.CreateStaffAsync(Fixture.Database, "e2e-theme", "E2E-Correct-Horse-1!", roleId: 1);
        await SignInAsync(email, "E2E-Correct-Horse-1!");
        await WaitForCircuitAsync(Page);
        await new Shell(Page).NavLinksAsync();
        AssertNoSeriousViolations(await Page.RunAxe());
        await Page.GetByLabel("Switch to dark mode").ClickAsync();
        await Page.GetByLabel("Switch to light mode").WaitForAsync();
        AssertNoSeriousViolations(await Page.RunAxe());

        // The next visit opens dark.
        await Page.ReloadAsync();
        await WaitForCircuitAsync(Page);
        await Assertions.Expect(Page.GetByLabel("Switch to light mode")).ToBeVisibleAsync();
    }


    private Task<string> CreateStaffUserAsync(string prefix) => TestUsers.CreateStaffAsync(Fixture.Database, prefix, "E2E-Correct-Horse-1!");
}
