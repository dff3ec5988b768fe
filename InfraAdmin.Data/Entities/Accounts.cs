using Microsoft.AspNetCore.Identity;

namespace InfraAdmin.Data.Entities;

// The console's users: Identity users, staff, roles and permissions, and each user's preferences.

/// <summary>The Identity user (table <c>users</c>). Staff are users with a <see cref="StaffMember"/> row.</summary>
public class AppUser : IdentityUser<Guid>
{
    public Guid? TenantId { get; set; }
    /// <summary><c>admin</c> or <c>member</c> for users of a tenant; null for staff.</summary>
    public string? TenantRole { get; set; }
    public string Status { get; set; } = UserStatus.Active;
    public string? DisplayName { get; set; }
    public DateTime? LastSignIn { get; set; }
    public DateTime Created { get; set; }
    public DateTime Updated { get; set; }

    public Tenant? Tenant { get; set; }
}

public static class UserStatus
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Suspended = "suspended";
    public static readonly string[] All = [Pending, Active, Suspended];
}

public static class TenantRole
{
    public const string Admin = "admin";
    public const string Member = "member";
    public static readonly string[] All = [Admin, Member];
}

public class StaffMember
{
    public Guid UserId { get; set; }
    public int? RoleId { get; set; }
    public string? Notes { get; set; }
    public DateTime? Created { get; set; }
    public DateTime? Updated { get; set; }
    public uint Version { get; set; }

    public AppUser? User { get; set; }
    public StaffRole? Role { get; set; }
}

public class StaffRole
{
    public int Id { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public DateTime? Created { get; set; }
    public uint Version { get; set; }

    public List<StaffRolePermission> Permissions { get; set; } = [];
}

public class StaffRolePermission
{
    public int RoleId { get; set; }
    public int PermissionId { get; set; }
    public DateTime? Created { get; set; }

    public Permission? Permission { get; set; }
}

public class Permission
{
    public int Id { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Category { get; set; }
    public DateTime? Created { get; set; }
}

public class UserPreferences
{
    public Guid Id { get; set; }
    public Guid? UserId { get; set; }
    public string? Theme { get; set; }
    public string? Language { get; set; }
    public string? Timezone { get; set; }
    public bool? EmailNotifications { get; set; }
    public bool? PushNotifications { get; set; }
    public bool? WeeklyReports { get; set; }
    public bool? MarketingEmails { get; set; }
    public DateTime? Created { get; set; }
    public DateTime? Updated { get; set; }
    public uint Version { get; set; }
}
