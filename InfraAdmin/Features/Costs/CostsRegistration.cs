using InfraAdmin.Authorization;
using InfraAdmin.Components.Pages;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Jobs;

namespace InfraAdmin.Features.Costs;

public static class CostsRegistration
{
    /// <summary>The cost area: its service, the kept allocation (rollup, job, command, after-seed step) and its overview card.</summary>
    public static IServiceCollection AddCosts(this IServiceCollection services)
    {
        services.AddScoped<CostService>();
        services.AddSingleton<CostRollup>();
        services.AddScoped<CostRefresher>();
        services.AddScoped<IRecurringJob, CostRollupJob>();
        services.AddSingleton<ICommand, CostsRebuildCommand>();
        services.AddSingleton<IAfterDemoSeed, CostsAfterDemoSeed>();
        services.AddOverviewCard<CostsOverviewCard>(Policies.CostsView, wide: true);
        return services;
    }
}
