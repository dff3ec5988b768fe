using System.Net;
using InfraAdmin.Components.Account;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Staff;
using InfraAdmin.Tests.Integration.Staff;
using InfraAdmin.Tests.Integration.Tenants;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Account;

/// <summary>
/// /Account/SetPassword, the page a staff invitation (and an administrator's reset) links to: it shows whose account
/// it is, sets the password under the user's rules, and answers every bad link with a plain message, never a 500.
/// </summary>
public sealed class SetPasswordTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private const int SupportRole = 4;
    private const string NewPassword = "Invited-Staff-Password-1";
    private const string Invalid = "This link is invalid or has expired.";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_invited_staff_member_sees_their_email_sets_a_password_and_signs_in_and_the_link_then_stops()
    {
        var (email, url) = await InviteAsync("invitee");
        var client = App.CreateBrowserClient();
        var html = WebUtility.HtmlDecode(await client.GetStringAsync(url, Ct));
        Assert.Contains("<h1>Set a password</h1>", html);
        Assert.Contains($"<input type=\"email\" id=\"account-email\" value=\"{email}\" readonly", html);
        Assert.DoesNotContain("name=\"Input.Email\"", html); // nothing to type but the password
        Assert.Contains("at least 12 characters (at most 128)", html); // the staff rules, stated

        var set = await PostAsync(client, url, NewPassword, NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal("/Account/Login", new Uri(Browsers.Origin, set.Headers.Location!).AbsolutePath);
        Assert.Contains("Your password is set. Sign in.", WebUtility.HtmlDecode(await client.GetStringAsync("/Account/Login", Ct)));

        var signIn = await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), email, NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.DoesNotContain("Account/", signIn.Headers.Location!.ToString());

        var again = WebUtility.HtmlDecode(await App.CreateBrowserClient().GetStringAsync(url, Ct));
        Assert.Contains(Invalid, again);
        Assert.DoesNotContain(email, again);
    }

    [Fact]
    public async Task The_users_rules_apply_and_refusals_stand_beside_the_field_without_setting_anything()
    {
        var (email, url) = await InviteAsync("rules");
        var client = App.CreateBrowserClient();

        var tooShort = WebUtility.HtmlDecode(await (await PostAsync(client, url, "Short-pw-1", "Short-pw-1")).Content.ReadAsStringAsync(Ct));
        Assert.Contains("Passwords must be at least 12 characters.", tooShort);
        Assert.Contains("class=\"field-error\" data-testid=\"password-error\"", tooShort);
        Assert.DoesNotContain("Short-pw-1", tooShort); // passwords are never written back into the page

        var mismatch = WebUtility.HtmlDecode(await (await PostAsync(client, url, NewPassword, NewPassword + "x")).Content.ReadAsStringAsync(Ct));
        Assert.Contains("The two passwords do not match.", mismatch);

        var huge = new string('y', 200_000);
        var big = await PostAsync(client, url, huge, huge);
        Assert.Equal(HttpStatusCode.OK, big.StatusCode);
        var bigHtml = WebUtility.HtmlDecode(await big.Content.ReadAsStringAsync(Ct));
        Assert.Contains("Passwords are at most 128 characters.", bigHtml);
        Assert.DoesNotContain(huge, bigHtml);

        var nul = await PostAsync(client, url, "abc\0defghijklmn", "abc\0defghijklmn");
        // A NUL in a posted form is refused before the page runs (400); if it ever reaches the rules, they refuse it.
        Assert.True(nul.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"NUL post answered {(int)nul.StatusCode}");
        if (nul.StatusCode == HttpStatusCode.OK)
            Assert.Contains("control characters", WebUtility.HtmlDecode(await nul.Content.ReadAsStringAsync(Ct)));

        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.False(await users.HasPasswordAsync((await users.FindByEmailAsync(email))!));
        // The link still works after refusals.
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, url, NewPassword, NewPassword)).StatusCode);
    }

    public static TheoryData<string> BadLinks() => new()
    {
        "/Account/SetPassword",
        "/Account/SetPassword?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff",
        "/Account/SetPassword?code=" + AccountLinkCode.Encode("anything"),
        "/Account/SetPassword?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff&code=" + AccountLinkCode.Encode("anything"),
        "/Account/SetPassword?userId=not-a-guid&code=eA",
        "/Account/SetPassword?userId=a%00b&code=eA",
        "/Account/SetPassword?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff&code=!!!",
        "/Account/SetPassword?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff&code=a%00b",
        "/Account/SetPassword?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff&code=AA", // decodes to a NUL byte
        "/Account/SetPassword?userId=6f9619ff-8b86-d011-b42d-00cf4fc964ff&code=" + new string('A', 5_000),
        "/Account/SetPassword?userId=" + new string('1', 5_000) + "&code=eA",
    };

    [Theory]
    [MemberData(nameof(BadLinks))]
    public async Task A_malformed_link_or_an_unknown_user_says_the_link_is_invalid(string url)
    {
        var response = await App.CreateBrowserClient().GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains(Invalid, html);
        Assert.Contains("href=\"Account/ForgotPassword\"", html); // a way forward
        Assert.DoesNotContain("name=\"Input.Password\"", html);
    }

    [Fact]
    public async Task A_wrong_or_outdated_token_of_a_real_user_shows_neither_the_email_nor_the_form_and_a_post_changes_nothing()
    {
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "outdated", SupportRole);
        string outdated;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByIdAsync(id.ToString()))!;
            outdated = AccountLinkCode.Encode(await users.GeneratePasswordResetTokenAsync(user));
            await users.UpdateSecurityStampAsync(user); // as a password change or a newer link does
        }
        foreach (var code in new[] { outdated, AccountLinkCode.Encode("not-a-token") })
        {
            var url = $"/Account/SetPassword?userId={id}&code={code}";
            var client = App.CreateBrowserClient();
            var html = WebUtility.HtmlDecode(await client.GetStringAsync(url, Ct));
            Assert.Contains(Invalid, html);
            Assert.DoesNotContain(email, html);
            // A forged post (with a form token from another page) is answered the same way.
            var form = Browsers.FormToken(await client.GetStringAsync("/Account/Login", Ct));
            var post = await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "set-password", ["__RequestVerificationToken"] = form,
                ["Input.Password"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword,
            }), Ct);
            Assert.True(post.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"post answered {(int)post.StatusCode}");
        }
        Assert.Contains("Invalid email or password.", await (await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), email, NewPassword)).Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Redirect, (await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), email, StaffTestUsers.Password)).StatusCode);
    }

    [Fact]
    public async Task A_tenant_invitees_link_is_for_the_invitation_page_not_this_one()
    {
        var world = await TestTenants.CreateAsync(Db, "setpw-tenant");
        var email = $"tenant-invitee-{Guid.NewGuid():N}@example.test";
        await App.AsAsync<InfraAdmin.Features.Tenants.MembersService, bool>(world.Admin, async s => { await s.InviteAsync(email, TenantRole.Member, Ct); return true; });
        var query = new Uri(MailFiles.FirstLink(Assert.Single(Mail.For(email, App)))).Query;
        var html = WebUtility.HtmlDecode(await App.CreateBrowserClient().GetStringAsync("/Account/SetPassword" + query, Ct));
        Assert.Contains(Invalid, html); // setting it here would skip the email confirmation and the tenant's approval
        Assert.DoesNotContain(email, html);
    }

    [Fact]
    public async Task An_administrators_reset_link_opens_the_same_page_with_the_email_shown()
    {
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "staff-reset", SupportRole);
        await App.AsAsync<StaffService, bool>(Demo.Admin, async s => { await s.SendPasswordResetAsync(id, Ct); return true; });
        var url = Relative(MailFiles.FirstLink(Assert.Single(Mail.For(email, App))));
        var client = App.CreateBrowserClient();
        Assert.Contains($"value=\"{email}\" readonly", WebUtility.HtmlDecode(await client.GetStringAsync(url, Ct)));
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, url, NewPassword, NewPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), email, NewPassword)).StatusCode);
    }

    /// <summary>Invites a new staff member as the demo admin (the caller only); returns their email and the mailed link, relative to the app.</summary>
    private async Task<(string Email, string Url)> InviteAsync(string prefix)
    {
        var email = $"{prefix}-{Guid.NewGuid():N}@test.local";
        await App.AsAsync<StaffService, bool>(Demo.Admin, async s => { await s.InviteAsync(email, "Invited " + prefix, SupportRole, null, Ct); return true; });
        return (email, Relative(MailFiles.FirstLink(Assert.Single(Mail.For(email, App)))));
    }

    private static string Relative(string link)
    {
        Assert.StartsWith(InfraAdminFactory.PublicUrl + "Account/SetPassword?userId=", link);
        return "/" + link[InfraAdminFactory.PublicUrl.Length..];
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string password, string confirm) =>
        Browsers.PostFormAsync(client, url, "set-password", ("Input.Password", password), ("Input.ConfirmPassword", confirm));
}
