using InfraAdmin.Components.Layout;
using InfraAdmin.Features.Preferences;

namespace InfraAdmin.Features.Tenants;

/// <summary>The Tenants and Preferences areas' services (one line in FeatureServices).</summary>
public static class TenantsRegistration
{
    public static void Add(IServiceCollection services)
    {
        services.AddScoped<TenantService>();
        services.AddScoped<TenantNotifications>();
        services.AddScoped<MembersService>();
        services.AddScoped<TenantThemeSource>();
        services.AddScoped<IThemeSource>(sp => sp.GetRequiredService<TenantThemeSource>());
        services.AddScoped<PreferencesService>();
        services.AddScoped<PreferencesThemeSource>();
        services.AddScoped<IThemeSource>(sp => sp.GetRequiredService<PreferencesThemeSource>());
        services.AddScoped<IThemeChoiceStore>(sp => sp.GetRequiredService<PreferencesThemeSource>());
        services.AddScoped<TwoFactorEnrolment>();
        services.AddScoped<InfraAdmin.Infrastructure.Jobs.IRecurringJob, WeeklyReportJob>();
    }
}
