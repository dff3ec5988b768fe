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
public sealed class TwoFactorEnrolment(UserManager<AppUser> users, AccountSecurity security)
{
    public const string Issuer = "InfraAdmin";

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
        return (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [];
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

/// <summary>
/// Sends a signed-in user who must enrol an authenticator app (tenant two_factor_required, or the staff setting)
/// to the enrolment page before any other page. Registered as a startup filter so it needs no line in Program.
/// </summary>
public sealed class TwoFactorEnrolmentGate(RequestDelegate next)
{
    public const string EnrolPath = "/account/two-factor";

    private static readonly string[] Exempt = ["/account/two-factor", "/Account/", "/_blazor", "/_framework", "/_content", "/assets", "/health", "/not-found", "/Error"];

    public async Task InvokeAsync(HttpContext context, UserManager<AppUser> users, TwoFactorEnrolment enrolment)
    {
        var path = context.Request.Path.Value ?? "/";
        if (HttpMethods.IsGet(context.Request.Method) && !IsExempt(path))
        {
            var auth = await context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
            if (auth.Succeeded && await users.GetUserAsync(auth.Principal) is { } user && await enrolment.MustEnrolAsync(user))
            {
                context.Response.Redirect(EnrolPath + "?returnUrl=" + Uri.EscapeDataString(path + context.Request.QueryString));
                return;
            }
        }
        await next(context);
    }

    public static bool IsExempt(string path) =>
        !path.StartsWith("/account/preferences", StringComparison.OrdinalIgnoreCase)
        && (Exempt.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || Path.HasExtension(path));
}

public sealed class TwoFactorEnrolmentStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<TwoFactorEnrolmentGate>();
        next(app);
    };
}
