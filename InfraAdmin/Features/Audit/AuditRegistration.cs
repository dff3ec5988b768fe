namespace InfraAdmin.Features.Audit;

public static class AuditRegistration
{
    /// <summary>The audit area: reading the log (/audit and its export).</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services) => services.AddScoped<AuditService>();
}
