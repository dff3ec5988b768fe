using InfraAdmin.Authorization;
using InfraAdmin.Components.Pages;

namespace InfraAdmin.Features;

/// <summary>Each area registers its services here, one line per area.</summary>
public static class FeatureServices
{
    public static IServiceCollection AddFeatureServices(this IServiceCollection services)
    {
        services.AddScoped<Audit.AuditService>();
        services.AddScoped<Vps.VpsService>();
        services.AddScoped<Infrastructure.Jobs.IRecurringJob, Vps.VpsBillingRollForwardJob>();
        services.AddScoped<Infrastructure.Jobs.IRecurringJob, Vps.VpsDueDecommissionsJob>();
        services.AddOverviewCard<Vps.VpsOverviewCard>(Policies.VpsView);
        Platform.PlatformServices.AddPlatformServices(services);
        Costs.CostsRegistration.AddCosts(services);
        services.AddScoped<Staff.RoleService>();
        services.AddScoped<Staff.StaffService>();
        IpReputation.IpReputationRegistration.AddIpReputation(services);
        Tenants.TenantsRegistration.Add(services);
        services.AddScoped<Sessions.SessionService>();
        return services;
    }
}
