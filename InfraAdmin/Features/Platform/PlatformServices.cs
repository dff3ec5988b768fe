using Microsoft.FeatureManagement;

namespace InfraAdmin.Features.Platform;

/// <summary>The platform area's services: system configuration and feature flags through Microsoft.FeatureManagement.</summary>
public static class PlatformServices
{
    public static IServiceCollection AddPlatformServices(this IServiceCollection services)
    {
        services.AddScoped<SystemConfigService>();
        services.AddScoped<FeatureFlagService>();
        services.AddScoped<FeatureFlags>();
        // Registered before AddFeatureManagement, which only adds its configuration-based provider when none is.
        services.AddSingleton<FeatureFlagDefinitionProvider>();
        services.AddSingleton<IFeatureDefinitionProvider>(sp => sp.GetRequiredService<FeatureFlagDefinitionProvider>());
        services.AddFeatureManagement().WithTargeting<TenantTargetingContextAccessor>();
        return services;
    }
}
