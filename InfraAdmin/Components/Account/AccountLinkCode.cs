using System.Text;
using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace InfraAdmin.Components.Account;

/// <summary>
/// The <c>code</c> of a mailed account link (set or reset a password, confirm an email, accept an invitation): an
/// Identity token as UTF-8 in base64url. A link is opened by hand as often as by click, so anything odd in it (no
/// code, bad base64, a NUL, an absurd length) reads as "invalid", never as an exception.
/// </summary>
public static class AccountLinkCode
{
    /// <summary>Identity's tokens are a few hundred characters; anything much longer is not one of ours.</summary>
    public const int MaxLength = 2048;

    public static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    /// <summary>The token in <paramref name="code"/>, or null when it cannot be one.</summary>
    public static string? Decode(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > MaxLength || code.Any(char.IsControl)) return null;
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
        return token.Length == 0 || token.Any(char.IsControl) ? null : token;
    }

    /// <summary>
    /// The user a password link (<c>userId</c> and a reset-purpose <c>code</c>) is for, with its token, when the link is
    /// still good: the id is a user's, and the token is theirs and not used or outdated (a password set since, a new
    /// invitation). Null for every other link, so a page shows nothing about a user to a link that is not theirs.
    /// </summary>
    public static async Task<(AppUser User, string Token)?> FindPasswordLinkAsync(UserManager<AppUser> users, string? userId, string? code)
    {
        if (!Guid.TryParse(userId, out var id) || Decode(code) is not { } token) return null;
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null) return null;
        var valid = await users.VerifyUserTokenAsync(
            user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<AppUser>.ResetPasswordTokenPurpose, token);
        return valid ? (user, token) : null;
    }
}
