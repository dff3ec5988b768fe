using System.Text;
using System.Text.Encodings.Web;
using InfraAdmin.Components.Account;
using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using QRCoder;

namespace InfraAdmin.Features.Preferences;

/// <summary>What the enrolment page shows: the shared key, the otpauth:// URI and its QR code (an SVG made on the server).</summary>
public sealed record AuthenticatorSetup(string SharedKey, string AuthenticatorUri, string QrSvgDataUri);

/// <summary>Authenticator-app (TOTP) enrolment with Identity's authenticator key.</summary>
/// <remarks>
/// A user who must enrol is refused everywhere else by authorization itself (<see cref="Authorization.UserAccess.MustEnrol"/>):
/// pages, exports, API calls and navigation inside an open circuit alike; a refused page load goes to <see cref="EnrolPath"/>.
/// </remarks>
public sealed class TwoFactorEnrolment(
    UserManager<AppUser> users, AccountSecurity security, Authorization.PermissionStore access,
    Microsoft.EntityFrameworkCore.IDbContextFactory<Data.InfraAdminDbContext> dbFactory, Authorization.CurrentUser currentUser, TimeProvider clock)
{
    public const string Issuer = "InfraAdmin";
    public const string EnrolPath = "/account/two-factor";

    /// <summary>The enrolment page, returning to <paramref name="returnUrl"/> (a local path) afterwards.</summary>
    public static string EnrolUrl(string returnUrl) => EnrolPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl);

    public async Task<bool> MustEnrolAsync(AppUser user) => !user.TwoFactorEnabled && (await security.ForUserAsync(user)).TwoFactorRequired;

    public async Task<AuthenticatorSetup> GetSetupAsync(AppUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("No authenticator key.");
        }
        var uri = AuthenticatorUri(user.Email ?? user.UserName ?? user.Id.ToString(), key);
        return new AuthenticatorSetup(FormatKey(key), uri, QrSvgDataUri(uri));
    }

    /// <summary>Checks a code from the app; on success turns 2FA on and returns fresh recovery codes.</summary>
    public async Task<IReadOnlyList<string>?> EnableAsync(AppUser user, string code)
    {
        code = code.Replace(" ", "").Replace("-", "");
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code)) return null;
        await users.SetTwoFactorEnabledAsync(user, true);
        // The next page must not send them back to enrolment: clear the cached "must enrol" here and on every instance.
        access.Invalidate(user.Id);
        await using (var db = await dbFactory.CreateDbContextAsync())
            await Authorization.AccessChangeListener.NotifyAsync(db);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, AccountService.RecoveryCodeCount))?.ToList() ?? [];
        await AuditEnabledAsync(user);
        return codes;
    }

    /// <summary>One row saying two-factor sign-in was turned on (never the key or the codes).</summary>
    private async Task AuditEnabledAsync(AppUser user)
    {
        var actor = await currentUser.GetActorAsync();
        await using var db = await dbFactory.CreateDbContextAsync();
        db.AuditEnabled = false;
        db.AuditLog.Add(new Data.Entities.AuditLog
        {
            Action = Data.Audit.AuditActions.AccountTwoFactorEnable, EntityType = "users", EntityId = user.Id.ToString(), TenantId = user.TenantId,
            ActorId = actor.UserId ?? user.Id, ActorName = actor.UserId is null ? user.Email ?? actor.Name : actor.Name, IpAddress = actor.IpAddress,
            Created = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync();
    }

    public static string AuthenticatorUri(string account, string key) =>
        $"otpauth://totp/{UrlEncoder.Default.Encode(Issuer)}:{UrlEncoder.Default.Encode(account)}?secret={key}&issuer={UrlEncoder.Default.Encode(Issuer)}&digits=6";

    private static string FormatKey(string key)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4) sb.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        return sb.ToString().TrimEnd().ToLowerInvariant();
    }

    private static string QrSvgDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.Q);
        var svg = new SvgQRCode(data).GetGraphic(5);
        return "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svg));
    }
}
