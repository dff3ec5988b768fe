using InfraAdmin.Data;
using System.Net;
using System.Text.RegularExpressions;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Tenants;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Tenants;

/// <summary>Members and invitations under the company_* policies; security alerts by mail.</summary>
public sealed class MembersServiceTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task AsAsync(string email, Func<MembersService, Task> action)
    {
        await using var scope = await App.ScopeAsAsync(email);
        await action(scope.ServiceProvider.GetRequiredService<MembersService>());
    }

    private async Task<(Guid UserId, string Code)> InviteAsync(string inviter, string email, string role = TenantRole.Member)
    {
        await AsAsync(inviter, s => s.InviteAsync(email, role, Ct));
        var mail = Assert.Single(Mail.For(email, App));
        var link = WebUtility.HtmlDecode(Regex.Match(mail, "href='([^']+)'").Groups[1].Value);
        Assert.StartsWith(InfraAdminFactory.PublicUrl + "tenant/accept-invite?userId=", link);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(link).Query);
        return (Guid.Parse(query["userId"]!), query["code"]!);
    }

    private async Task<bool> CanSignInAsync(string email, string password)
    {
        var response = await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), email, password);
        return response.StatusCode == HttpStatusCode.Redirect && !response.Headers.Location!.ToString().Contains("Account/");
    }

    [Fact]
    public async Task A_resent_invitation_works_and_the_earlier_link_no_longer_does()
    {
        var world = await TestTenants.CreateAsync(Db, "rsd");
        var other = await TestTenants.CreateAsync(Db, "rso");
        var email = $"again-{Guid.NewGuid():N}@example.test";
        var (userId, firstCode) = await InviteAsync(world.Admin, email);

        // Only the tenant's admin, only for their tenant, only before acceptance.
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(world.Member, s => s.ResendInviteAsync(userId, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(other.Admin, s => s.ResendInviteAsync(userId, Ct)));
        await AsAsync(world.Admin, s => s.ResendInviteAsync(userId, Ct));

        var mails = Mail.For(email, App).ToList();
        Assert.Equal(2, mails.Count);
        var link = WebUtility.HtmlDecode(Regex.Match(mails[^1], "href='([^']+)'").Groups[1].Value);
        var newCode = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(link).Query)["code"].ToString();
        Assert.NotEqual(firstCode, newCode);

        await using var scope = App.Services.CreateAsyncScope();
        var members = scope.ServiceProvider.GetRequiredService<MembersService>();
        Assert.False((await members.AcceptAsync(userId, firstCode, "Long-enough-password-1")).Result.Succeeded);
        Assert.True((await members.AcceptAsync(userId, newCode, "Long-enough-password-1")).Result.Succeeded);
        await Assert.ThrowsAsync<RefusedException>(() => AsAsync(world.Admin, s => s.ResendInviteAsync(userId, Ct)));
    }

    [Fact]
    public async Task An_invited_member_verifies_by_the_link_and_waits_for_approval()
    {
        var world = await TestTenants.CreateAsync(Db, "inv", p => p.PasswordMinLength = 12);
        var email = $"new-{Guid.NewGuid():N}@example.test";
        var (userId, code) = await InviteAsync(world.Admin, email);
        Assert.False(await CanSignInAsync(email, "anything-at-all-1"));

        await using var scope = App.Services.CreateAsyncScope();
        var members = scope.ServiceProvider.GetRequiredService<MembersService>();
        var weak = await members.AcceptAsync(userId, code, "short-1");
        Assert.Contains(weak.Result.Errors, e => e.Description.Contains("at least 12"));
        var (result, outcome) = await members.AcceptAsync(userId, code, "Long-enough-password-1");
        Assert.True(result.Succeeded);
        Assert.Equal(AcceptResult.AwaitingApproval, outcome);
        Assert.False((await members.AcceptAsync(userId, code, "Long-enough-password-2")).Result.Succeeded); // the link works once
        Assert.False(await CanSignInAsync(email, "Long-enough-password-1"));

        await AsAsync(world.Admin, s => s.ApproveAsync(userId));
        Assert.True(await CanSignInAsync(email, "Long-enough-password-1"));
        await using var db = Db.CreateContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, Ct);
        Assert.Equal((world.TenantId, TenantRole.Member, UserStatus.Active, true), (user.TenantId!.Value, user.TenantRole, user.Status, user.EmailConfirmed));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task An_unverified_email_blocks_sign_in_only_when_the_tenant_requires_verification(bool required, bool canSignIn)
    {
        var world = await TestTenants.CreateAsync(Db, "verify", p => p.CompanyRequireEmailVerification = required);
        await using (var db = Db.CreateContext())
            await db.Users.Where(u => u.Id == world.MemberId).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailConfirmed, false), Ct);
        Assert.Equal(canSignIn, await CanSignInAsync(world.Member, TestTenants.Password));
    }

    [Fact]
    public async Task With_auto_approve_an_accepted_invitation_gets_the_default_status()
    {
        var world = await TestTenants.CreateAsync(Db, "auto", p => { p.CompanyAutoApproveMembers = true; p.CompanyDefaultStatus = UserStatus.Active; });
        var email = $"auto-{Guid.NewGuid():N}@example.test";
        var (userId, code) = await InviteAsync(world.Admin, email);
        await using var scope = App.Services.CreateAsyncScope();
        var (_, outcome) = await scope.ServiceProvider.GetRequiredService<MembersService>().AcceptAsync(userId, code, "Auto-approved-pw-1");
        Assert.Equal(AcceptResult.Active, outcome);
        Assert.True(await CanSignInAsync(email, "Auto-approved-pw-1"));
    }

    [Fact]
    public async Task Members_invite_only_when_the_tenant_allows_it_and_never_as_admin()
    {
        var closed = await TestTenants.CreateAsync(Db, "closed");
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(closed.Member, s => s.InviteAsync($"x-{Guid.NewGuid():N}@example.test", TenantRole.Member, Ct)));
        var open = await TestTenants.CreateAsync(Db, "open", p => p.CompanyAllowMemberInvites = true);
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(open.Member, s => s.InviteAsync($"y-{Guid.NewGuid():N}@example.test", TenantRole.Admin, Ct)));
        await InviteAsync(open.Member, $"z-{Guid.NewGuid():N}@example.test");
        await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(open.Admin, s => s.InviteAsync(open.Member, TenantRole.Member, Ct)));
        await Assert.ThrowsAsync<ValidationFailedException>(() => AsAsync(open.Admin, s => s.InviteAsync("not an email", TenantRole.Member, Ct)));
    }

    [Fact]
    public async Task A_tenant_admin_cannot_see_or_touch_another_tenants_members()
    {
        var a = await TestTenants.CreateAsync(Db, "isoa");
        var b = await TestTenants.CreateAsync(Db, "isob");
        await using (var scope = await App.ScopeAsAsync(a.Admin))
        {
            var page = await scope.ServiceProvider.GetRequiredService<MembersService>().ListAsync(0, 50, Ct);
            Assert.Equal([a.Admin, a.Member], page.Rows.Select(r => r.Email).Order());
        }
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(a.Admin, s => s.RemoveAsync(b.MemberId, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(a.Admin, s => s.ApproveAsync(b.MemberId)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(a.Member, s => s.ListAsync(0, 10, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(Demo.Admin, s => s.ListAsync(0, 10, Ct)));
        await AsAsync(a.Admin, s => s.RemoveAsync(a.MemberId, Ct));
        await using var db = Db.CreateContext();
        Assert.True(await db.Users.AnyAsync(u => u.Id == b.MemberId, Ct));
        Assert.False(await db.Users.AnyAsync(u => u.Id == a.MemberId, Ct));
    }

    [Fact]
    public async Task A_lockout_and_a_2fa_reset_mail_the_tenant_admins()
    {
        var world = await TestTenants.CreateAsync(Db, "alert", p => p.MaxLoginAttempts = 3);
        for (var i = 0; i < 3; i++) await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), world.Member, "wrong-" + i);
        var lockout = Assert.Single(Mail.For(world.Admin, App));
        Assert.Contains("locked out", lockout);
        Assert.Contains(world.Member, lockout);

        await using (var db = Db.CreateContext())
            await db.Users.Where(u => u.Id == world.MemberId).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true), Ct);
        await AsAsync(world.Admin, s => s.ResetTwoFactorAsync(world.MemberId));
        Assert.Contains(Mail.For(world.Admin, App), m => m.Contains("two-factor sign-in was reset"));
        await using var check = Db.CreateContext();
        Assert.False(await check.Users.Where(u => u.Id == world.MemberId).Select(u => u.TwoFactorEnabled).SingleAsync(Ct));
    }

    [Fact]
    public async Task No_security_mail_when_the_tenant_did_not_ask_for_it()
    {
        var world = await TestTenants.CreateAsync(Db, "quiet", p => p.MaxLoginAttempts = 3);
        await using (var db = Db.CreateContext())
            await db.TenantConfigs.Where(c => c.TenantId == world.TenantId).ExecuteUpdateAsync(s => s.SetProperty(c => c.NotifyOnSecurityAlerts, false), Ct);
        for (var i = 0; i < 3; i++) await InfraAdminFactory.SignInAsync(App.CreateBrowserClient(), world.Member, "wrong-" + i);
        Assert.Empty(Mail.For(world.Admin, App));
    }
}
