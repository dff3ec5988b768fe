using System.Text.Encodings.Web;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Infrastructure;
using Microsoft.AspNetCore.Identity;
using InfraAdmin.Components.Account;
using Microsoft.EntityFrameworkCore;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Features.Tenants;

public sealed record MemberRow(
    Guid Id, string Email, string? DisplayName, string Role, string Status, bool Accepted, bool TwoFactorEnabled,
    DateTime? LastSignIn, bool LockedOut);

/// <summary>A page of members of <paramref name="TenantId"/> (the caller's tenant: its live page listens to that tenant only).</summary>
public sealed record MemberPage(int Total, IReadOnlyList<MemberRow> Rows, Guid TenantId);

/// <summary>What an accepted invitation led to.</summary>
public enum AcceptResult { Active, AwaitingApproval, Suspended }

/// <summary>
/// A tenant's members and invitations, governed by its company_* policies: members invite only when allowed,
/// an accepted invitation gives the default status when auto-approve is on (else pending until approved), and
/// the emailed link is the email verification (no password, so no sign-in, before it).
/// </summary>
public sealed class MembersService(
    IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, IServiceScopeFactory scopes,
    IAppEmailSender mail, PublicLinks links, TenantNotifications notifications, PermissionStore permissions, TimeProvider clock)
{
    public async Task<MemberPage> ListAsync(int page, int pageSize, CancellationToken ct = default)
    {
        var tenantId = await RequireAdminAsync();
        pageSize = Math.Clamp(pageSize, 1, 200);
        var (total, rows) = await dbFactory.CountAndPageAsync(
            db => Rows(db, tenantId).CountAsync(ct),
            db => Rows(db, tenantId).Skip(Math.Max(0, page) * pageSize).Take(pageSize).ToListAsync(ct),
            ct);
        return new MemberPage(total, rows, tenantId);
    }

    /// <summary>Every member of the caller's tenant, in the list's order, for the CSV export (tenant admin).</summary>
    public async Task<IReadOnlyList<MemberRow>> ExportAsync(CancellationToken ct = default)
    {
        var tenantId = await RequireAdminAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Rows(db, tenantId).Take(Csv.MaxRows).ToListAsync(ct);
    }

    private IQueryable<MemberRow> Rows(InfraAdminDbContext db, Guid tenantId)
    {
        var now = clock.GetUtcNow();
        return db.Users.AsNoTracking().Where(u => u.TenantId == tenantId)
            .OrderBy(u => u.Status == UserStatus.Pending ? 0 : 1).ThenBy(u => u.Email)
            .Select(u => new MemberRow(u.Id, u.Email!, u.DisplayName, u.TenantRole ?? TenantRole.Member, u.Status, u.EmailConfirmed,
                u.TwoFactorEnabled, u.LastSignIn, u.LockoutEnd != null && u.LockoutEnd > now));
    }

    /// <summary>Whether the caller may invite, and as which roles.</summary>
    public async Task<IReadOnlyList<string>> InvitableRolesAsync()
    {
        var access = await currentUser.GetAccessAsync();
        if (access.IsTenantAdmin) return TenantRole.All;
        return access.IsTenantUser && await MembersMayInviteAsync(access.TenantId!.Value) ? [TenantRole.Member] : [];
    }

    /// <summary>Creates the invited user (pending, no password) and mails them the link to accept.</summary>
    public async Task InviteAsync(string email, string role, CancellationToken ct = default)
    {
        var access = await currentUser.GetAccessAsync();
        var roles = await InvitableRolesAsync();
        if (roles.Count == 0) throw new PermissionDeniedException("You may not invite people to this tenant.");
        if (!roles.Contains(role)) throw new PermissionDeniedException("Only the tenant's admin can invite another admin.");
        email = email.Trim();
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        if (!TenantRules.IsEmail(email)) throw ValidationFailedException.For("Email", "Enter a valid email address.");
        if (await users.FindByEmailAsync(email) is not null)
            throw ValidationFailedException.For("Email", "Someone with this email already has an account.");
        var user = new AppUser
        {
            UserName = email, Email = email, EmailConfirmed = false, LockoutEnabled = true, TenantId = access.TenantId,
            TenantRole = role, Status = UserStatus.Pending, DisplayName = email, Created = clock.GetUtcNow().UtcDateTime,
        };
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
            throw ValidationFailedException.For("Email", string.Join(" ", created.Errors.Select(e => e.Description)));
        await SendInvitationAsync(users, user, ct);
    }

    /// <summary>
    /// Mails a new invitation link to someone invited who has not accepted yet (tenant admin). The earlier links stop
    /// working: the security stamp changes, and the link is a password-reset token bound to it.
    /// </summary>
    public async Task ResendInviteAsync(Guid userId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await MemberOfMyTenantAsync(users, userId);
        if (user.EmailConfirmed) throw new RefusedException("This person has already accepted the invitation.");
        await users.UpdateSecurityStampAsync(user);
        await SendInvitationAsync(users, user, ct);
    }

    private async Task SendInvitationAsync(UserManager<AppUser> users, AppUser user, CancellationToken ct)
    {
        var token = AccountLinkCode.Encode(await users.GeneratePasswordResetTokenAsync(user));
        var link = links.To("tenant/accept-invite", new Dictionary<string, string?> { ["userId"] = user.Id.ToString(), ["code"] = token });
        var tenantName = await TenantNameAsync(user.TenantId!.Value, ct);
        await mail.SendAsync(user.Email!, $"You are invited to {tenantName} on InfraAdmin",
            $"<p>You have been invited to <strong>{HtmlEncoder.Default.Encode(tenantName)}</strong>.</p>" +
            $"<p><a href='{HtmlEncoder.Default.Encode(link)}'>Accept the invitation and choose a password</a></p>" +
            "<p>Following the link also confirms your email address. It works once and expires in a day.</p>", ct);
    }

    /// <summary>The email an invitation link is for while the link is good; null for any other link (the page then says it is invalid).</summary>
    public async Task<string?> InvitedEmailAsync(string? userId, string? code)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await InvitationAsync(Users(scope), userId, code) is { } link ? link.User.Email : null;
    }

    /// <summary>Accepts an invitation: checks the token, sets the password (the tenant's rules), confirms the email, applies the policies.</summary>
    public async Task<(IdentityResult Result, AcceptResult? Outcome)> AcceptAsync(Guid userId, string code, string password)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var invalid = IdentityResult.Failed(new IdentityError { Code = nameof(IdentityErrorDescriber.InvalidToken), Description = "This invitation link is not valid any more. Ask for a new invitation." });
        if (await InvitationAsync(users, userId.ToString(), code) is not { } link) return (invalid, null);
        var (user, token) = link;
        var result = await users.ResetPasswordAsync(user, token, password);
        if (!result.Succeeded)
            return (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken)) ? invalid : result, null);
        var policies = await PoliciesAsync(user.TenantId!.Value);
        user.EmailConfirmed = true;
        user.Status = policies.AutoApprove ? policies.DefaultStatus : UserStatus.Pending;
        await users.UpdateAsync(user);
        return (IdentityResult.Success, user.Status switch
        {
            UserStatus.Active => AcceptResult.Active,
            UserStatus.Suspended => AcceptResult.Suspended,
            _ => AcceptResult.AwaitingApproval,
        });
    }

    public async Task ApproveAsync(Guid userId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await MemberOfMyTenantAsync(users, userId);
        if (!user.EmailConfirmed) throw new RefusedException("This person has not accepted the invitation yet.");
        user.Status = UserStatus.Active;
        await UpdateAsync(users, user);
    }

    public async Task SuspendAsync(Guid userId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await MemberOfMyTenantAsync(users, userId, notSelf: true);
        user.Status = UserStatus.Suspended;
        await UpdateAsync(users, user);
        await users.UpdateSecurityStampAsync(user);
    }

    /// <summary>Removes a member (not an admin, not oneself) and their preferences.</summary>
    public async Task RemoveAsync(Guid userId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await MemberOfMyTenantAsync(users, userId, notSelf: true);
        if (user.TenantRole == TenantRole.Admin) throw new RefusedException("Admins cannot be removed here.");
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var prefs = await db.UserPreferences.Where(p => p.UserId == userId).ToListAsync(ct);
            db.UserPreferences.RemoveRange(prefs);
            db.AuditAction = AuditActions.TenantMemberRemove;
            await db.SaveChangesAsync(ct);
        }
        var result = await users.DeleteAsync(user);
        if (!result.Succeeded) throw new RefusedException(string.Join(" ", result.Errors.Select(e => e.Description)));
        permissions.Invalidate(userId);
    }

    /// <summary>Turns a member's 2FA off and forgets their authenticator key; the admins get a security alert.</summary>
    public async Task ResetTwoFactorAsync(Guid userId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await MemberOfMyTenantAsync(users, userId);
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await notifications.SecurityAlertAsync(user.TenantId!.Value, "two-factor sign-in was reset", user);
    }

    private async Task UpdateAsync(UserManager<AppUser> users, AppUser user)
    {
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded) throw new StaleEditException();
        permissions.Invalidate(user.Id);
    }

    private async Task<AppUser> MemberOfMyTenantAsync(UserManager<AppUser> users, Guid userId, bool notSelf = false)
    {
        var tenantId = await RequireAdminAsync();
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null || user.TenantId != tenantId) throw new PermissionDeniedException("This person is not a member of your tenant.");
        if (notSelf && user.Id == await currentUser.GetUserIdAsync()) throw new RefusedException("You cannot do this to your own account.");
        return user;
    }

    // A fresh UserManager (and DbContext) per operation: the circuit's scoped one would track stale users.
    private static UserManager<AppUser> Users(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();

    private async Task<Guid> RequireAdminAsync()
    {
        var access = await currentUser.GetAccessAsync();
        if (!access.IsTenantAdmin) throw new PermissionDeniedException("Only your tenant's admin can manage members.");
        return access.TenantId!.Value;
    }

    private async Task<bool> MembersMayInviteAsync(Guid tenantId) => (await PoliciesAsync(tenantId)).AllowMemberInvites;

    private async Task<(bool AllowMemberInvites, bool AutoApprove, string DefaultStatus)> PoliciesAsync(Guid tenantId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var p = await db.TenantPolicies.AsNoTracking().FirstOrDefaultAsync(x => x.TenantId == tenantId);
        return (p?.CompanyAllowMemberInvites ?? true, p?.CompanyAutoApproveMembers ?? false,
            UserStatus.All.Contains(p?.CompanyDefaultStatus) ? p!.CompanyDefaultStatus! : UserStatus.Active);
    }

    /// <summary>A good invitation link: a tenant's user who has not accepted yet (accepting confirms the email), with their token.</summary>
    private static async Task<(AppUser User, string Token)?> InvitationAsync(UserManager<AppUser> users, string? userId, string? code) =>
        await AccountLinkCode.FindPasswordLinkAsync(users, userId, code) is { User: { TenantId: not null, EmailConfirmed: false } } link ? link : null;

    private async Task<string> TenantNameAsync(Guid tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).SingleAsync(ct);
    }
}
