using System.Net;
using InfraAdmin.Data.Entities;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration;

/// <summary>Sign-in, wrong credentials, lockout and their audit rows, each with users the test creates.</summary>
public sealed class SignInTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private async Task<AppUser> CreateStaffAsync(string email, string password = "Correct-Horse-42!")
    {
        using var scope = App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Test Staff" };
        var result = await users.CreateAsync(user, password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        await using var db = Db.CreateContext();
        db.StaffMembers.Add(new StaffMember { UserId = user.Id, RoleId = 4 });
        await db.SaveChangesAsync();
        return user;
    }

    [Fact]
    public async Task Correct_credentials_sign_in_and_are_audited()
    {
        var user = await CreateStaffAsync("signin-ok@test.local");
        var client = App.CreateBrowserClient();
        var response = await InfraAdminFactory.SignInAsync(client, user.Email!, "Correct-Horse-42!");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode);
        await using var db = Db.CreateContext();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "sign_in" && a.ActorId == user.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_give_the_same_message()
    {
        var user = await CreateStaffAsync("signin-wrong@test.local");
        var wrongPassword = await (await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), user.Email!, "not-it")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var unknownEmail = await (await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), "nobody@test.local", "not-it")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Invalid email or password.", wrongPassword);
        Assert.Contains("Invalid email or password.", unknownEmail);
        await using var db = Db.CreateContext();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "sign_in_failed" && a.ActorId == user.Id, TestContext.Current.CancellationToken));
        var rows = await db.AuditLog.Where(a => a.ActorId == user.Id).Select(a => a.After).ToListAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(rows, r => r != null && r.RootElement.GetRawText().Contains("not-it"));
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_for_fifteen_minutes()
    {
        var user = await CreateStaffAsync("signin-lock@test.local");
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++) last = await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), user.Email!, "wrong-" + i);
        // The fifth failure locks (security.staff_max_login_attempts = 5): even the right password is refused now.
        var client = App.CreateBrowserClient();
        var response = await InfraAdminFactory.SignInAsync(client, user.Email!, "Correct-Horse-42!");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Account/Lockout", response.Headers.Location!.ToString());
        await using var db = Db.CreateContext();
        var stored = await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id, TestContext.Current.CancellationToken);
        Assert.NotNull(stored.LockoutEnd);
        Assert.InRange(stored.LockoutEnd!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15.1));
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "locked_out" && a.ActorId == user.Id, TestContext.Current.CancellationToken));
        _ = last;
    }

    [Fact]
    public async Task A_suspended_user_is_told_the_account_is_suspended_but_only_with_the_right_password()
    {
        var user = await CreateStaffAsync("signin-suspended@test.local");
        await using (var db = Db.CreateContext())
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Suspended), TestContext.Current.CancellationToken);

        var right = await Browsers.PostLoginAsync(App.CreateBrowserClient(), user.Email!, "Correct-Horse-42!");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var html = System.Net.WebUtility.HtmlDecode(await right.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("This account is suspended", html);
        Assert.DoesNotContain("verification", html);
        Assert.DoesNotContain("approval", html);

        var wrong = await Browsers.PostLoginAsync(App.CreateBrowserClient(), user.Email!, "not-it");
        var wrongHtml = await wrong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Invalid email or password.", wrongHtml); // the account's state is not told to a guesser
        Assert.DoesNotContain("account is suspended", wrongHtml);
    }

    [Fact]
    public async Task Staff_passwords_follow_the_staff_minimum_length()
    {
        using var scope = App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var result = await users.CreateAsync(new AppUser { UserName = "short@test.local", Email = "short@test.local" }, "Short-1");
        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Description.Contains("at least 12 characters"));
    }

    [Fact]
    public async Task Sign_out_ends_the_session_and_is_audited()
    {
        var user = await CreateStaffAsync("signout@test.local");
        var client = App.CreateBrowserClient();
        await InfraAdminFactory.SignInAsync(client, user.Email!, "Correct-Horse-42!");
        var home = await client.GetStringAsync("/", TestContext.Current.CancellationToken);
        var token = System.Text.RegularExpressions.Regex.Match(home, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var after = await client.GetAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains("/Account/Login", after.Headers.Location!.ToString());
        await using var db = Db.CreateContext();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "sign_out" && a.ActorId == user.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Security_headers_are_sent()
    {
        var response = await App.CreateBrowserClient().GetAsync("/Account/Login", TestContext.Current.CancellationToken);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }
}
