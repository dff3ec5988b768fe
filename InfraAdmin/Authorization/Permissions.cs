namespace InfraAdmin.Authorization;

/// <summary>A permission of the catalog: its fixed id, name, description and category.</summary>
public sealed record PermissionDefinition(int Id, string Name, string Description, string Category);

/// <summary>The permission catalog, defined once here and synced into <c>permissions</c> at start-up.</summary>
public static class Permissions
{
    public static class Ip
    {
        public const string View = "ip.view";
        public const string Manage = "ip.manage";
    }

    public static class Vps
    {
        public const string View = "vps.view";
        public const string Manage = "vps.manage";
    }

    public static class Costs
    {
        public const string View = "costs.view";
        public const string Export = "costs.export";
    }

    public static class Staff
    {
        public const string View = "staff.view";
        public const string Manage = "staff.manage";
    }

    public static class Config
    {
        public const string View = "config.view";
        public const string Manage = "config.manage";
        public const string Reveal = "config.reveal";
    }

    public static class Flags
    {
        public const string View = "flags.view";
        public const string Manage = "flags.manage";
    }

    public static class Tenants
    {
        public const string View = "tenants.view";
        public const string Manage = "tenants.manage";
    }

    public static class Audit
    {
        public const string View = "audit.view";
    }

    public static readonly IReadOnlyList<PermissionDefinition> All =
    [
        new(1, Ip.View, "See SMTP IPs, their reputation, blacklists and assignments", "IP reputation"),
        new(2, Ip.Manage, "Change IP status, quarantine, assign domains, import checks", "IP reputation"),
        new(3, Vps.View, "See the VPS fleet, its billing and renewals", "VPS fleet"),
        new(4, Vps.Manage, "Create and edit VPS instances, schedule decommissions", "VPS fleet"),
        new(5, Costs.View, "See cost per tenant and idle cost", "Costs"),
        new(6, Costs.Export, "Export cost figures as CSV", "Costs"),
        new(7, Staff.View, "See staff, roles and the permission matrix", "Staff"),
        new(8, Staff.Manage, "Change staff, roles and the permission matrix", "Staff"),
        new(9, Config.View, "See system configuration and scheduled jobs", "Platform"),
        new(10, Config.Manage, "Change system configuration and API keys", "Platform"),
        new(11, Config.Reveal, "Reveal sensitive configuration values", "Platform"),
        new(12, Flags.View, "See feature flags", "Platform"),
        new(13, Flags.Manage, "Change feature flags", "Platform"),
        new(14, Tenants.View, "See tenants, their settings and policies", "Tenants"),
        new(15, Tenants.Manage, "Change tenants, their settings and policies", "Tenants"),
        new(16, Audit.View, "Read the audit log", "Audit"),
    ];

    public static readonly IReadOnlySet<string> Names = All.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
}

/// <summary>Policy names. Permission policies are <c>Permission:&lt;name&gt;</c>, resolved by <see cref="PermissionPolicyProvider"/>.</summary>
public static class Policies
{
    public const string PermissionPrefix = "Permission:";
    public const string TenantAdmin = "TenantAdmin";
    public const string TenantInvite = "TenantInvite";
    /// <summary>The view permission of any alert area (ip.view, vps.view, costs.view, config.view): /alerts and the bell.</summary>
    public const string AlertsView = "AlertsView";

    /// <summary>
    /// Signed in, even if still held at the authenticator enrolment step: only the enrolment page uses it. Every
    /// other signed-in page (the default and fallback policies) also needs <see cref="ConsoleUserRequirement"/>.
    /// </summary>
    public const string SignedIn = "SignedIn";

    public static string For(string permission) => PermissionPrefix + permission;

    // One policy name per permission of the catalog, compile-time constants so pages can write
    // [Authorize(Policy = Policies.VpsView)] and <AuthorizeView Policy="@Policies.VpsManage">.
    // PolicyCatalogTests checks that every permission has its constant and every constant names a permission.
    public const string IpView = PermissionPrefix + Permissions.Ip.View;
    public const string IpManage = PermissionPrefix + Permissions.Ip.Manage;
    public const string VpsView = PermissionPrefix + Permissions.Vps.View;
    public const string VpsManage = PermissionPrefix + Permissions.Vps.Manage;
    public const string CostsView = PermissionPrefix + Permissions.Costs.View;
    public const string CostsExport = PermissionPrefix + Permissions.Costs.Export;
    public const string StaffView = PermissionPrefix + Permissions.Staff.View;
    public const string StaffManage = PermissionPrefix + Permissions.Staff.Manage;
    public const string ConfigView = PermissionPrefix + Permissions.Config.View;
    public const string ConfigManage = PermissionPrefix + Permissions.Config.Manage;
    public const string ConfigReveal = PermissionPrefix + Permissions.Config.Reveal;
    public const string FlagsView = PermissionPrefix + Permissions.Flags.View;
    public const string FlagsManage = PermissionPrefix + Permissions.Flags.Manage;
    public const string TenantsView = PermissionPrefix + Permissions.Tenants.View;
    public const string TenantsManage = PermissionPrefix + Permissions.Tenants.Manage;
    public const string AuditView = PermissionPrefix + Permissions.Audit.View;
}
