namespace InfraAdmin.Features.Staff;

public static class StaffRegistration
{
    /// <summary>The staff area: staff members and their roles.</summary>
    public static IServiceCollection AddStaff(this IServiceCollection services)
    {
        services.AddScoped<RoleService>();
        services.AddScoped<StaffService>();
        return services;
    }
}
