using InfraAdmin.Authorization;
using InfraAdmin.Components.Pages;

namespace InfraAdmin.Features.IpReputation;

public static class IpReputationRegistration
{
    /// <summary>The IP reputation area's services and its overview card (the checker's API keys are the platform area's).</summary>
    public static IServiceCollection AddIpReputation(this IServiceCollection services)
    {
        services.AddOptions<IpReputationOptions>().BindConfiguration(IpReputationOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<IpReputationOptions>, IpReputationOptionsValidator>();
        services.AddScoped<IpReputationService>();
        services.AddScoped<IpCheckService>();
        services.AddOverviewCard<IpOverviewCard>(Policies.IpView);
        return services;
    }
}
