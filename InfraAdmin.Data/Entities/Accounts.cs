using System.Text.Json;
using Microsoft.AspNetCore.Identity;

namespace InfraAdmin.Data.Entities;

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

public class SystemConfig
{
    public string Key { get; set; } = "";
    public JsonDocument? Value { get; set; }
    public string? Description { get; set; }
    public string? Category { get; set; }
    public bool? IsSensitive { get; set; }
    public Guid? UpdatedBy { get; set; }
    public DateTime? Updated { get; set; }
    public uint Version { get; set; }
}

public class FeatureFlag
{
    public Guid Id { get; set; }
    public string Key { get; set; } = "";
    public string? Description { get; set; }
    public bool? IsEnabled { get; set; }
    public int? RolloutPercentage { get; set; }
    public Guid? UpdatedBy { get; set; }
    public DateTime? Updated { get; set; }
    public uint Version { get; set; }
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

/// <summary>One audited change or security event.</summary>
public class AuditLog
{
    public long Id { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string? EntityId { get; set; }
    public Guid? TenantId { get; set; }
    public JsonDocument? Before { get; set; }
    public JsonDocument? After { get; set; }
    public string? IpAddress { get; set; }
    public DateTime Created { get; set; }
}
