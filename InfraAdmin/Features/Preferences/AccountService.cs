using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Components.Account;
using InfraAdmin.Data;
using InfraAdmin.Data.Audit;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Sessions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.Preferences;

/// <summary>What <c>/account</c> shows about the signed-in user.</summary>
public sealed record AccountOverview(
    string Email, bool TwoFactorEnabled, bool TwoFactorRequired, int RecoveryCodesLeft, IReadOnlyList<string> PasswordRules);

/// <summary>How a password-confirmed action ended when it did not throw.</summary>
public sealed record AccountChange(bool LockedOut, int OtherSessionsEnded = 0, IReadOnlyList<string>? RecoveryCodes = null)
{
    public static readonly AccountChange Locked = new(true);
}

/// <summary>
/// The signed-in user's own account: change the password, turn two-factor sign-in off, new recovery codes. Each
/// operation works on whoever is signed in (never a user id from the caller) and asks for the current password, which
/// is checked as sign-in checks it: a wrong one counts towards the user's lockout threshold. Bad input is refused
/// with <see cref="ValidationFailedException"/> keyed by the <see cref="Fields"/>, rules with <see cref="RefusedException"/>.
/// Identity work runs on a <see cref="UserManager{TUser}"/> from a fresh scope per operation, never a circuit's.
/// </summary>
public sealed class AccountService(
    CurrentUser currentUser,
    SessionService sessions,
    AccountSecurity security,
    IServiceScopeFactory scopes,
    IDbContextFactory<InfraAdminDbContext> dbFactory,
    IHttpContextAccessor httpContextAccessor,
    TimeProvider clock)
{
    /// <summary>The field names in <see cref="ValidationFailedException.Errors"/> (the forms use the same names).</summary>
    public static class Fields
    {
        public const string CurrentPassword = "CurrentPassword";
        public const string NewPassword = "NewPassword";
        public const string Password = "Password";
    }

    public const int RecoveryCodeCount = 10;

    public async Task<AccountOverview> GetAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await CallerAsync(users);
        var rules = await security.ForUserAsync(user, ct);
        return new AccountOverview(
            user.Email ?? user.UserName ?? "", user.TwoFactorEnabled, rules.TwoFactorRequired,
            user.TwoFactorEnabled ? await users.CountRecoveryCodesAsync(user) : 0, PolicyPasswordValidator.Describe(rules));
    }

    /// <summary>
    /// Changes the caller's password (their policy applies). The security stamp changes, this sign-in is renewed and
    /// every other sign-in of the user ends.
    /// </summary>
    public async Task<AccountChange> ChangePasswordAsync(string? currentPassword, string? newPassword, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        CheckEntered(currentPassword, Fields.CurrentPassword, "Enter your current password.", errors);
        CheckEntered(newPassword, Fields.NewPassword, "Enter a new password.", errors);
        ValidationFailedException.ThrowIfAny(errors);
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await CallerAsync(users);
        if (!await ConfirmPasswordAsync(scope, users, user, currentPassword!, Fields.CurrentPassword)) return AccountChange.Locked;
        if (string.Equals(currentPassword, newPassword, StringComparison.Ordinal))
            throw ValidationFailedException.For(Fields.NewPassword, "Choose a password different from your current one.");
        var result = await users.ChangePasswordAsync(user, currentPassword!, newPassword!);
        if (!result.Succeeded) throw ValidationFailedException.For(Fields.NewPassword, Describe(result));
        var ended = await RenewSignInAsync(scope, user, ct);
        await AuditAsync(user, AuditActions.AccountPasswordChange, new { other_sessions_ended = ended }, ct);
        return new AccountChange(false, ended);
    }

    /// <summary>Turns two-factor sign-in off and forgets the authenticator key and recovery codes, unless the user's policy requires it.</summary>
    public async Task<AccountChange> DisableTwoFactorAsync(string? password, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        CheckEntered(password, Fields.Password, "Enter your password to confirm.", errors);
        ValidationFailedException.ThrowIfAny(errors);
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await CallerAsync(users);
        if (!user.TwoFactorEnabled) throw new RefusedException("Two-factor sign-in is already off for your account.");
        if ((await security.ForUserAsync(user, ct)).TwoFactorRequired)
            throw new RefusedException(user.TenantId is null
                ? "Staff must use two-factor sign-in (system setting), so it cannot be turned off."
                : "Your organisation requires two-factor sign-in, so it cannot be turned off.");
        if (!await ConfirmPasswordAsync(scope, users, user, password!, Fields.Password)) return AccountChange.Locked;
        await Succeed(users.SetTwoFactorEnabledAsync(user, false));
        await Succeed(users.ResetAuthenticatorKeyAsync(user));
        // No codes left: a recovery code redeemed later would be a second factor for a key that no longer exists.
        if (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0) is null) throw new RefusedException("The recovery codes could not be removed. Try again.");
        // The stamp changed: a sign-in that got the second factor from the old key ends elsewhere, and this one is renewed.
        var ended = await RenewSignInAsync(scope, user, ct);
        await AuditAsync(user, AuditActions.AccountTwoFactorDisable, new { other_sessions_ended = ended }, ct);
        return new AccountChange(false, ended);
    }

    /// <summary>Replaces the caller's recovery codes with <see cref="RecoveryCodeCount"/> new ones (shown once); the old ones stop working.</summary>
    public async Task<AccountChange> RegenerateRecoveryCodesAsync(string? password, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        CheckEntered(password, Fields.Password, "Enter your password to confirm.", errors);
        ValidationFailedException.ThrowIfAny(errors);
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await CallerAsync(users);
        if (!user.TwoFactorEnabled)
            throw new RefusedException("Recovery codes belong to two-factor sign-in: turn it on first.");
        if (!await ConfirmPasswordAsync(scope, users, user, password!, Fields.Password)) return AccountChange.Locked;
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList()
            ?? throw new InvalidOperationException("Identity made no recovery codes.");
        await AuditAsync(user, AuditActions.AccountRecoveryCodesRegenerate, new { count = codes.Count }, ct);
        return new AccountChange(false, RecoveryCodes: codes);
    }

    /// <summary>
    /// True for the right password. A wrong one counts as a failed sign-in (<see cref="UserManager{TUser}.AccessFailedAsync"/>:
    /// the user's threshold, the lockout and its alert); false once the account is locked, and this sign-in then ends.
    /// </summary>
    private async Task<bool> ConfirmPasswordAsync(AsyncServiceScope scope, UserManager<AppUser> users, AppUser user, string password, string field)
    {
        if (await users.IsLockedOutAsync(user)) return await LockedOutAsync(scope, user, newly: false);
        if (await users.CheckPasswordAsync(user, password))
        {
            if (await users.GetAccessFailedCountAsync(user) > 0) await users.ResetAccessFailedCountAsync(user);
            return true;
        }
        await users.AccessFailedAsync(user);
        if (await users.IsLockedOutAsync(user)) return await LockedOutAsync(scope, user, newly: true);
        throw ValidationFailedException.For(field, "That is not your current password.");
    }

    private async Task<bool> LockedOutAsync(AsyncServiceScope scope, AppUser user, bool newly)
    {
        if (newly) await AuditAsync(user, AuditActions.LockedOut, new { detail = "wrong current password on the account page" }, CancellationToken.None);
        // Whoever is guessing at this open sign-in loses it (the sign-out is audited and ends its server-side session).
        if (httpContextAccessor.HttpContext is not null)
            await scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>().SignOutAsync();
        return false;
    }

    /// <summary>Ends the user's other sign-ins and, in a request that can carry a cookie, renews this one for the new stamp.</summary>
    private async Task<int> RenewSignInAsync(AsyncServiceScope scope, AppUser user, CancellationToken ct)
    {
        var ended = await sessions.EndOthersAsync(ct);
        if (httpContextAccessor.HttpContext is not null)
            await scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>().RefreshSignInAsync(user);
        return ended;
    }

    private static void CheckEntered(string? value, string field, string message, Dictionary<string, string> errors)
    {
        if (string.IsNullOrEmpty(value)) errors[field] = message;
        else if (value.Length > PolicyPasswordValidator.MaxLength) errors[field] = $"Passwords are at most {PolicyPasswordValidator.MaxLength} characters.";
    }

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));

    private static async Task Succeed(Task<IdentityResult> work)
    {
        var result = await work;
        if (!result.Succeeded) throw new RefusedException(Describe(result));
    }

    private static UserManager<AppUser> Users(AsyncServiceScope scope)
    {
        // The account's own audit rows say what happened; the interceptor's copies of the users row would add nothing.
        scope.ServiceProvider.GetRequiredService<InfraAdminDbContext>().AuditEnabled = false;
        return scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
    }

    private async Task<AppUser> CallerAsync(UserManager<AppUser> users)
    {
        var id = await currentUser.GetUserIdAsync() ?? throw new PermissionDeniedException("Sign in to manage your account.");
        return await users.FindByIdAsync(id.ToString()) ?? throw new PermissionDeniedException("Sign in to manage your account.");
    }

    private async Task AuditAsync(AppUser user, string action, object detail, CancellationToken ct)
    {
        var actor = await currentUser.GetActorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AuditEnabled = false;
        db.AuditLog.Add(new AuditLog
        {
            Action = action, EntityType = "users", EntityId = user.Id.ToString(), TenantId = user.TenantId,
            ActorId = actor.UserId, ActorName = actor.Name, IpAddress = actor.IpAddress,
            After = JsonSerializer.SerializeToDocument(detail), Created = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
    }
}
