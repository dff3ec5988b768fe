using Deque.AxeCore.Playwright;
using InfraAdmin.E2E.Pages;
using InfraAdmin.E2E.Support;
using InfraAdmin.Tests.Integration.Tenants;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace InfraAdmin.E2E;

/// <summary>The account pages in the app's look: an invited staff member sets a password from the mailed link; axe on each page.</summary>
public sealed class AccountPagesTests(E2EFixture fixture) : E2ETest(fixture)
{
    private const string Password = "E2E-Account-Pages-1!";
    private const string AuthenticatorKey = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    [Fact]
    public async Task An_invited_staff_member_sees_their_email_sets_a_password_and_signs_in()
    {
        var admin = await TestUsers.CreateStaffAsync(Fixture.Database, "e2e-inviter", Password, roleId: 1);
        var invitee = $"e2e-invitee-{Guid.NewGuid():N}@test.local";
        await SignInAsync(admin, Password);
        await new StaffListPage(Page).GotoAsync();
        await WaitForCircuitAsync(Page);
        await Page.GetByTestId("add-staff").ClickAsync();
        await Page.GetByText("They have no account yet: create one and mail them a link to set a password", new() { Exact = true }).ClickAsync();
        var ui = new TenantPages(Page); // its field helpers fit any MudBlazor form
        await ui.FillAsync("add-email", invitee);
        await Page.GetByTestId("add-submit").ClickAsync();
        await Assertions.Expect(ui.Snackbar).ToContainTextAsync($"{invitee} invited");

        var link = MailFiles.FirstLink(Assert.Single(MailFiles.InFolder(Fixture.Server.MailFolder, invitee)));
        Assert.StartsWith(BaseUrl + "/Account/SetPassword?userId=", link);
        await using var context = await Fixture.Browser.NewContextAsync(new() { BaseURL = BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set a password" })).ToBeVisibleAsync();
        var email = page.GetByLabel("Email");
        await Assertions.Expect(email).ToHaveValueAsync(invitee);
        await Assertions.Expect(email).Not.ToBeEditableAsync();
        AssertNoSeriousViolations(await page.RunAxe(), "SetPassword");

        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("Too-short-1");
        await page.GetByLabel("Confirm password").FillAsync("Too-short-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("password-error")).ToContainTextAsync("at least 12 characters");
        AssertNoSeriousViolations(await page.RunAxe(), "SetPassword with a refusal");

        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password").FillAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/Account/Login");
        await Assertions.Expect(page.Locator(".alert-success")).ToHaveTextAsync("Your password is set. Sign in.");
        AssertNoSeriousViolations(await page.RunAxe(), "Login with the message");
        await SignInAsync(invitee, Password, page);
        await page.WaitForURLAsync(url => !url.Contains("/Account/"));
    }

    [Fact]
    public async Task The_account_pages_pass_axe_and_two_factor_sign_in_works()
    {
        foreach (var url in new[]
                 {
                     "/Account/Login", "/Account/ForgotPassword", "/Account/ForgotPasswordConfirmation", "/Account/ResetPassword?code=!!!",
                     "/Account/ResetPasswordConfirmation", "/Account/SetPassword?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff&code=eA",
                     "/Account/ConfirmEmail?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff&code=eA", "/Account/Lockout",
                 })
        {
            await Page.GotoAsync(url);
            await Page.Locator("h1").WaitForAsync();
            AssertNoSeriousViolations(await Page.RunAxe(), url);
        }
        await Page.GotoAsync("/Account/ForgotPassword");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Reset password" }).ClickAsync();
        await Assertions.Expect(Page.Locator(".field-error")).ToHaveTextAsync("Enter your email address.");
        AssertNoSeriousViolations(await Page.RunAxe(), "ForgotPassword with a field error");

        var email = await CreateTwoFactorStaffAsync();
        var login = new LoginPage(Page);
        await login.GotoAsync();
        await login.SignInAsync(email, Password);
        await Page.WaitForURLAsync("**/Account/LoginWith2fa**");
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Two-factor sign-in" })).ToBeVisibleAsync();
        AssertNoSeriousViolations(await Page.RunAxe(), "LoginWith2fa");
        await Page.GetByTestId("use-recovery-code").ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in with a recovery code" })).ToBeVisibleAsync();
        AssertNoSeriousViolations(await Page.RunAxe(), "LoginWithRecoveryCode");
        await Page.GoBackAsync();
        await Page.GetByLabel("Authenticator code").FillAsync(Totp.Code(AuthenticatorKey));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForURLAsync(url => !url.Contains("/Account/"));
    }

    /// <summary>A staff member of their own with an authenticator app set up (the key written as Identity stores it).</summary>
    private async Task<string> CreateTwoFactorStaffAsync()
    {
        var email = await TestUsers.CreateStaffAsync(Fixture.Database, "e2e-2fa", Password);
        await using var db = Fixture.Database.CreateContext();
        var user = await db.Users.SingleAsync(u => u.Email == email, TestContext.Current.CancellationToken);
        user.TwoFactorEnabled = true;
        db.UserTokens.Add(new IdentityUserToken<Guid> { UserId = user.Id, LoginProvider = "[AspNetUserStore]", Name = "AuthenticatorKey", Value = AuthenticatorKey });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return email;
    }
}
