using System.Security.Claims;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace InfraAdmin.Components.Account;

/// <summary>
/// Every few seconds while a circuit is open: signs the user out when their security stamp changed (removed,
/// password reset, sessions ended), and re-announces their state when their access changed, so an open page
/// re-runs its authorization and turns into the access-denied page when a permission is revoked (or moves to the
/// authenticator enrolment when the user must now enrol).
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        PermissionStore permissions,
        SessionStore sessions,
        IOptions<IdentityOptions> options,
        IHostApplicationLifetime lifetime)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    public static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    private string? _accessFingerprint;

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        // The host is stopping (a deploy, a restart) and the open page goes with it: reading the user now would only fail
        // on disposed services and log an error for every open page.
        if (lifetime.ApplicationStopping.IsCancellationRequested) return true;
        try
        {
            return await ValidateAsync(authenticationState, cancellationToken);
        }
        catch (ObjectDisposedException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return true;
        }
    }

    private async Task<bool> ValidateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var principal = authenticationState.User;
        // Signed out, removed, password reset or ended from "Your sign-ins" (on any instance): the open page ends too.
        if (!await sessions.IsActiveAsync(principal, cancellationToken)) return false;
        var user = await userManager.GetUserAsync(principal);
        if (user is null || user.Status != UserStatus.Active) return false;
        var principalStamp = principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        if (principalStamp != await userManager.GetSecurityStampAsync(user)) return false;

        var access = await permissions.LoadAsync(user.Id, cancellationToken);
        // "Must enrol an authenticator app" is part of it: the open page's authorization then fails and moves it to enrolment.
        var fingerprint = string.Join(",", access.Permissions.Order()) + "|" + access.TenantId + "|" + access.TenantRole + "|" + access.MustEnrol;
        // The first check re-announces too: access may have changed between the page's render and now.
        if (_accessFingerprint != fingerprint)
        {
            permissions.Invalidate(user.Id);
            NotifyAuthenticationStateChanged(Task.FromResult(new AuthenticationState(principal)));
        }
        _accessFingerprint = fingerprint;
        return true;
    }
}
