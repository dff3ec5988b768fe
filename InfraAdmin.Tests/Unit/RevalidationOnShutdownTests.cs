using System.Reflection;
using System.Security.Claims;
using InfraAdmin.Components.Account;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InfraAdmin.Tests.Unit;

/// <summary>
/// An open page's revalidation while the app stops (a deploy, a restart): it passes quietly instead of failing on the
/// disposed services and logging an error for every open page. Outside a stop, the same failure still surfaces.
/// </summary>
public sealed class RevalidationOnShutdownTests
{
    private sealed class Lifetime(bool stopping) : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => new(stopping);
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }

    /// <summary>The provider over a disposed service provider, as the host leaves it once it has stopped.</summary>
    private static Task<bool> ValidateAsync(bool stopping)
    {
        var services = new ServiceCollection().BuildServiceProvider();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        services.Dispose();
        var provider = new IdentityRevalidatingAuthenticationStateProvider(NullLoggerFactory.Instance, scopes, null!, null!,
            Options.Create(new IdentityOptions()), new Lifetime(stopping));
        var validate = typeof(IdentityRevalidatingAuthenticationStateProvider).GetMethod("ValidateAuthenticationStateAsync",
            BindingFlags.Instance | BindingFlags.NonPublic)!;
        var state = new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString())], "test")));
        return (Task<bool>)validate.Invoke(provider, [state, CancellationToken.None])!;
    }

    [Fact]
    public async Task While_the_app_stops_an_open_pages_revalidation_passes_quietly() =>
        Assert.True(await ValidateAsync(stopping: true));

    [Fact]
    public async Task Otherwise_a_failure_still_surfaces() =>
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ValidateAsync(stopping: false));
}
