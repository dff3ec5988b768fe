using InfraAdmin.Features.Alerts;
using InfraAdmin.Features.Audit;
using InfraAdmin.Features.Costs;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Features.Platform;
using InfraAdmin.Features.Preferences;
using InfraAdmin.Features.Sessions;
using InfraAdmin.Features.Staff;
using InfraAdmin.Features.Tenants;
using InfraAdmin.Features.Vps;

namespace InfraAdmin.Features;

/// <summary>
/// Every area's services, one line per area, each in its folder's <c>&lt;Area&gt;Registration.cs</c>. The order is
/// kept: overview cards show in it (VPS, costs, IP), and the preferences' theme applies over the tenant's.
/// </summary>
public static class FeatureServices
{
    public static IServiceCollection AddFeatureServices(this IServiceCollection services) => services
        .AddAudit()
        .AddVps()
        .AddPlatform()
        .AddCosts()
        .AddStaff()
        .AddIpReputation()
        .AddTenants()
        .AddPreferences()
        .AddSessions()
        .AddAlerts();
}
