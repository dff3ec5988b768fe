namespace InfraAdmin.Tests.Support;

/// <summary>Base for integration tests: one private database and one app per test class.</summary>
public abstract class IntegrationTest : IClassFixture<IntegrationTest.AppFixture>
{
    protected IntegrationTest(AppFixture fixture) => Fixture = fixture;

    protected AppFixture Fixture { get; }
    protected InfraAdminFactory App => Fixture.App;
    protected TestDatabase Db => Fixture.Database;

    public sealed class AppFixture : IAsyncLifetime
    {
        public TestDatabase Database { get; } = new();
        public InfraAdminFactory App { get; private set; } = default!;

        public async ValueTask InitializeAsync()
        {
            await Database.InitializeAsync();
            App = new InfraAdminFactory(Database);
        }

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}

/// <summary>Runs services as a given user, the way a circuit would.</summary>
public static class ScopeExtensions
{
    public static async Task<Microsoft.Extensions.DependencyInjection.AsyncServiceScope> ScopeAsAsync(this InfraAdminFactory app, string email)
    {
        var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateAsyncScope(app.Services);
        var users = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.AppUser>>(scope.ServiceProvider);
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No user {email}");
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
        [
            new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, user.Id.ToString()),
            new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, email),
        ], "Test"));
        var provider = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>(scope.ServiceProvider);
        ((Microsoft.AspNetCore.Components.Authorization.IHostEnvironmentAuthenticationStateProvider)provider)
            .SetAuthenticationState(Task.FromResult(new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(principal)));
        return scope;
    }

    /// <summary>Calls <typeparamref name="TService"/> as <paramref name="email"/>, on <paramref name="clock"/> when given (else the app's clock).</summary>
    public static async Task<T> AsAsync<TService, T>(this InfraAdminFactory app, string email, Func<TService, Task<T>> call, TimeProvider? clock = null)
        where TService : class
    {
        await using var scope = await app.ScopeAsAsync(email);
        var service = clock is null
            ? Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<TService>(scope.ServiceProvider)
            : scope.ServiceProvider.With<TService>(clock);
        return await call(service);
    }
}
