using InfraAdmin.Components.Layout;

namespace InfraAdmin.Features.Tenants;

public static class TenantsRegistration
{
    /// <summary>The tenants area: tenants, their members and notifications, and the tenant's theme.</summary>
    public static IServiceCollection AddTenants(this IServiceCollection services)
    {
        services.AddScoped<TenantService>();
        services.AddScoped<TenantNotifications>();
        services.AddScoped<MembersService>();
        services.AddScoped<TenantThemeSource>();
        services.AddScoped<IThemeSource>(sp => sp.GetRequiredService<TenantThemeSource>());
        return services;
    }
}
