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
/// re-runs its authorization and turns into the access-denied page when a permission is revoked.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        PermissionStore permissions,
        IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    public static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    private string? _accessFingerprint;

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var principal = authenticationState.User;
        var user = await userManager.GetUserAsync(principal);
        if (user is null || user.Status != UserStatus.Active) return false;
        var principalStamp = principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        if (principalStamp != await userManager.GetSecurityStampAsync(user)) return false;

        var access = await permissions.LoadAsync(user.Id, cancellationToken);
        var fingerprint = string.Join(",", access.Permissions.Order()) + "|" + access.TenantId + "|" + access.TenantRole;
        // The first check has nothing to compare with, yet access may have changed since the page was authorized
        // (a revoke within the first interval): re-run the page's authorization once then too.
        if (_accessFingerprint != fingerprint)
        {
            permissions.Invalidate(user.Id);
            NotifyAuthenticationStateChanged(Task.FromResult(new AuthenticationState(principal)));
        }
        _accessFingerprint = fingerprint;
        return true;
    }
}
