using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Components.Account;

/// <summary>
/// Identity's sign-in manager that refuses users who are not active and audits every sign-in, failure,
/// lockout and sign-out (never the password).
/// </summary>
public sealed class AppSignInManager(
    UserManager<AppUser> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<AppUser>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation, IDbContextFactory<InfraAdminDbContext> dbFactory,
    Authorization.SessionStore sessions, TimeProvider time)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private static string? _unknownAccountHash;

    public override async Task<bool> CanSignInAsync(AppUser user) =>
        user.Status == UserStatus.Active && (user.EmailConfirmed || !await TenantRequiresVerificationAsync(user))
        && await base.CanSignInAsync(user);

    /// <summary>company_require_email_verification: the tenant's users sign in only after following the emailed link.</summary>
    private async Task<bool> TenantRequiresVerificationAsync(AppUser user)
    {
        if (user.TenantId is not { } tenantId) return false;
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.TenantPolicies.AsNoTracking().Where(p => p.TenantId == tenantId)
            .Select(p => p.CompanyRequireEmailVerification ?? true).FirstOrDefaultAsync();
    }

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByEmailAsync(userName) ?? await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            // The same work as a wrong password for a known account, so the answer's timing does not tell which emails exist.
            _unknownAccountHash ??= UserManager.PasswordHasher.HashPassword(new AppUser(), Guid.NewGuid().ToString());
            UserManager.PasswordHasher.VerifyHashedPassword(new AppUser(), _unknownAccountHash, password);
            await AuditAsync(AuditActions.SignInFailed, null, null, userName, "unknown account");
            return SignInResult.Failed;
        }
        return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
    }

    public override async Task<SignInResult> PasswordSignInAsync(AppUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var wasLocked = await UserManager.IsLockedOutAsync(user);
        var result = await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        if (result.IsNotAllowed)
        {
            // Why the account cannot sign in is told only to someone who knows its password.
            var known = await UserManager.CheckPasswordAsync(user, password);
            await AuditAsync(AuditActions.SignInFailed, user.Id, user.TenantId, user.Email, known ? "not allowed: " + user.Status : "wrong password");
            return known ? new AccountNotAllowed(user.Status == UserStatus.Suspended
                ? "This account is suspended, so it cannot sign in. Ask your administrator to reactivate it."
                : user.Status == UserStatus.Active
                    ? "This account cannot sign in until its email address is verified: follow the link in the mail we sent."
                    : "This account cannot sign in yet: it is waiting for approval by your administrator.")
                : SignInResult.Failed;
        }
        if (result.Succeeded)
        {
            await RecordSignInAsync(user);
        }
        else if (result.RequiresTwoFactor)
        {
            await AuditAsync(AuditActions.SignInPasswordOk, user.Id, user.TenantId, user.Email, "awaiting second factor");
        }
        else if (result.IsLockedOut)
        {
            await AuditAsync(wasLocked ? AuditActions.SignInRefusedLocked : AuditActions.LockedOut, user.Id, user.TenantId, user.Email, null);
        }
        else
        {
            await AuditAsync(AuditActions.SignInFailed, user.Id, user.TenantId, user.Email, "wrong password");
        }
        return result;
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient);
        await AuditTwoFactorAsync(user, result);
        return result;
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        await AuditTwoFactorAsync(user, result);
        return result;
    }

    public override async Task SignOutAsync()
    {
        var user = Context.User;
        if (user.Identity?.IsAuthenticated == true && Guid.TryParse(UserManager.GetUserId(user), out var id))
        {
            await AuditAsync(AuditActions.SignOut, id, null, user.Identity.Name, null);
            // The cookie's session ends on the server too: a copy of the cookie stops working everywhere.
            if (Authorization.SessionStore.SessionIdOf(user) is { } sid)
                await sessions.EndAsync(id, SessionEndReason.SignedOut, only: sid);
        }
        await base.SignOutAsync();
    }

    private async Task AuditTwoFactorAsync(AppUser? user, SignInResult result)
    {
        if (user is null) return;
        if (result.Succeeded) await RecordSignInAsync(user);
        else await AuditAsync(result.IsLockedOut ? AuditActions.LockedOut : AuditActions.SignInFailed, user.Id, user.TenantId, user.Email, "second factor");
    }

    private async Task RecordSignInAsync(AppUser user)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignIn, time.GetUtcNow().UtcDateTime));
        await AuditAsync(AuditActions.SignIn, user.Id, user.TenantId, user.Email, null);
    }

    private async Task AuditAsync(string action, Guid? userId, Guid? tenantId, string? who, string? detail)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        db.AuditEnabled = false;
        db.AuditLog.Add(new AuditLog
        {
            Action = action,
            EntityType = "users",
            EntityId = userId?.ToString(),
            TenantId = tenantId,
            ActorId = userId,
            ActorName = who,
            IpAddress = Context.Connection.RemoteIpAddress?.ToString(),
            After = detail is null ? null : System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(new { detail })),
            Created = time.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync();
        Logger.LogInformation("Account event {Action} for {UserId}", action, userId);
    }
}

/// <summary>The right password for an account that may not sign in (suspended, awaiting approval or verification): says why.</summary>
public sealed class AccountNotAllowed : SignInResult
{
    public AccountNotAllowed(string message)
    {
        IsNotAllowed = true;
        Message = message;
    }

    public string Message { get; }
}
