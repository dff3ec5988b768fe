using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace InfraAdmin.Components.Account;

/// <summary>Identity's user manager with a lockout threshold per user (staff settings or the tenant's policy).</summary>
public sealed class AppUserManager(
    IUserStore<AppUser> store, IOptions<IdentityOptions> optionsAccessor, IPasswordHasher<AppUser> passwordHasher,
    IEnumerable<IUserValidator<AppUser>> userValidators, IEnumerable<IPasswordValidator<AppUser>> passwordValidators,
    ILookupNormalizer keyNormalizer, IdentityErrorDescriber errors, IServiceProvider services,
    ILogger<UserManager<AppUser>> logger, AccountSecurity security,
    Features.Tenants.TenantNotifications alerts, Authorization.SessionStore sessions, TimeProvider time)
    : UserManager<AppUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    /// <summary>A password reset ends every sign-in of the user, on every instance.</summary>
    public override async Task<IdentityResult> ResetPasswordAsync(AppUser user, string token, string newPassword)
    {
        var result = await base.ResetPasswordAsync(user, token, newPassword);
        if (result.Succeeded) await sessions.EndAsync(user.Id, SessionEndReason.PasswordReset, ct: CancellationToken);
        return result;
    }

    /// <summary>A new security stamp (removed from staff or a tenant, invitation sent again) ends every sign-in too.</summary>
    public override async Task<IdentityResult> UpdateSecurityStampAsync(AppUser user)
    {
        var result = await base.UpdateSecurityStampAsync(user);
        if (result.Succeeded) await sessions.EndAsync(user.Id, SessionEndReason.AccessChanged, ct: CancellationToken);
        return result;
    }

    public override async Task<IdentityResult> AccessFailedAsync(AppUser user)
    {
        ThrowIfDisposed();
        var lockoutStore = (IUserLockoutStore<AppUser>)Store;
        var count = await lockoutStore.IncrementAccessFailedCountAsync(user, CancellationToken);
        var rules = await security.ForUserAsync(user, CancellationToken);
        if (count >= Math.Max(1, rules.MaxLoginAttempts))
        {
            Logger.LogWarning("User {UserId} is locked out after {Count} failed sign-ins", user.Id, count);
            await lockoutStore.SetLockoutEndDateAsync(user, time.GetUtcNow().Add(AccountSecurity.LockoutDuration), CancellationToken);
            await lockoutStore.ResetAccessFailedCountAsync(user, CancellationToken);
            if (user.TenantId is { } tenantId)
                await alerts.SecurityAlertAsync(tenantId, "an account was locked out after failed sign-ins", user, CancellationToken);
        }
        return await UpdateUserAsync(user);
    }
}
