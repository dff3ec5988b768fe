namespace InfraAdmin.Features.Sessions;

public static class SessionsRegistration
{
    /// <summary>The sessions area: a user's own sign-ins ("Your sign-ins").</summary>
    public static IServiceCollection AddSessions(this IServiceCollection services) => services.AddScoped<SessionService>();
}
