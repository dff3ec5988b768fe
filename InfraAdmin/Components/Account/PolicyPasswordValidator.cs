using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace InfraAdmin.Components.Account;

/// <summary>
/// Every password a user sets follows their rules: the tenant's policy, or the staff minimum length; and, for everyone,
/// at most <see cref="MaxLength"/> characters and no control characters (a NUL byte, a newline pasted by mistake).
/// </summary>
public sealed class PolicyPasswordValidator(AccountSecurity security) : IPasswordValidator<AppUser>
{
    public const int MaxLength = 128;

    /// <summary>The rules in words, for the forms that ask for a new password.</summary>
    public static IReadOnlyList<string> Describe(SecurityRules rules)
    {
        var lines = new List<string> { $"at least {rules.PasswordMinLength} characters (at most {MaxLength})" };
        if (rules.RequireUppercase) lines.Add("an uppercase letter (A-Z)");
        if (rules.RequireDigit) lines.Add("a digit (0-9)");
        if (rules.RequireSymbol) lines.Add("a symbol (not a letter or digit)");
        return lines;
    }

    public async Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        password ??= "";
        var rules = await security.ForUserAsync(user);
        var errors = new List<IdentityError>();
        if (password.Length < rules.PasswordMinLength)
            errors.Add(new() { Code = "PasswordTooShort", Description = $"Passwords must be at least {rules.PasswordMinLength} characters." });
        if (password.Length > MaxLength)
            errors.Add(new() { Code = "PasswordTooLong", Description = $"Passwords must be at most {MaxLength} characters." });
        if (password.Any(char.IsControl))
            errors.Add(new() { Code = "PasswordHasControlCharacters", Description = "Passwords cannot contain control characters (such as a line break)." });
        if (rules.RequireUppercase && !password.Any(char.IsUpper))
            errors.Add(new() { Code = "PasswordRequiresUpper", Description = "Passwords must have at least one uppercase letter (A-Z)." });
        if (rules.RequireDigit && !password.Any(char.IsDigit))
            errors.Add(new() { Code = "PasswordRequiresDigit", Description = "Passwords must have at least one digit (0-9)." });
        if (rules.RequireSymbol && password.All(char.IsLetterOrDigit))
            errors.Add(new() { Code = "PasswordRequiresNonAlphanumeric", Description = "Passwords must have at least one symbol." });
        return errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]);
    }
}
