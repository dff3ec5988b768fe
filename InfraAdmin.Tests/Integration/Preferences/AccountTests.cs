using System.Net;
using System.Text.RegularExpressions;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Preferences;
using InfraAdmin.Tests.Integration.Tenants;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Preferences;

/// <summary>/account: password change, turning two-factor sign-in off, new recovery codes; each with users the test creates.</summary>
public sealed class AccountTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string NewPassword = "Another-Password-77";

    private Task<T> AsAsync<T>(string email, Func<AccountService, Task<T>> call) => App.AsAsync(email, call);

    [Fact]
    public async Task A_changed_password_works_the_old_one_stops_and_the_change_is_audited_without_secrets()
    {
        var world = await TestTenants.CreateAsync(Db, "acct-pw");
        var change = await AsAsync(world.Member, s => s.ChangePasswordAsync(TestTenants.Password, NewPassword, Ct));
        Assert.False(change.LockedOut);

        var old = await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), world.Member, TestTenants.Password);
        Assert.Contains("Invalid email or password.", await old.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Redirect, (await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), world.Member, NewPassword)).StatusCode);

        await using var db = Db.CreateContext();
        var row = await db.AuditLog.AsNoTracking().SingleAsync(a => a.Action == "account.password_change" && a.EntityId == world.MemberId.ToString(), Ct);
        Assert.Equal(world.MemberId, row.ActorId);
        var text = row.After?.RootElement.GetRawText() ?? "";
        Assert.DoesNotContain(NewPassword, text);
        Assert.DoesNotContain(TestTenants.Password, text);
        var hash = await db.Users.Where(u => u.Id == world.MemberId).Select(u => u.PasswordHash).SingleAsync(Ct);
        var rows = await db.AuditLog.AsNoTracking().Where(a => a.EntityId == world.MemberId.ToString() && a.After != null).Select(a => a.After).ToListAsync(Ct);
        Assert.DoesNotContain(rows, r => r!.RootElement.GetRawText().Contains(hash!));
    }

    [Fact]
    public async Task The_users_policy_applies_to_the_new_password()
    {
        var world = await TestTenants.CreateAsync(Db, "acct-policy", p => { p.PasswordMinLength = 12; p.PasswordRequireNumbers = true; });
        var tooShort = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Member, s => s.ChangePasswordAsync(TestTenants.Password, "Short1", Ct)));
        Assert.Contains("at least 12 characters", tooShort.Errors[AccountService.Fields.NewPassword]);
        var noDigit = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Member, s => s.ChangePasswordAsync(TestTenants.Password, "Long-enough-but-no-digit", Ct)));
        Assert.Contains("digit", noDigit.Errors[AccountService.Fields.NewPassword]);
        var same = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Member, s => s.ChangePasswordAsync(TestTenants.Password, TestTenants.Password, Ct)));
        Assert.Contains("different", same.Errors[AccountService.Fields.NewPassword]);
        var overview = await AsAsync(world.Member, s => s.GetAsync(Ct));
        Assert.Contains("at least 12 characters (at most 128)", overview.PasswordRules);
        Assert.Contains("a digit (0-9)", overview.PasswordRules);
    }

    [Fact]
    public async Task A_wrong_current_password_is_refused_beside_the_field_and_counts_towards_lockout()
    {
        var world = await TestTenants.CreateAsync(Db, "acct-lock", p => p.MaxLoginAttempts = 3);
        for (var i = 0; i < 2; i++)
        {
            var wrong = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Member, s => s.ChangePasswordAsync("not-it-" + i, NewPassword, Ct)));
            Assert.Equal("That is not your current password.", wrong.Errors[AccountService.Fields.CurrentPassword]);
        }
        var third = await AsAsync(world.Member, s => s.ChangePasswordAsync("not-it-3", NewPassword, Ct));
        Assert.True(third.LockedOut);
        // Locked: even the right password changes nothing now, and sign-in is refused.
        Assert.True((await AsAsync(world.Member, s => s.ChangePasswordAsync(TestTenants.Password, NewPassword, Ct))).LockedOut);
        var signIn = await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), world.Member, TestTenants.Password);
        Assert.Contains("Account/Lockout", signIn.Headers.Location!.ToString());
        await using var db = Db.CreateContext();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "locked_out" && a.EntityId == world.MemberId.ToString(), Ct));
        Assert.False(await db.AuditLog.AnyAsync(a => a.Action == "account.password_change" && a.EntityId == world.MemberId.ToString(), Ct));
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("abc\0defghijk")]
    [InlineData("")]
    [InlineData(null)]
    public async Task Nul_empty_or_huge_input_gives_field_messages_not_an_exception(string? value)
    {
        var world = await TestTenants.CreateAsync(Db, "acct-bad");
        var huge = new string('x', 1_000_000);
        var asNew = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Member, s => s.ChangePasswordAsync(TestTenants.Password, value, Ct)));
        Assert.True(asNew.Errors.ContainsKey(AccountService.Fields.NewPassword));
        var hugeNew = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Member, s => s.ChangePasswordAsync(TestTenants.Password, huge, Ct)));
        Assert.Contains("at most 128", hugeNew.Errors[AccountService.Fields.NewPassword]);
        var hugeCurrent = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Member, s => s.ChangePasswordAsync(huge, NewPassword, Ct)));
        Assert.True(hugeCurrent.Errors.ContainsKey(AccountService.Fields.CurrentPassword));
        var confirm = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Member, s => s.RegenerateRecoveryCodesAsync(value is null or "" ? value : huge, Ct)));
        Assert.True(confirm.Errors.ContainsKey(AccountService.Fields.Password));
    }

    [Fact]
    public async Task Other_sessions_end_when_the_password_changes_on_the_page_and_this_one_stays()
    {
        var world = await TestTenants.CreateAsync(Db, "acct-sess");
        var here = await App.SignedInClientAsync(world.Member, TestTenants.Password);
        var elsewhere = await App.SignedInClientAsync(world.Member, TestTenants.Password);
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/account", Ct)).StatusCode);

        var wrong = await PostAsync(here, "change-password", ("Password.CurrentPassword", "not-it"), ("Password.NewPassword", NewPassword), ("Password.ConfirmPassword", NewPassword));
        var html = WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync(Ct));
        Assert.Contains("That is not your current password.", html);
        Assert.DoesNotContain(NewPassword, html); // passwords are never written back into the page

        var ok = await PostAsync(here, "change-password", ("Password.CurrentPassword", TestTenants.Password), ("Password.NewPassword", NewPassword), ("Password.ConfirmPassword", NewPassword));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var page = WebUtility.HtmlDecode(await here.GetStringAsync("/account", Ct));
        Assert.Contains("Your password is changed, and your one other sign-in has ended.", page);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/account/preferences", Ct)).StatusCode);
        var stale = await elsewhere.GetAsync("/account", Ct);
        Assert.Equal(HttpStatusCode.Redirect, stale.StatusCode);
        Assert.Contains("Account/Login", stale.Headers.Location!.ToString());
    }

    [Fact]
    public async Task The_page_states_the_rules_and_shows_field_messages_for_nul_and_huge_posts()
    {
        var world = await TestTenants.CreateAsync(Db, "acct-page", p => p.PasswordMinLength = 10);
        var client = await App.SignedInClientAsync(world.Member, TestTenants.Password);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/account", Ct));
        Assert.Contains(world.Member, page);
        Assert.Contains("at least 10 characters", page);
        var nul = await PostAsync(client, "change-password", ("Password.CurrentPassword", TestTenants.Password), ("Password.NewPassword", "abc\0defghijkl"), ("Password.ConfirmPassword", "abc\0defghijkl"));
        // A NUL in a posted form is refused before the page runs (400), never a 500; the service's own refusal is tested above.
        Assert.True(nul.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"NUL post answered {(int)nul.StatusCode}");
        if (nul.StatusCode == HttpStatusCode.OK)
            Assert.Contains("control characters", WebUtility.HtmlDecode(await nul.Content.ReadAsStringAsync(Ct)));
        var huge = new string('y', 200_000);
        var big = await PostAsync(client, "change-password", ("Password.CurrentPassword", huge), ("Password.NewPassword", huge), ("Password.ConfirmPassword", ""));
        Assert.Equal(HttpStatusCode.OK, big.StatusCode);
        var bigHtml = WebUtility.HtmlDecode(await big.Content.ReadAsStringAsync(Ct));
        Assert.Contains("Passwords are at most 128 characters.", bigHtml);
        Assert.DoesNotContain(huge, bigHtml);
    }

    [Fact]
    public async Task Two_factor_cannot_be_turned_off_when_policy_requires_it()
    {
        var world = await TestTenants.CreateAsync(Db, "acct-2fa-req", p => p.TwoFactorRequired = true);
        await EnableTwoFactorAsync(world.MemberId);
        var refused = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(world.Member, s => s.DisableTwoFactorAsync(TestTenants.Password, Ct)));
        Assert.Contains("requires two-factor sign-in", refused.Message);
        await using var db = Db.CreateContext();
        Assert.True(await db.Users.Where(u => u.Id == world.MemberId).Select(u => u.TwoFactorEnabled).SingleAsync(Ct));
    }

    [Fact]
    public async Task Two_factor_is_turned_off_with_the_right_password_only()
    {
        var world = await TestTenants.CreateAsync(Db, "acct-2fa-off");
        var oldCodes = await EnableTwoFactorAsync(world.MemberId);
        var wrong = await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Member, s => s.DisableTwoFactorAsync("not-it", Ct)));
        Assert.True(wrong.Errors.ContainsKey(AccountService.Fields.Password));
        await using (var db = Db.CreateContext())
            Assert.True(await db.Users.Where(u => u.Id == world.MemberId).Select(u => u.TwoFactorEnabled).SingleAsync(Ct));

        Assert.False((await AsAsync(world.Member, s => s.DisableTwoFactorAsync(TestTenants.Password, Ct))).LockedOut);
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByIdAsync(world.MemberId.ToString()))!;
        Assert.False(user.TwoFactorEnabled);
        Assert.False((await users.RedeemTwoFactorRecoveryCodeAsync(user, oldCodes[0])).Succeeded);
        var signIn = await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), world.Member, TestTenants.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.DoesNotContain("LoginWith2fa", signIn.Headers.Location!.ToString());
        await using var check = Db.CreateContext();
        Assert.True(await check.AuditLog.AnyAsync(a => a.Action == "account.two_factor_disable" && a.EntityId == world.MemberId.ToString(), Ct));
    }

    [Fact]
    public async Task New_recovery_codes_replace_the_old_ones()
    {
        var world = await TestTenants.CreateAsync(Db, "acct-codes");
        var offFirst = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(world.Member, s => s.RegenerateRecoveryCodesAsync(TestTenants.Password, Ct)));
        Assert.Contains("turn it on first", offFirst.Message);
        var oldCodes = await EnableTwoFactorAsync(world.MemberId);
        await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(world.Member, s => s.RegenerateRecoveryCodesAsync("not-it", Ct)));

        var change = await AsAsync(world.Member, s => s.RegenerateRecoveryCodesAsync(TestTenants.Password, Ct));
        Assert.Equal(10, change.RecoveryCodes!.Count);
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByIdAsync(world.MemberId.ToString()))!;
        Assert.False((await users.RedeemTwoFactorRecoveryCodeAsync(user, oldCodes[0])).Succeeded);
        Assert.True((await users.RedeemTwoFactorRecoveryCodeAsync(user, change.RecoveryCodes[0])).Succeeded);
        Assert.Equal(9, (await AsAsync(world.Member, s => s.GetAsync(Ct))).RecoveryCodesLeft);

        await using var db = Db.CreateContext();
        var row = await db.AuditLog.AsNoTracking().SingleAsync(a => a.Action == "account.recovery_codes_regenerate" && a.EntityId == world.MemberId.ToString(), Ct);
        Assert.DoesNotContain(change.RecoveryCodes[1], row.After?.RootElement.GetRawText() ?? "");
    }

    private async Task<IReadOnlyList<string>> EnableTwoFactorAsync(Guid userId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByIdAsync(userId.ToString()))!;
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string form, params (string Name, string Value)[] fields)
    {
        var page = await client.GetStringAsync("/account");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var values = new List<KeyValuePair<string, string>> { new("_handler", form), new("__RequestVerificationToken", token) };
        values.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return await client.PostAsync("/account", new FormUrlEncodedContent(values));
    }
}
