using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.Staff;

/// <summary>
/// What every change of roles, grants or staff membership shares: one transaction serialised by an advisory
/// lock (so two administrators cannot each remove the other's staff.manage), the staff.manage guards, the
/// NOTIFY that clears permission caches on every instance, and explicit audit rows for what the tracker misses.
/// </summary>
internal static class StaffAccess
{
    private const long LockKey = 6_020_006;
    public const int MaxRoleName = 50;
    public const int MaxDescription = 500;
    public const int MaxNotes = 1000;

    public static readonly int ManagePermissionId = Permissions.All.Single(p => p.Name == Permissions.Staff.Manage).Id;

    /// <summary>Runs <paramref name="work"/> in a transaction holding the staff lock, announces the change, commits, clears the local cache.</summary>
    public static async Task<T> ChangeAsync<T>(
        InfraAdminDbContext db, PermissionStore store, Func<Task<T>> work, CancellationToken ct)
    {
        var result = await db.InTransactionAsync(async () =>
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({LockKey})", ct);
            var value = await work();
            await AccessChangeListener.NotifyAsync(db, ct);
            return value;
        }, ct);
        store.Invalidate();
        return result;
    }

    /// <summary>
    /// Refuses a change after which nobody active holds staff.manage, or after which the caller no longer does.
    /// <paramref name="manageRolesAfter"/> are the roles granting staff.manage after the change; <paramref name="member"/>
    /// is the staff member whose role changes (<c>NewRoleId</c> null when they are removed).
    /// </summary>
    public static async Task EnsureManageSurvivesAsync(
        InfraAdminDbContext db, Guid callerId, IReadOnlySet<int> manageRolesAfter, (Guid UserId, int? NewRoleId, bool Removed)? member, CancellationToken ct)
    {
        var roleIds = manageRolesAfter.ToList();
        Guid? excluded = member?.UserId;
        var others = await db.StaffMembers.AsNoTracking()
            .Where(s => s.RoleId != null && roleIds.Contains(s.RoleId.Value) && s.User!.Status == UserStatus.Active)
            .Where(s => excluded == null || s.UserId != excluded)
            .Select(s => s.UserId)
            .OrderBy(id => id)
            .Take(1)
            .ToListAsync(ct);
        var memberKeeps = member is { Removed: false, NewRoleId: { } newRole } && manageRolesAfter.Contains(newRole);
        if (others.Count == 0 && !memberKeeps)
            throw new RefusedException(
                "This would leave nobody with the staff.manage permission, and then nobody could manage staff again. " +
                "Give staff.manage to someone else first.");

        var callerKeeps = member?.UserId == callerId
            ? memberKeeps
            : await db.StaffMembers.AsNoTracking().AnyAsync(s => s.UserId == callerId && s.RoleId != null && roleIds.Contains(s.RoleId.Value), ct);
        if (!callerKeeps)
            throw new RefusedException(
                "You cannot remove your own staff.manage permission. Ask another staff administrator to do it.");
    }

    public static async Task<HashSet<int>> ManageRolesAsync(InfraAdminDbContext db, CancellationToken ct) =>
        (await db.StaffRolePermissions.AsNoTracking()
            .Where(rp => rp.PermissionId == ManagePermissionId).Select(rp => rp.RoleId).ToListAsync(ct)).ToHashSet();

    public static async Task<Guid> CallerIdAsync(CurrentUser currentUser) =>
        await currentUser.GetUserIdAsync() ?? throw new PermissionDeniedException("You are not signed in.");

    /// <summary>An audit row for a change the change tracker does not see (Identity bookkeeping columns, mail sent).</summary>
    public static async Task AddAuditAsync(
        InfraAdminDbContext db, CurrentUser currentUser, TimeProvider clock, string action, string entityType, string entityId, object? before, object? after)
    {
        var actor = await currentUser.GetActorAsync();
        db.AuditLog.Add(new AuditLog
        {
            ActorId = actor.UserId, ActorName = actor.Name, IpAddress = actor.IpAddress,
            Action = action, EntityType = entityType, EntityId = entityId,
            Before = before is null ? null : JsonSerializer.SerializeToDocument(before),
            After = after is null ? null : JsonSerializer.SerializeToDocument(after),
            Created = clock.GetUtcNow().UtcDateTime,
        });
    }

    public static string CleanRoleName(string? name)
    {
        var clean = (name ?? "").Trim();
        if (clean.Length == 0) throw new RefusedException("A role needs a name.");
        if (clean.Length > MaxRoleName) throw new RefusedException($"A role name can be at most {MaxRoleName} characters (this one has {clean.Length}).");
        return clean;
    }

    public static string? CleanText(string? text, int max, string what)
    {
        var clean = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (clean?.Length > max) throw new RefusedException($"{what} can be at most {max} characters (this has {clean.Length}).");
        return clean;
    }
}
