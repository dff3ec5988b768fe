using InfraAdmin.Components.Layout;
using InfraAdmin.Infrastructure.Jobs;

namespace InfraAdmin.Features.Preferences;

public static class PreferencesRegistration
{
    /// <summary>The preferences area: a user's preferences and theme choice, their account (password, authenticator, recovery codes) and the weekly report.</summary>
    public static IServiceCollection AddPreferences(this IServiceCollection services)
    {
        services.AddScoped<PreferencesService>();
        services.AddScoped<PreferencesThemeSource>();
        services.AddScoped<IThemeSource>(sp => sp.GetRequiredService<PreferencesThemeSource>());
        services.AddScoped<IThemeChoiceStore>(sp => sp.GetRequiredService<PreferencesThemeSource>());
        services.AddScoped<TwoFactorEnrolment>();
        services.AddScoped<AccountService>();
        services.AddScoped<IRecurringJob, WeeklyReportJob>();
        return services;
    }
}
