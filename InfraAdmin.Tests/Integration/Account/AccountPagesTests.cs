using System.Net;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Tenants;
using InfraAdmin.Tests.Integration.Staff;
using InfraAdmin.Tests.Integration.Tenants;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Account;

/// <summary>The restyled account forms still do their work: two-factor and recovery-code sign-in, reset by mailed link, a tenant invitation.</summary>
public sealed class AccountPagesTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private const int SupportRole = 4;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_factor_sign_in_with_an_app_code_or_a_recovery_code_lands_on_the_return_address()
    {
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "pages-2fa", SupportRole);
        var (key, codes) = await EnableTwoFactorAsync(id);

        var client = App.CreateBrowserClient();
        var signIn = await InfraAdminFactory.SignInAsync(client, email, StaffTestUsers.Password, "/vps");
        var second = new Uri(Browsers.Origin, signIn.Headers.Location!).PathAndQuery;
        Assert.StartsWith("/Account/LoginWith2fa?returnUrl=%2Fvps", second);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(second, Ct));
        Assert.Contains("<label for=\"Input.TwoFactorCode\">Authenticator code</label>", page);
        Assert.Contains("autocomplete=\"one-time-code\"", page);
        Assert.Contains("href=\"Account/LoginWithRecoveryCode?returnUrl=%2Fvps\"", page);

        var wrong = await Browsers.PostFormAsync(client, second, "login-with-2fa", ("Input.TwoFactorCode", "12345"));
        Assert.Contains("The code has 6 digits.", WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync(Ct)));
        var ok = await Browsers.PostFormAsync(client, second, "login-with-2fa", ("Input.TwoFactorCode", Totp.Code(key)));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal("/vps", new Uri(Browsers.Origin, ok.Headers.Location!).AbsolutePath);

        var other = App.CreateBrowserClient();
        await InfraAdminFactory.SignInAsync(other, email, StaffTestUsers.Password, "/vps");
        var recovery = "/Account/LoginWithRecoveryCode?returnUrl=%2Fvps";
        Assert.Contains("<label for=\"Input.RecoveryCode\">Recovery code</label>", await other.GetStringAsync(recovery, Ct));
        var used = await Browsers.PostFormAsync(other, recovery, "login-with-recovery-code", ("Input.RecoveryCode", codes[0]));
        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal("/vps", new Uri(Browsers.Origin, used.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task A_forgotten_password_is_reset_through_the_mailed_link_under_the_users_rules()
    {
        var (_, email) = await StaffTestUsers.CreateUserAsync(App, "pages-reset", SupportRole);
        var client = App.CreateBrowserClient();
        var asked = await Browsers.PostFormAsync(client, "/Account/ForgotPassword", "forgot-password", ("Input.Email", email));
        Assert.EndsWith("Account/ForgotPasswordConfirmation", asked.Headers.Location!.OriginalString);
        var link = MailFiles.FirstLink(Assert.Single(Mail.For(email, App)));
        Assert.StartsWith(InfraAdminFactory.PublicUrl + "Account/ResetPassword?code=", link);
        var url = "/" + link[InfraAdminFactory.PublicUrl.Length..];

        var weak = await Browsers.PostFormAsync(client, url, "reset-password", ("Input.Email", email), ("Input.Password", "Short-pw-1"), ("Input.ConfirmPassword", "Short-pw-1"));
        var html = WebUtility.HtmlDecode(await weak.Content.ReadAsStringAsync(Ct));
        Assert.Contains("Passwords must be at least 12 characters.", html);
        Assert.DoesNotContain("Short-pw-1", html);
        var done = await Browsers.PostFormAsync(client, url, "reset-password", ("Input.Email", email), ("Input.Password", "Reset-By-Link-Password-1"), ("Input.ConfirmPassword", "Reset-By-Link-Password-1"));
        Assert.EndsWith("Account/ResetPasswordConfirmation", done.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), email, "Reset-By-Link-Password-1")).StatusCode);
    }

    [Fact]
    public async Task A_tenant_invitation_shows_the_invited_email_read_only_and_asks_only_for_the_password()
    {
        var world = await TestTenants.CreateAsync(Db, "pages-invite");
        var email = $"pages-invitee-{Guid.NewGuid():N}@example.test";
        await App.AsAsync<MembersService, bool>(world.Admin, async s => { await s.InviteAsync(email, TenantRole.Member, Ct); return true; });
        var url = "/" + MailFiles.FirstLink(Assert.Single(Mail.For(email, App)))[InfraAdminFactory.PublicUrl.Length..];
        var client = App.CreateBrowserClient();
        var html = WebUtility.HtmlDecode(await client.GetStringAsync(url, Ct));
        Assert.Contains("<h1>Set a password</h1>", html);
        Assert.Contains($"id=\"invited-email\" value=\"{email}\" readonly", html);
        Assert.Contains("<label for=\"Input.Password\">Choose a password</label>", html);
        Assert.Contains("<label for=\"Input.ConfirmPassword\">Repeat the password</label>", html);

        var mismatch = await Browsers.PostFormAsync(client, url, "accept-invite", ("Input.Password", "Invitee-Password-1"), ("Input.ConfirmPassword", "other"));
        Assert.Contains("The two passwords do not match.", WebUtility.HtmlDecode(await mismatch.Content.ReadAsStringAsync(Ct)));
        var ok = await Browsers.PostFormAsync(client, url, "accept-invite", ("Input.Password", "Invitee-Password-1"), ("Input.ConfirmPassword", "Invitee-Password-1"));
        Assert.Contains("Your password is set", WebUtility.HtmlDecode(await ok.Content.ReadAsStringAsync(Ct)));
        // Used: the link no longer says whose it is.
        var again = WebUtility.HtmlDecode(await App.CreateBrowserClient().GetStringAsync(url, Ct));
        Assert.Contains("This link is invalid or has expired", again);
        Assert.DoesNotContain(email, again);
    }

    private async Task<(string Key, IReadOnlyList<string> Codes)> EnableTwoFactorAsync(Guid userId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByIdAsync(userId.ToString()))!;
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        return ((await users.GetAuthenticatorKeyAsync(user))!, codes);
    }
}
