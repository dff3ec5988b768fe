using InfraAdmin.Infrastructure.Jobs;

namespace InfraAdmin.Features.Alerts;

public static class AlertsRegistration
{
    /// <summary>The alerts area: its rules, evaluator (every minute and after changes), service, deliveries and webhook sender.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddScoped<IAlertRule, IpListedRule>();
        services.AddScoped<IAlertRule, IpReputationRule>();
        services.AddScoped<IAlertRule, IpStaleRule>();
        services.AddScoped<IAlertRule, VpsBilledAgainRule>();
        services.AddScoped<IAlertRule, TenantNegativeMarginRule>();
        services.AddScoped<IAlertRule, JobFailedRule>();
        services.AddScoped<AlertEvaluator>();
        services.AddSingleton<AlertEvaluationMemory>();
        services.AddScoped<AlertService>();
        services.AddScoped<AlertDeliveries>();
        services.AddScoped<AlertWebhookSender>();
        services.AddScoped<IRecurringJob, AlertEvaluationJob>();
        services.AddHostedService<AlertChangeWatcher>();
        services.AddHttpClient(AlertWebhookSender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        return services;
    }
}
