namespace InfraAdmin.Features;

/// <summary>Each area registers its services here, one line per area.</summary>
public static class FeatureServices
{
    public static IServiceCollection AddFeatureServices(this IServiceCollection services)
    {
        services.AddScoped<Audit.AuditService>();
        Tenants.TenantsRegistration.Add(services);
        return services;
    }
}
