using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Identity;

namespace InfraAdmin.Components.Account;

/// <summary>
/// A new password typed twice, as the account forms ask for it (<see cref="Shared.NewPasswordFields"/>). Only the length
/// is checked here, so a huge post is answered beside the field; every other rule is the user's, applied by
/// <see cref="PolicyPasswordValidator"/> when the password is set.
/// </summary>
public class NewPasswordInput
{
    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(PolicyPasswordValidator.MaxLength, ErrorMessage = "Passwords are at most {1} characters.")]
    public string Password { get; set; } = "";

    [Compare(nameof(Password), ErrorMessage = "The two passwords do not match.")]
    public string ConfirmPassword { get; set; } = "";

    /// <summary>Passwords are never written back into a page.</summary>
    public void Forget() => Password = ConfirmPassword = "";

    /// <summary>Shows Identity's refusal of the password (too short, a control character…) beside the password field.</summary>
    public static void ShowRefusal(EditContext context, IdentityResult result)
    {
        var store = new ValidationMessageStore(context);
        store.Add(context.Field(nameof(Password)), result.Errors.Select(e => e.Description));
        context.NotifyValidationStateChanged();
    }
}
