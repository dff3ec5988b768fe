using InfraAdmin.Data;
using System.Text;
using System.Text.RegularExpressions;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Staff;
using InfraAdmin.Tests.Integration.Tenants;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Staff;

/// <summary>Staff members: add, invite, role changes, notes, unlock, reset, remove, "why?", with every guard and bad input.</summary>
public sealed class StaffServiceTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private const int SupportRole = 4, SuperAdminRole = 1;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<T> AsAsync<T>(string email, Func<StaffService, Task<T>> action)
    {
        await using var scope = await App.ScopeAsAsync(email);
        return await action(scope.ServiceProvider.GetRequiredService<StaffService>());
    }

    private Task AsAsync(string email, Func<StaffService, Task> action) => AsAsync(email, async s => { await action(s); return true; });

    [Fact]
    public async Task An_existing_user_is_added_once_and_listed_with_their_role()
    {
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "existing");
        await AsAsync(Demo.Admin, s => s.AddExistingAsync(" " + email.ToUpperInvariant() + " ", SupportRole, "Night shift", Ct));

        var page = await AsAsync(Demo.Admin, s => s.ListAsync(new StaffQuery(Search: email[..12]), Ct));
        var row = Assert.Single(page.Rows);
        Assert.Equal((id, "Support", "Night shift", false), (row.UserId, row.RoleName, row.Notes, row.Locked));
        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.AddExistingAsync(email, SupportRole, null, Ct)));
        Assert.Contains("already a staff member", ex.Message);
        await using var db = Db.CreateContext();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "staff.add" && a.EntityType == "staff_members" && a.EntityId == id.ToString(), Ct));
    }

    [Theory]
    [InlineData("nobody-here@test.local", "No user has the email")]
    [InlineData("not an email", "is not a valid email address")]
    [InlineData("", "Enter an email address")]
    [InlineData(Demo.AcmeMember, "belongs to a tenant")]
    public async Task Adding_refuses_bad_emails_and_tenant_users(string email, string message)
    {
        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.AddExistingAsync(email, SupportRole, null, Ct)));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public async Task An_invite_creates_a_user_without_password_and_mails_a_working_set_password_link()
    {
        var email = $"invitee-{Guid.NewGuid():N}@test.local";
        await AsAsync(Demo.Admin, s => s.InviteAsync(email, "New Person", SupportRole, null, Ct));

        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByEmailAsync(email);
        Assert.NotNull(user);
        Assert.False(await users.HasPasswordAsync(user), "nothing can sign in before the invitee sets a password");
        var token = SetPasswordToken(await MailToAsync(email), user.Id);
        Assert.True((await users.ResetPasswordAsync(user, token, "Invited-Person-Password-1")).Succeeded);
        Assert.True(await users.CheckPasswordAsync((await users.FindByEmailAsync(email))!, "Invited-Person-Password-1"));

        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.InviteAsync(email, null, SupportRole, null, Ct)));
        Assert.Contains("already has an account", ex.Message);
    }

    [Fact]
    public async Task A_password_reset_mail_is_sent_and_audited()
    {
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "reset", SupportRole);
        await AsAsync(Demo.Admin, s => s.SendPasswordResetAsync(id, Ct));
        Assert.NotEmpty(SetPasswordToken(await MailToAsync(email), id));
        await using var db = Db.CreateContext();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "staff.password_reset_sent" && a.EntityId == id.ToString(), Ct));
    }

    [Fact]
    public async Task Unlock_ends_the_lockout_and_is_audited()
    {
        var (id, _) = await StaffTestUsers.CreateUserAsync(App, "locked", SupportRole);
        await using (var db = Db.CreateContext())
        {
            await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(u => u
                .SetProperty(x => x.LockoutEnd, DateTimeOffset.UtcNow.AddMinutes(15)).SetProperty(x => x.AccessFailedCount, 3), Ct);
        }
        Assert.True((await AsAsync(Demo.Admin, s => s.GetAsync(id, Ct)))!.Locked);

        await AsAsync(Demo.Admin, s => s.UnlockAsync(id, Ct));
        await using var check = Db.CreateContext();
        var user = await check.Users.SingleAsync(u => u.Id == id, Ct);
        Assert.Null(user.LockoutEnd);
        Assert.Equal(0, user.AccessFailedCount);
        Assert.False((await AsAsync(Demo.Admin, s => s.GetAsync(id, Ct)))!.Locked);
        Assert.True(await check.AuditLog.AnyAsync(a => a.Action == "staff.unlock" && a.EntityId == id.ToString() && a.ActorName != null, Ct));
    }

    [Fact]
    public async Task Role_changes_and_notes_refuse_stale_versions()
    {
        var (id, _) = await StaffTestUsers.CreateUserAsync(App, "stale", SupportRole);
        var seen = await StaffTestUsers.StaffVersionAsync(Db, id);
        await AsAsync(Demo.Admin, s => s.UpdateNotesAsync(id, "first", seen, Ct));

        OperationException ex = await Assert.ThrowsAsync<StaleEditException>(() => AsAsync(Demo.Admin, s => s.ChangeRoleAsync(id, 3, seen, Ct)));
        Assert.True(ex.IsStale);
        ex = await Assert.ThrowsAsync<StaleEditException>(() => AsAsync(Demo.Admin, s => s.UpdateNotesAsync(id, "second", seen, Ct)));
        Assert.True(ex.IsStale);
        var row = (await AsAsync(Demo.Admin, s => s.GetAsync(id, Ct)))!;
        Assert.Equal(("first", (int?)SupportRole), (row.Notes, row.RoleId));

        await AsAsync(Demo.Admin, s => s.ChangeRoleAsync(id, 3, row.Version, Ct));
        Assert.Equal("Executive", (await AsAsync(Demo.Admin, s => s.GetAsync(id, Ct)))!.RoleName);
        ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.UpdateNotesAsync(id, new string('n', 1001), row.Version, Ct)));
        Assert.Contains("at most 1000", ex.Message);
    }

    [Fact]
    public async Task The_last_holder_of_staff_manage_cannot_be_demoted_or_removed()
    {
        var adminId = await StaffTestUsers.IdOfAsync(Db, Demo.Admin);
        var version = await StaffTestUsers.StaffVersionAsync(Db, adminId);
        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.ChangeRoleAsync(adminId, SupportRole, version, Ct)));
        Assert.Contains("leave nobody with the staff.manage permission", ex.Message);
        ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(Demo.Admin, s => s.RemoveAsync(adminId, version, Ct)));
        Assert.Contains("leave nobody with the staff.manage permission", ex.Message);
        Assert.Equal("Super Admin", (await AsAsync(Demo.Admin, s => s.GetAsync(adminId, Ct)))!.RoleName);
    }

    [Fact]
    public async Task Nobody_demotes_or_removes_themselves_out_of_staff_manage()
    {
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "second-admin", SuperAdminRole);
        var version = await StaffTestUsers.StaffVersionAsync(Db, id);
        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(email, s => s.ChangeRoleAsync(id, SupportRole, version, Ct)));
        Assert.Contains("You cannot remove your own staff.manage", ex.Message);
        ex = await Assert.ThrowsAsync<RefusedException>(() => AsAsync(email, s => s.RemoveAsync(id, version, Ct)));
        Assert.Contains("You cannot remove your own staff.manage", ex.Message);

        // Someone else may: the admin demotes the second admin.
        await AsAsync(Demo.Admin, s => s.ChangeRoleAsync(id, SupportRole, version, Ct));
        Assert.Equal("Support", (await AsAsync(Demo.Admin, s => s.GetAsync(id, Ct)))!.RoleName);
    }

    [Fact]
    public async Task Removing_a_member_ends_their_sign_ins_and_staff_access()
    {
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, "leaver", SupportRole);
        var client = await App.SignedInClientAsync(email, StaffTestUsers.Password);
        string stampBefore;
        await using (var db = Db.CreateContext()) stampBefore = (await db.Users.SingleAsync(u => u.Id == id, Ct)).SecurityStamp!;

        var version = await StaffTestUsers.StaffVersionAsync(Db, id);
        await AsAsync(Demo.Admin, s => s.RemoveAsync(id, version, Ct));
        await using var check = Db.CreateContext();
        Assert.False(await check.StaffMembers.AnyAsync(s => s.UserId == id, Ct));
        Assert.NotEqual(stampBefore, (await check.Users.SingleAsync(u => u.Id == id, Ct)).SecurityStamp);
        Assert.True(await check.AuditLog.AnyAsync(a => a.Action == "staff.remove" && a.EntityId == id.ToString(), Ct));
        var response = await client.GetAsync("/ip-reputation", Ct);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        // Their sign-in has ended (the server-side session), not merely lost its permissions.
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Why_explains_through_which_role_or_why_not()
    {
        var ops = await StaffTestUsers.IdOfAsync(Db, Demo.Ops);
        var support = await StaffTestUsers.IdOfAsync(Db, Demo.Support);
        var tenantUser = await StaffTestUsers.IdOfAsync(Db, Demo.AcmeMember);

        var yes = await AsAsync(Demo.Admin, s => s.WhyAsync(ops, Permissions.Audit.View, Ct));
        Assert.Equal((true, $"Yes: {Demo.Ops} has audit.view through the role 'Infrastructure Operator'."), (yes.Has, yes.Explanation));
        var no = await AsAsync(Demo.Admin, s => s.WhyAsync(support, Permissions.Audit.View, Ct));
        Assert.Equal((false, $"No: {Demo.Support}'s role 'Support' does not grant audit.view."), (no.Has, no.Explanation));
        var notStaff = await AsAsync(Demo.Admin, s => s.WhyAsync(tenantUser, Permissions.Ip.View, Ct));
        Assert.False(notStaff.Has);
        Assert.Contains("not a staff member", notStaff.Explanation);
    }

    [Fact]
    public async Task Changes_need_staff_manage()
    {
        var (id, _) = await StaffTestUsers.CreateUserAsync(App, "target", SupportRole);
        var version = await StaffTestUsers.StaffVersionAsync(Db, id);
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(Demo.Ops, s => s.ChangeRoleAsync(id, SuperAdminRole, version, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(Demo.Ops, s => s.RemoveAsync(id, version, Ct)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => AsAsync(Demo.Support, s => s.ListAsync(new StaffQuery(), Ct)));
    }

    [Fact]
    public async Task The_list_filters_by_role_and_sorts_in_the_database()
    {
        var page = await AsAsync(Demo.Admin, s => s.ListAsync(new StaffQuery(RoleId: 2), Ct));
        Assert.All(page.Rows, r => Assert.Equal("Infrastructure Operator", r.RoleName));
        Assert.Contains(page.Rows, r => r.Email == Demo.Ops);
        var ascending = await AsAsync(Demo.Admin, s => s.ListAsync(new StaffQuery(SortBy: StaffSort.Email, PageSize: 200), Ct));
        var descending = await AsAsync(Demo.Admin, s => s.ListAsync(new StaffQuery(SortBy: StaffSort.Email, Descending: true, PageSize: 200), Ct));
        Assert.True(ascending.Rows.Count >= 4);
        Assert.Equal(ascending.Rows.Select(r => r.Email).Reverse(), descending.Rows.Select(r => r.Email));
    }

    /// <summary>
    /// The token in a mail's link, which must be the set-password page of <paramref name="userId"/> on the configured
    /// public address (the page shows whose account it is, so the email is not typed again).
    /// </summary>
    private static string SetPasswordToken(string mail, Guid userId)
    {
        var link = new Uri(MailFiles.FirstLink(mail));
        Assert.Equal(InfraAdminFactory.PublicUrl + "Account/SetPassword", link.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(link.Query);
        Assert.Equal(userId.ToString(), query["userId"].ToString());
        return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(query["code"].ToString()));
    }

    /// <summary>The newest mail to <paramref name="to"/> in the pickup folder, quoted-printable decoded.</summary>
    private async Task<string> MailToAsync(string to)
    {
        var folder = Path.Combine(Path.GetTempPath(), "infraadmin-test-mail", Db.Name);
        foreach (var file in Directory.GetFiles(folder, "*.eml").OrderByDescending(File.GetLastWriteTimeUtc))
        {
            var text = await File.ReadAllTextAsync(file, Ct);
            if (!text.Contains(to, StringComparison.OrdinalIgnoreCase)) continue;
            text = text.Replace("=\r\n", "").Replace("=\n", "");
            return Regex.Replace(text, "=([0-9A-F]{2})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());
        }
        throw new InvalidOperationException($"No mail to {to} in {folder}");
    }
}
