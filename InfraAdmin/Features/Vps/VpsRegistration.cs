using InfraAdmin.Authorization;
using InfraAdmin.Components.Pages;
using InfraAdmin.Infrastructure.Jobs;

namespace InfraAdmin.Features.Vps;

public static class VpsRegistration
{
    /// <summary>The VPS area: its service, its two scheduled jobs and its overview card.</summary>
    public static IServiceCollection AddVps(this IServiceCollection services)
    {
        services.AddScoped<VpsService>();
        services.AddScoped<IRecurringJob, VpsBillingRollForwardJob>();
        services.AddScoped<IRecurringJob, VpsDueDecommissionsJob>();
        services.AddOverviewCard<VpsOverviewCard>(Policies.VpsView);
        return services;
    }
}
