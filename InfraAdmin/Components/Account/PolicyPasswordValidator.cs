using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace InfraAdmin.Components.Account;

/// <summary>Every password a user sets follows their rules: the tenant's policy, or the staff minimum length.</summary>
public sealed class PolicyPasswordValidator(AccountSecurity security) : IPasswordValidator<AppUser>
{
    public async Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        password ??= "";
        var rules = await security.ForUserAsync(user);
        var errors = new List<IdentityError>();
        if (password.Length < rules.PasswordMinLength)
            errors.Add(new() { Code = "PasswordTooShort", Description = $"Passwords must be at least {rules.PasswordMinLength} characters." });
        if (rules.RequireUppercase && !password.Any(char.IsUpper))
            errors.Add(new() { Code = "PasswordRequiresUpper", Description = "Passwords must have at least one uppercase letter (A-Z)." });
        if (rules.RequireDigit && !password.Any(char.IsDigit))
            errors.Add(new() { Code = "PasswordRequiresDigit", Description = "Passwords must have at least one digit (0-9)." });
        if (rules.RequireSymbol && password.All(char.IsLetterOrDigit))
            errors.Add(new() { Code = "PasswordRequiresNonAlphanumeric", Description = "Passwords must have at least one symbol." });
        return errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]);
    }
}
