using System.Security.Cryptography;
using System.Text;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Features.Staff;

/// <summary>Staff roles and the permission matrix: read with staff.view, changed with staff.manage.</summary>
public sealed class RoleService(IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, PermissionStore store, TimeProvider clock)
{
    public async Task<IReadOnlyList<RoleSummary>> ListAsync(CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Staff.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Summaries(db, db.StaffRoles.OrderBy(r => r.Name)).ToListAsync(ct);
    }

    public async Task<RoleDetail?> GetAsync(int id, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Staff.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var role = await db.StaffRoles.AsNoTracking().Where(r => r.Id == id)
            .Select(r => new { r.Id, r.Name, r.Description, r.Version }).FirstOrDefaultAsync(ct);
        if (role is null) return null;
        var granted = await db.StaffRolePermissions.AsNoTracking().Where(rp => rp.RoleId == id)
            .Select(rp => rp.Permission!.Name!).ToListAsync(ct);
        var members = await db.StaffMembers.AsNoTracking().Where(s => s.RoleId == id).OrderBy(s => s.User!.Email)
            .Select(s => new RoleMember(s.UserId, s.User!.Email ?? "", s.User.DisplayName)).ToListAsync(ct);
        var ordered = Permissions.All.Select(p => p.Name).Where(granted.Contains).ToList();
        return new RoleDetail(role.Id, role.Name ?? "", role.Description, role.Version, ordered, members);
    }

    public async Task<int> CreateAsync(string? name, string? description, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Staff.Manage);
        var cleanName = StaffAccess.CleanRoleName(name);
        var cleanDescription = StaffAccess.CleanText(description, StaffAccess.MaxDescription, "A description");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await StaffAccess.ChangeAsync(db, store, async () =>
        {
            await EnsureNameFreeAsync(db, cleanName, null, ct);
            // staff_roles.id has no default: the next id is allocated under the staff lock, so two creations cannot collide.
            var id = (await db.StaffRoles.MaxAsync(r => (int?)r.Id, ct) ?? 0) + 1;
            db.StaffRoles.Add(new StaffRole { Id = id, Name = cleanName, Description = cleanDescription });
            db.AuditAction = AuditActions.StaffRoleCreate;
            await db.SaveChangesAsync(ct);
            return id;
        }, ct);
    }

    /// <summary>Renames and re-describes a role, refusing it when someone changed the role since <paramref name="seenVersion"/>.</summary>
    public async Task UpdateAsync(int id, string? name, string? description, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Staff.Manage);
        var cleanName = StaffAccess.CleanRoleName(name);
        var cleanDescription = StaffAccess.CleanText(description, StaffAccess.MaxDescription, "A description");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await StaffAccess.ChangeAsync(db, store, async () =>
        {
            var role = await FindAsync(db, id, seenVersion, ct);
            await EnsureNameFreeAsync(db, cleanName, id, ct);
            role.Name = cleanName;
            role.Description = cleanDescription;
            db.AuditAction = AuditActions.StaffRoleUpdate;
            await db.SaveOrStaleAsync(ct, StaleMessage);
            return true;
        }, ct);
    }

    /// <summary>Deletes a role and its grants; refused while anyone has the role.</summary>
    public async Task DeleteAsync(int id, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Staff.Manage);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await StaffAccess.ChangeAsync(db, store, async () =>
        {
            var role = await FindAsync(db, id, seenVersion, ct);
            var members = await db.StaffMembers.CountAsync(s => s.RoleId == id, ct);
            if (members > 0)
                throw new RefusedException($"The role '{role.Name}' still has {members} member{(members == 1 ? "" : "s")}. Give them another role first.");
            db.StaffRolePermissions.RemoveRange(await db.StaffRolePermissions.Where(rp => rp.RoleId == id).ToListAsync(ct));
            db.StaffRoles.Remove(role);
            db.AuditAction = AuditActions.StaffRoleDelete;
            await db.SaveOrStaleAsync(ct, StaleMessage);
            return true;
        }, ct);
    }

    public async Task<PermissionMatrix> GetMatrixAsync(CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Staff.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LoadMatrixAsync(db, ct);
    }

    /// <summary>
    /// Saves the pending changes of the matrix together, in one transaction. Refused as a whole when the matrix changed
    /// since it was loaded (<paramref name="stamp"/>), when a change names an unknown role or permission, or when it would take
    /// staff.manage from the caller or from the last member holding it. Returns the matrix as saved.
    /// </summary>
    public async Task<PermissionMatrix> SaveMatrixAsync(string stamp, IReadOnlyList<MatrixChange> changes, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Staff.Manage);
        var callerId = await StaffAccess.CallerIdAsync(currentUser);
        var ids = Permissions.All.ToDictionary(p => p.Name, p => p.Id, StringComparer.Ordinal);
        foreach (var c in changes.Where(c => !ids.ContainsKey(c.Permission)))
            throw new RefusedException($"'{c.Permission}' is not a permission of the catalog.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await StaffAccess.ChangeAsync(db, store, async () =>
        {
            var current = await LoadMatrixAsync(db, ct);
            if (current.Stamp != stamp)
                throw new StaleEditException("Someone else changed roles or permissions since you opened the matrix. Reload it to see their changes; yours are kept as pending.");
            var real = changes.Where(c => current.Roles.Any(r => r.Id == c.RoleId) ? current.IsGranted(c.RoleId, c.Permission) != c.Grant
                : throw new StaleEditException($"The role '{c.RoleName}' no longer exists. Reload the matrix.")).ToList();
            if (real.Count == 0) return current;

            var manageRoles = await StaffAccess.ManageRolesAsync(db, ct);
            foreach (var c in real.Where(c => c.Permission == Permissions.Staff.Manage))
                if (c.Grant) manageRoles.Add(c.RoleId); else manageRoles.Remove(c.RoleId);
            await StaffAccess.EnsureManageSurvivesAsync(db, callerId, manageRoles, null, ct);

            var grants = real.Where(c => c.Grant).ToList();
            if (grants.Count > 0)
            {
                db.StaffRolePermissions.AddRange(grants.Select(c => new StaffRolePermission { RoleId = c.RoleId, PermissionId = ids[c.Permission] }));
                db.AuditAction = AuditActions.StaffPermissionGrant;
                await db.SaveChangesAsync(ct);
            }
            var revokes = real.Where(c => !c.Grant).Select(c => (c.RoleId, PermissionId: ids[c.Permission])).ToList();
            if (revokes.Count > 0)
            {
                foreach (var (roleId, permissionId) in revokes)
                    db.StaffRolePermissions.Remove(await db.StaffRolePermissions.SingleAsync(rp => rp.RoleId == roleId && rp.PermissionId == permissionId, ct));
                db.AuditAction = AuditActions.StaffPermissionRevoke;
                await db.SaveChangesAsync(ct);
            }
            return await LoadMatrixAsync(db, ct);
        }, ct);
    }

    /// <summary>"Who can?": every role granting <paramref name="permission"/> and every staff member holding it through their role.</summary>
    public async Task<WhoCanAnswer> WhoCanAsync(string permission, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Staff.View);
        if (!Permissions.Names.Contains(permission)) throw new RefusedException($"'{permission}' is not a permission of the catalog.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var roleIds = db.StaffRolePermissions.Where(rp => rp.Permission!.Name == permission).Select(rp => rp.RoleId);
        var roles = await Summaries(db, db.StaffRoles.Where(r => roleIds.Contains(r.Id)).OrderBy(r => r.Name)).ToListAsync(ct);
        var members = await StaffService.Project(db.StaffMembers.AsNoTracking()
            .Where(s => s.RoleId != null && roleIds.Contains(s.RoleId.Value))
            .OrderBy(s => s.User!.Email), clock.GetUtcNow()).ToListAsync(ct);
        return new WhoCanAnswer(permission, roles, members);
    }

    private static IQueryable<RoleSummary> Summaries(InfraAdminDbContext db, IQueryable<StaffRole> roles) =>
        roles.AsNoTracking().Select(r => new RoleSummary(
            r.Id, r.Name ?? "", r.Description,
            db.StaffMembers.Count(s => s.RoleId == r.Id),
            db.StaffRolePermissions.Count(rp => rp.RoleId == r.Id),
            r.Version));

    private static async Task<PermissionMatrix> LoadMatrixAsync(InfraAdminDbContext db, CancellationToken ct)
    {
        var roles = await db.StaffRoles.AsNoTracking().OrderBy(r => r.Name).Select(r => new { r.Id, r.Name }).ToListAsync(ct);
        var grants = await db.StaffRolePermissions.AsNoTracking()
            .OrderBy(rp => rp.RoleId).ThenBy(rp => rp.PermissionId)
            .Select(rp => new { rp.RoleId, Name = rp.Permission!.Name! }).ToListAsync(ct);
        var matrixRoles = roles.Select(r => new MatrixRole(r.Id, r.Name ?? "",
            grants.Where(g => g.RoleId == r.Id).Select(g => g.Name).ToHashSet(StringComparer.Ordinal))).ToList();
        var text = string.Join(";", roles.OrderBy(r => r.Id).Select(r => $"{r.Id}={r.Name}")) + "|" +
                   string.Join(";", grants.Select(g => $"{g.RoleId}:{g.Name}"));
        return new PermissionMatrix(matrixRoles, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16]);
    }

    private static Task<StaffRole> FindAsync(InfraAdminDbContext db, int id, uint seenVersion, CancellationToken ct) =>
        db.FindVersionedAsync<StaffRole>(r => r.Id == id, seenVersion, "This role no longer exists: someone deleted it. Go back to the roles list.", ct, StaleMessage);

    private static async Task EnsureNameFreeAsync(InfraAdminDbContext db, string name, int? exceptId, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        var clash = await db.StaffRoles.AsNoTracking()
            .Where(r => r.Name!.ToLower() == lower && r.Id != exceptId).Select(r => r.Name).FirstOrDefaultAsync(ct);
        if (clash is not null) throw new RefusedException($"A role named '{clash}' already exists (names are compared without regard to case).");
    }

    private const string StaleMessage = "Someone else changed this role since you opened it. Reload to see their version; your edits were not saved.";
}
