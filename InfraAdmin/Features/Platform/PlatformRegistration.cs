using Microsoft.FeatureManagement;

namespace InfraAdmin.Features.Platform;

/// <summary>The platform area: system configuration, feature flags through Microsoft.FeatureManagement, API keys and the jobs page.</summary>
public static class PlatformRegistration
{
    public static IServiceCollection AddPlatform(this IServiceCollection services)
    {
        services.AddScoped<SystemConfigService>();
        services.AddScoped<FeatureFlagService>();
        services.AddScoped<FeatureFlags>();
        // Registered before AddFeatureManagement, which only adds its configuration-based provider when none is.
        services.AddSingleton<FeatureFlagDefinitionProvider>();
        services.AddSingleton<IFeatureDefinitionProvider>(sp => sp.GetRequiredService<FeatureFlagDefinitionProvider>());
        services.AddFeatureManagement().WithTargeting<TenantTargetingContextAccessor>();
        services.AddScoped<ApiKeyService>();
        services.AddScoped<JobsService>();
        return services;
    }
}
