using System.Security.Claims;
using InfraAdmin.Authorization;
using Microsoft.AspNetCore.Authorization;
using MudBlazor;

namespace InfraAdmin.Components.Layout;

/// <summary>One area of the console: where it lives and who may open it.</summary>
public sealed record NavItem(string Title, string Href, string Icon, string Policy, string Description, string Group);

/// <summary>The console's areas, shown in the nav and on the overview only to users whose policy allows them.</summary>
public static class NavItems
{
    public const string Infrastructure = "Infrastructure";
    public const string Business = "Business";
    public const string Administration = "Administration";
    public const string MyTenant = "My tenant";

    public static readonly IReadOnlyList<NavItem> All =
    [
        new("Alerts", "alerts", Icons.Material.Filled.NotificationsActive, Policies.AlertsView, "What the rules raised: blacklistings, stale checks, billing, margins, failed jobs", Infrastructure),
        new("IP reputation", "ip-reputation", Icons.Material.Filled.Security, Policies.IpView, "Sending IPs, their reputation, blacklists and warm-up", Infrastructure),
        new("VPS fleet", "vps", Icons.Material.Filled.Dns, Policies.VpsView, "Servers, billing periods, renewals and decommissions", Infrastructure),
        new("Costs", "costs", Icons.Material.Filled.Paid, Policies.CostsView, "What each tenant costs and earns, and idle cost", Business),
        new("Tenants", "tenants", Icons.Material.Filled.Business, Policies.TenantsView, "Tenants, their plans, settings and policies", Business),
        new("Staff", "staff", Icons.Material.Filled.People, Policies.StaffView, "Staff members, roles and the permission matrix", Administration),
        new("System settings", "settings/system", Icons.Material.Filled.Settings, Policies.ConfigView, "System configuration", Administration),
        new("Feature flags", "settings/feature-flags", Icons.Material.Filled.Flag, Policies.FlagsView, "Feature flags and their rollout", Administration),
        new("Scheduled jobs", "settings/jobs", Icons.Material.Filled.Schedule, Policies.ConfigView, "Background jobs, their last and next run", Administration),
        new("API keys", "settings/api-keys", Icons.Material.Filled.Key, Policies.ConfigManage, "Keys for the platform's own services", Administration),
        new("Audit log", "audit", Icons.Material.Filled.History, Policies.AuditView, "Every change and sign-in, who and when", Administration),
        new("Tenant settings", "tenant/settings", Icons.Material.Filled.Palette, Policies.TenantAdmin, "Billing contact, notifications and theme", MyTenant),
        new("Tenant policies", "tenant/policies", Icons.Material.Filled.Policy, Policies.TenantAdmin, "Password, sign-in and member policies", MyTenant),
        new("Members", "tenant/members", Icons.Material.Filled.Group, Policies.TenantAdmin, "Your tenant's users", MyTenant),
        new("Invite", "tenant/invite", Icons.Material.Filled.PersonAdd, Policies.TenantInvite, "Invite someone to your tenant", MyTenant),
    ];

    /// <summary>The areas <paramref name="user"/> may open, in order: the nav's links and the overview's cards.</summary>
    public static async Task<List<NavItem>> VisibleToAsync(IAuthorizationService authorization, ClaimsPrincipal user)
    {
        var visible = new List<NavItem>();
        foreach (var item in All)
            if ((await authorization.AuthorizeAsync(user, item.Policy)).Succeeded) visible.Add(item);
        return visible;
    }
}
