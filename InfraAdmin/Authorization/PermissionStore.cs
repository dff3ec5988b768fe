using System.Collections.Concurrent;
using InfraAdmin.Data;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Authorization;

/// <summary>
/// What a user may do, read from <c>staff_members</c> → <c>staff_role_permissions</c> and the user's tenant role.
/// Cached per user for a few seconds; a change through this app clears the cache at once on every
/// instance (<see cref="AccessChangeListener"/> relays it over PostgreSQL NOTIFY).
/// </summary>
public sealed class PermissionStore(IDbContextFactory<InfraAdminDbContext> dbFactory, Features.Platform.SystemSettings settings, TimeProvider clock)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, (UserAccess Access, DateTimeOffset Expires)> _cache = new();
    private long _generation;

    /// <summary>Grows every time the cache is invalidated; open pages compare it to notice a change.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public async Task<UserAccess> GetAsync(Guid userId, CancellationToken ct = default)
    {
        if (_cache.TryGetValue(userId, out var hit) && hit.Expires > clock.GetUtcNow()) return hit.Access;
        var access = await LoadAsync(userId, ct);
        _cache[userId] = (access, clock.GetUtcNow() + CacheLifetime);
        return access;
    }

    /// <summary>Reads straight from the database, bypassing the cache: for actions that must be refused at once.</summary>
    public async Task<UserAccess> LoadAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One round trip: the user, their staff role and the role's permission names.
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new
            {
                u.TenantId, u.TenantRole, u.Status, u.TwoFactorEnabled,
                TenantRequires2fa = db.TenantPolicies.Where(p => p.TenantId == u.TenantId).Select(p => p.TwoFactorRequired ?? false).FirstOrDefault(),
                Staff = db.StaffMembers.Where(s => s.UserId == u.Id).Select(s => new { RoleName = s.Role!.Name }).FirstOrDefault(),
                Permissions = db.StaffMembers.Where(s => s.UserId == u.Id)
                    .SelectMany(s => db.StaffRolePermissions.Where(rp => rp.RoleId == s.RoleId).Select(rp => rp.Permission!.Name!))
                    .ToList(),
            })
            .FirstOrDefaultAsync(ct);
        if (user is null) return UserAccess.None;
        // Tenant users follow their tenant's two_factor_required, everyone else the staff setting (as AccountSecurity does).
        var required = user.TenantId is null
            ? await settings.GetAsync(Features.Platform.SettingCatalog.Staff2faRequired, ct)
            : user.TenantRequires2fa;
        return new UserAccess(
            IsStaff: user.Staff is not null,
            RoleName: user.Staff?.RoleName,
            Permissions: user.Permissions.ToHashSet(StringComparer.Ordinal),
            TenantId: user.TenantId,
            TenantRole: user.TenantRole,
            IsActive: user.Status == Data.Entities.UserStatus.Active,
            MustEnrol: required && !user.TwoFactorEnabled);
    }

    public void Invalidate(Guid? userId = null)
    {
        if (userId is { } id) _cache.TryRemove(id, out _);
        else _cache.Clear();
        Interlocked.Increment(ref _generation);
    }
}

/// <summary>
/// What a user may do now. A user who must enrol an authenticator app first (<see cref="MustEnrol"/>) may do nothing
/// but enrol: every permission, tenant role and signed-in page is refused until they do.
/// </summary>
public sealed record UserAccess(
    bool IsStaff, string? RoleName, IReadOnlySet<string> Permissions, Guid? TenantId, string? TenantRole, bool IsActive,
    bool MustEnrol = false)
{
    public static readonly UserAccess None = new(false, null, new HashSet<string>(), null, null, false);

    /// <summary>Active and not held at the enrolment step: may use the signed-in pages.</summary>
    public bool MayUseConsole => IsActive && !MustEnrol;
    public bool Has(string permission) => MayUseConsole && Permissions.Contains(permission);
    public bool IsTenantAdmin => MayUseConsole && TenantId is not null && TenantRole == Data.Entities.TenantRole.Admin;
    public bool IsTenantUser => MayUseConsole && TenantId is not null;
}
