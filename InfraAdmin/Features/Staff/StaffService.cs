using System.Text.Encodings.Web;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Data;
using InfraAdmin.Infrastructure;
using Microsoft.AspNetCore.Identity;
using InfraAdmin.Components.Account;
using Microsoft.EntityFrameworkCore;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Features.Staff;

/// <summary>
/// Staff members: list (staff.view); add, invite, change role, notes, unlock, password reset, remove (staff.manage).
/// Identity work runs on a <see cref="UserManager{TUser}"/> from a fresh scope per operation, never the circuit's.
/// </summary>
public sealed class StaffService(
    IDbContextFactory<InfraAdminDbContext> dbFactory,
    CurrentUser currentUser,
    PermissionStore store,
    IServiceScopeFactory scopeFactory,
    IAppEmailSender mail,
    PublicLinks links,
    TimeProvider clock)
{
    public async Task<StaffResults> ListAsync(StaffQuery query, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Staff.View);
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var (total, page) = await dbFactory.CountAndPageAsync(
            db => Filter(db, query).CountAsync(ct),
            db => Project(Sort(Filter(db, query), query.SortBy, query.Descending)
                .Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize), clock.GetUtcNow()).ToListAsync(ct),
            ct);
        return new StaffResults(total, page);
    }

    /// <summary>Every staff member the list's search and role filter find, in its order, for the CSV export.</summary>
    public async Task<IReadOnlyList<StaffRow>> ExportAsync(StaffQuery query, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Staff.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Project(Sort(Filter(db, query), query.SortBy, query.Descending).Take(Csv.MaxRows), clock.GetUtcNow()).ToListAsync(ct);
    }

    private static IQueryable<StaffMember> Filter(InfraAdminDbContext db, StaffQuery query)
    {
        var rows = db.StaffMembers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = SqlLike.Containing(query.Search);
            rows = rows.Where(r => EF.Functions.ILike(r.User!.Email!, pattern) || (r.User.DisplayName != null && EF.Functions.ILike(r.User.DisplayName, pattern)));
        }
        if (query.RoleId is { } roleId) rows = rows.Where(r => r.RoleId == roleId);
        return rows;
    }

    public async Task<StaffRow?> GetAsync(Guid userId, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Staff.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Project(db.StaffMembers.AsNoTracking().Where(s => s.UserId == userId), clock.GetUtcNow()).FirstOrDefaultAsync(ct);
    }

    public async Task<IReadOnlyList<StaffRow>> AllAsync(CancellationToken ct = default) =>
        (await ListAsync(new StaffQuery(PageSize: 200), ct)).Rows;

    /// <summary>Makes an existing user (not of a tenant) a staff member with <paramref name="roleId"/>.</summary>
    public async Task AddExistingAsync(string? email, int roleId, string? notes, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Staff.Manage);
        var normalized = NormalizeEmail(email);
        var cleanNotes = StaffAccess.CleanText(notes, StaffAccess.MaxNotes, "Notes");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await StaffAccess.ChangeAsync(db, store, async () =>
        {
            var user = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized)
                .Select(u => new { u.Id, u.Email, u.TenantId }).FirstOrDefaultAsync(ct)
                ?? throw new RefusedException($"No user has the email '{email!.Trim()}'. Check the address, or invite them instead.");
            if (user.TenantId is not null)
                throw new RefusedException($"{user.Email} belongs to a tenant; tenant accounts cannot be staff. Invite a separate staff address.");
            if (await db.StaffMembers.AnyAsync(s => s.UserId == user.Id, ct))
                throw new RefusedException($"{user.Email} is already a staff member. Change their role in the list instead.");
            await EnsureRoleExistsAsync(db, roleId, ct);
            db.StaffMembers.Add(new StaffMember { UserId = user.Id, RoleId = roleId, Notes = cleanNotes });
            db.AuditAction = AuditActions.StaffAdd;
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
    }

    /// <summary>
    /// Creates a user without a password (nothing can sign in as them yet), makes them staff and mails a link to
    /// set their password (<c>/Account/SetPassword</c>, which shows their email; valid as long as Identity's reset tokens: one day).
    /// </summary>
    public async Task InviteAsync(string? email, string? displayName, int roleId, string? notes, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Staff.Manage);
        var normalized = NormalizeEmail(email);
        var address = email!.Trim();
        var name = StaffAccess.CleanText(displayName, 200, "A name");
        var cleanNotes = StaffAccess.CleanText(notes, StaffAccess.MaxNotes, "Notes");
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<InfraAdminDbContext>();
        var user = await StaffAccess.ChangeAsync(db, store, async () =>
        {
            if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, ct))
                throw new RefusedException($"{address} already has an account. Use 'Add existing user' instead.");
            await EnsureRoleExistsAsync(db, roleId, ct);
            var created = new AppUser { UserName = address, Email = address, EmailConfirmed = true, DisplayName = name, LockoutEnabled = true };
            db.AuditAction = AuditActions.StaffInvite;
            var result = await users.CreateAsync(created);
            if (!result.Succeeded) throw new RefusedException(string.Join(" ", result.Errors.Select(e => e.Description)));
            db.StaffMembers.Add(new StaffMember { UserId = created.Id, RoleId = roleId, Notes = cleanNotes });
            db.AuditAction = AuditActions.StaffAdd;
            await db.SaveChangesAsync(ct);
            return created;
        }, ct);
        var link = await SetPasswordLinkAsync(users, user);
        await mail.SendAsync(address, "You are invited to InfraAdmin",
            $"<p>An administrator added you to the InfraAdmin staff console.</p>" +
            $"<p><a href=\"{HtmlEncoder.Default.Encode(link)}\">Set your password</a> to sign in. The link works for one day; " +
            "ask an administrator for a new one if it has expired.</p>", ct);
    }

    /// <summary>Gives a staff member another role; refused if it would take the last or the caller's own staff.manage.</summary>
    public async Task ChangeRoleAsync(Guid userId, int roleId, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Staff.Manage);
        var callerId = await StaffAccess.CallerIdAsync(currentUser);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await StaffAccess.ChangeAsync(db, store, async () =>
        {
            var member = await FindAsync(db, userId, seenVersion, ct);
            if (member.RoleId == roleId) return true;
            await EnsureRoleExistsAsync(db, roleId, ct);
            await StaffAccess.EnsureManageSurvivesAsync(db, callerId, await StaffAccess.ManageRolesAsync(db, ct), (userId, roleId, false), ct);
            member.RoleId = roleId;
            db.AuditAction = AuditActions.StaffRoleChange;
            await db.SaveOrStaleAsync(ct, StaleMessage);
            return true;
        }, ct);
    }

    public async Task UpdateNotesAsync(Guid userId, string? notes, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Staff.Manage);
        var cleanNotes = StaffAccess.CleanText(notes, StaffAccess.MaxNotes, "Notes");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var member = await FindAsync(db, userId, seenVersion, ct);
        member.Notes = cleanNotes;
        db.AuditAction = AuditActions.StaffNotes;
        await db.SaveOrStaleAsync(ct, StaleMessage);
    }

    /// <summary>Removes the staff membership and changes the security stamp, which ends the user's sign-ins.</summary>
    public async Task RemoveAsync(Guid userId, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Staff.Manage);
        var callerId = await StaffAccess.CallerIdAsync(currentUser);
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<InfraAdminDbContext>();
        await StaffAccess.ChangeAsync(db, store, async () =>
        {
            var member = await FindAsync(db, userId, seenVersion, ct);
            await StaffAccess.EnsureManageSurvivesAsync(db, callerId, await StaffAccess.ManageRolesAsync(db, ct), (userId, null, true), ct);
            db.StaffMembers.Remove(member);
            db.AuditAction = AuditActions.StaffRemove;
            await db.SaveOrStaleAsync(ct, StaleMessage);
            var user = await users.FindByIdAsync(userId.ToString()) ?? throw new NotFoundException("That user no longer exists.");
            db.AuditAction = AuditActions.StaffSessionsEnd;
            await users.UpdateSecurityStampAsync(user);
            return true;
        }, ct);
    }

    /// <summary>Ends a lockout now (instead of after 15 minutes) and clears the failed sign-in count.</summary>
    public async Task UnlockAsync(Guid userId, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Staff.Manage);
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<InfraAdminDbContext>();
        var user = await FindStaffUserAsync(db, users, userId, ct);
        var before = new { lockout_end = user.LockoutEnd, access_failed_count = user.AccessFailedCount };
        var result = await users.SetLockoutEndDateAsync(user, null);
        if (result.Succeeded) result = await users.ResetAccessFailedCountAsync(user);
        if (!result.Succeeded) throw new RefusedException(string.Join(" ", result.Errors.Select(e => e.Description)));
        // Both columns are sign-in bookkeeping, which the interceptor skips: say it explicitly.
        await StaffAccess.AddAuditAsync(db, currentUser, clock, AuditActions.StaffUnlock, "users", userId.ToString(), before,
            new { lockout_end = (DateTimeOffset?)null, access_failed_count = 0 });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Mails the staff member a link to set a new password (the same page as an invitation's: it shows their email).</summary>
    public async Task SendPasswordResetAsync(Guid userId, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Staff.Manage);
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<InfraAdminDbContext>();
        var user = await FindStaffUserAsync(db, users, userId, ct);
        var link = await SetPasswordLinkAsync(users, user);
        await mail.SendAsync(user.Email!, "Reset your InfraAdmin password",
            $"<p>An administrator asked for a password reset for your InfraAdmin account.</p>" +
            $"<p><a href=\"{HtmlEncoder.Default.Encode(link)}\">Choose a new password</a>. The link works for one day.</p>", ct);
        await StaffAccess.AddAuditAsync(db, currentUser, clock, AuditActions.StaffPasswordResetSent, "users", userId.ToString(), null, new { email = user.Email });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>"Why?": whether the staff member has <paramref name="permission"/> now, and through which role.</summary>
    public async Task<WhyAnswer> WhyAsync(Guid userId, string permission, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Staff.View);
        if (!Permissions.Names.Contains(permission)) throw new RefusedException($"'{permission}' is not a permission of the catalog.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var member = await db.StaffMembers.AsNoTracking().Where(s => s.UserId == userId)
            .Select(s => new { s.User!.Email, s.User.Status, RoleName = s.Role!.Name, s.RoleId }).FirstOrDefaultAsync(ct);
        if (member is null) return new WhyAnswer(false, "No: they are not a staff member, so they have no staff permissions.");
        // The same source the authorization handler asks, so the answer is what the app enforces.
        var access = await store.LoadAsync(userId, ct);
        if (member.RoleId is null) return new WhyAnswer(false, $"No: {member.Email} has no role, so no permissions.");
        var roleGrants = access.Permissions.Contains(permission);
        return (roleGrants, access.Has(permission)) switch
        {
            (_, true) => new WhyAnswer(true, $"Yes: {member.Email} has {permission} through the role '{member.RoleName}'."),
            (true, false) => new WhyAnswer(false, $"No: the role '{member.RoleName}' grants {permission}, but the account of {member.Email} is {member.Status}."),
            _ => new WhyAnswer(false, $"No: {member.Email}'s role '{member.RoleName}' does not grant {permission}."),
        };
    }

    internal static IQueryable<StaffRow> Project(IQueryable<StaffMember> members, DateTimeOffset now) =>
        members.Select(s => new StaffRow(
            s.UserId, s.User!.Email ?? "", s.User.DisplayName, s.RoleId, s.Role != null ? s.Role.Name : null, s.Notes,
            s.Created, s.User.LastSignIn, s.User.LockoutEnd != null && s.User.LockoutEnd > now, s.User.Status, s.Version));

    private static IQueryable<StaffMember> Sort(IQueryable<StaffMember> rows, string sortBy, bool descending) => (sortBy, descending) switch
    {
        (StaffSort.Role, false) => rows.OrderBy(r => r.Role!.Name).ThenBy(r => r.User!.Email),
        (StaffSort.Role, true) => rows.OrderByDescending(r => r.Role!.Name).ThenBy(r => r.User!.Email),
        (StaffSort.Added, false) => rows.OrderBy(r => r.Created).ThenBy(r => r.User!.Email),
        (StaffSort.Added, true) => rows.OrderByDescending(r => r.Created).ThenBy(r => r.User!.Email),
        (StaffSort.LastSignIn, false) => rows.OrderBy(r => r.User!.LastSignIn).ThenBy(r => r.User!.Email),
        (StaffSort.LastSignIn, true) => rows.OrderByDescending(r => r.User!.LastSignIn).ThenBy(r => r.User!.Email),
        (_, true) => rows.OrderByDescending(r => r.User!.Email),
        _ => rows.OrderBy(r => r.User!.Email),
    };

    private static string NormalizeEmail(string? email)
    {
        var trimmed = email?.Trim() ?? "";
        if (trimmed.Length == 0) throw new RefusedException("Enter an email address.");
        if (trimmed.Length > 256 || !System.Net.Mail.MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed)
            throw new RefusedException($"'{trimmed}' is not a valid email address.");
        return trimmed.ToUpperInvariant();
    }

    private static async Task EnsureRoleExistsAsync(InfraAdminDbContext db, int roleId, CancellationToken ct)
    {
        if (!await db.StaffRoles.AnyAsync(r => r.Id == roleId, ct))
            throw new NotFoundException("That role no longer exists. Reload and pick another.");
    }

    private static Task<StaffMember> FindAsync(InfraAdminDbContext db, Guid userId, uint seenVersion, CancellationToken ct) =>
        db.FindVersionedAsync<StaffMember>(s => s.UserId == userId, seenVersion,
            "This person is no longer a staff member: someone removed them. Reload the list.", ct, StaleMessage);

    private static async Task<AppUser> FindStaffUserAsync(InfraAdminDbContext db, UserManager<AppUser> users, Guid userId, CancellationToken ct)
    {
        if (!await db.StaffMembers.AnyAsync(s => s.UserId == userId, ct))
            throw new RefusedException("This person is not a staff member. Reload the list.");
        return await users.FindByIdAsync(userId.ToString()) ?? throw new NotFoundException("That user no longer exists.");
    }

    private async Task<string> SetPasswordLinkAsync(UserManager<AppUser> users, AppUser user) =>
        links.To("Account/SetPassword", new Dictionary<string, string?>
        {
            ["userId"] = user.Id.ToString(), ["code"] = AccountLinkCode.Encode(await users.GeneratePasswordResetTokenAsync(user)),
        });

    private const string StaleMessage = "Someone else changed this staff member since you loaded the list. Reload to see their version; your change was not saved.";
}
