using System.Net;
using System.Security.Claims;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Sessions;
using InfraAdmin.Features.Staff;
using InfraAdmin.Tests.Integration.Staff;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Security;

/// <summary>Sign-ins are server-side sessions: signing out, removal, a password reset and "sign out others" end them for every copy of the cookie.</summary>
public sealed class SessionTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private const int SupportRole = 4, SuperAdminRole = 1;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpClient Client, CookieContainer Cookies)> SignedInAsync(string email, string password = StaffTestUsers.Password)
    {
        var cookies = new CookieContainer();
        var client = App.Client(cookies);
        var response = await Browsers.SignInAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return (client, cookies);
    }

    /// <summary>Another browser holding a copy of the auth cookie only.</summary>
    private HttpClient CopyOf(CookieContainer cookies)
    {
        var copy = new CookieContainer();
        foreach (Cookie c in cookies.GetCookies(Browsers.Origin)) if (c.Name == "InfraAdmin.Auth") copy.Add(Browsers.Origin, c);
        return App.Client(copy);
    }

    private static async Task AssertSignedInAsync(HttpClient client, string path = "/")
    {
        var response = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertSignedOutAsync(HttpClient client, string path = "/")
    {
        var response = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Signing_out_ends_the_sign_in_for_a_copied_cookie_too_pages_and_exports_alike()
    {
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "signout", SuperAdminRole);
        var (client, cookies) = await SignedInAsync(email);
        var stolen = CopyOf(cookies);
        await AssertSignedInAsync(stolen);
        await AssertSignedInAsync(stolen, "/tenants/export.csv");

        var page = await client.GetStringAsync("/", Ct);
        var logout = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Browsers.FormToken(page) }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        await AssertSignedOutAsync(stolen);
        await AssertSignedOutAsync(stolen, "/tenants/export.csv");
        await using var db = Db.CreateContext();
        Assert.Equal(SessionEndReason.SignedOut, await db.UserSessions.Where(s => s.UserId == id).Select(s => s.EndReason).SingleAsync(Ct));
    }

    [Fact]
    public async Task Sign_out_needs_the_forms_antiforgery_token()
    {
        var (_, email) = await StaffTestUsers.CreateUserAsync(App, "csrf", SupportRole);
        var (client, _) = await SignedInAsync(email);
        var forged = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>()), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("came from another site", await forged.Content.ReadAsStringAsync(Ct));
        await AssertSignedInAsync(client);
    }

    [Fact]
    public async Task Removing_a_staff_member_ends_their_sign_ins_at_once()
    {
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "removed", SupportRole);
        var (client, _) = await SignedInAsync(email);
        await AssertSignedInAsync(client);
        await using (var scope = await App.ScopeAsAsync(Demo.Admin))
        {
            var staff = scope.ServiceProvider.GetRequiredService<StaffService>();
            var row = await staff.GetAsync(id, Ct);
            await staff.RemoveAsync(id, row!.Version, Ct);
        }
        await AssertSignedOutAsync(client);
    }

    [Fact]
    public async Task A_password_reset_ends_every_sign_in()
    {
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "reset", SupportRole);
        var (first, _) = await SignedInAsync(email);
        var (second, _) = await SignedInAsync(email);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByIdAsync(id.ToString()))!;
            var result = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), "Brand-New-Password-9!");
            Assert.True(result.Succeeded);
        }
        await AssertSignedOutAsync(first);
        await AssertSignedOutAsync(second);
    }

    [Fact]
    public async Task Your_sign_ins_lists_each_browser_and_signs_out_the_others_audited()
    {
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "mine", SupportRole);
        var (laptop, _) = await SignedInAsync(email);
        var (phone, _) = await SignedInAsync(email);
        var html = await laptop.GetStringAsync("/account/sessions", Ct);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "data-testid=\"session-row\"").Count);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "data-testid=\"current-session\""));

        Guid laptopSession;
        await using (var db = Db.CreateContext())
            laptopSession = await db.UserSessions.Where(s => s.UserId == id).OrderBy(s => s.Created).Select(s => s.Id).FirstAsync(Ct);
        await using (var scope = await ScopeWithSessionAsync(id, email, laptopSession))
        {
            var sessions = scope.ServiceProvider.GetRequiredService<SessionService>();
            var page = await sessions.ListAsync(1, Ct);
            Assert.Equal(2, page.Total);
            Assert.True(page.Rows[0].IsCurrent);
            Assert.Equal(1, await sessions.EndOthersAsync(Ct));
        }
        await AssertSignedInAsync(laptop);
        await AssertSignedOutAsync(phone);
        await using (var db = Db.CreateContext())
            Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "session.end_others" && a.EntityId == id.ToString() && a.ActorId == id, Ct));
    }

    [Fact]
    public async Task Nobody_ends_another_users_sign_in()
    {
        var (victimId, victimEmail) = await StaffTestUsers.CreateUserAsync(App, "victim", SupportRole);
        var (victim, _) = await SignedInAsync(victimEmail);
        var (attackerId, attackerEmail) = await StaffTestUsers.CreateUserAsync(App, "attacker", SupportRole);
        Guid victimSession;
        await using (var db = Db.CreateContext())
            victimSession = await db.UserSessions.Where(s => s.UserId == victimId).Select(s => s.Id).SingleAsync(Ct);
        await using (var scope = await ScopeWithSessionAsync(attackerId, attackerEmail, Guid.NewGuid()))
            Assert.False(await scope.ServiceProvider.GetRequiredService<SessionService>().EndAsync(victimSession, Ct));
        await AssertSignedInAsync(victim);
    }

    private async Task<AsyncServiceScope> ScopeWithSessionAsync(Guid userId, string email, Guid sessionId)
    {
        var scope = App.Services.CreateAsyncScope();
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, userId.ToString()), new Claim(ClaimTypes.Name, email), new Claim(SessionStore.ClaimType, sessionId.ToString()),
        ], "Test"));
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        return await Task.FromResult(scope);
    }
}
