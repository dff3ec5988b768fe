using InfraAdmin.Infrastructure.Jobs;

namespace InfraAdmin.Features.Audit;

public static class AuditRegistration
{
    /// <summary>The audit area: reading the log (/audit and its export), its monthly partitions and their archiving.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => o.ExactCountUpTo >= 0, "Audit:ExactCountUpTo must be a whole number of rows, 0 or more.").ValidateOnStart();
        services.AddScoped<AuditService>();
        services.AddSingleton<AuditArchiveFolder>();
        services.AddScoped<IRecurringJob, AuditPartitionsJob>();
        services.AddScoped<IRecurringJob, AuditArchiveJob>();
        return services;
    }
}
