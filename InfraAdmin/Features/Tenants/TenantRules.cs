using System.Net.Mail;
using System.Text.RegularExpressions;
using InfraAdmin.Components.Shared;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Tenants;

/// <summary>The validation rules of tenant settings and policies (pure, so pages and tests share them).</summary>
public static partial class TenantRules
{
    public const int MinPasswordLength = 8, MaxPasswordLength = 128;
    public const int MinSessionHours = 1, MaxSessionHours = 720;
    public const int MinLoginAttempts = 3, MaxLoginAttempts = 20;
    public const decimal MaxMonthlyRevenue = 99_999_999.99m; // numeric(10,2)

    /// <summary>
    /// The date formats a tenant may choose: only those no language can misread (never 12/1/2026). A value stored before
    /// the list was narrowed is ignored when dates are shown (the viewer's language decides) and refused on the next save (ui_date_format holds at most 20 characters).
    /// </summary>
    public static readonly IReadOnlyList<string> DateFormats = ["d MMM yyyy", "MMM d, yyyy", "yyyy-MM-dd"];

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex HexColour();

    public static bool IsColour(string? value) => value is not null && HexColour().IsMatch(value);

    public static bool IsEmail(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= 255 && MailAddress.TryCreate(value, out var m) && m.Address == value;

    public static IReadOnlyDictionary<string, string> Validate(TenantSettingsForm f)
    {
        var errors = new Dictionary<string, string>();
        if (!string.IsNullOrWhiteSpace(f.BillingEmail) && !IsEmail(f.BillingEmail.Trim()))
            errors[nameof(f.BillingEmail)] = "Enter a valid email address.";
        if (!string.IsNullOrWhiteSpace(f.PrimaryColor) && !IsColour(f.PrimaryColor.Trim()))
            errors[nameof(f.PrimaryColor)] = "Use a colour like #1565C0 (# and six hex digits).";
        if (!string.IsNullOrWhiteSpace(f.LogoUrl) && !HttpsUrl.IsValid(f.LogoUrl.Trim()))
            errors[nameof(f.LogoUrl)] = "The logo must be an https:// address.";
        if (!string.IsNullOrWhiteSpace(f.FaviconUrl) && !HttpsUrl.IsValid(f.FaviconUrl.Trim()))
            errors[nameof(f.FaviconUrl)] = "The favicon must be an https:// address.";
        if (!string.IsNullOrWhiteSpace(f.DateFormat) && !DateFormats.Contains(f.DateFormat))
            errors[nameof(f.DateFormat)] = "Pick one of the listed date formats.";
        if (!string.IsNullOrWhiteSpace(f.TimeZone) && !TimeZones.IsKnown(f.TimeZone.Trim()))
            errors[nameof(f.TimeZone)] = "Unknown time zone: use an IANA name such as Europe/Berlin.";
        if (f.StripeCustomerId is { Length: > 255 })
            errors[nameof(f.StripeCustomerId)] = "At most 255 characters.";
        Length(errors, nameof(f.AddressLine1), f.AddressLine1, 200);
        Length(errors, nameof(f.AddressLine2), f.AddressLine2, 200);
        Length(errors, nameof(f.City), f.City, 100);
        Length(errors, nameof(f.Region), f.Region, 100);
        Length(errors, nameof(f.PostalCode), f.PostalCode, 20);
        if (!string.IsNullOrWhiteSpace(f.Country) && !CountryCode().IsMatch(f.Country.Trim()))
            errors[nameof(f.Country)] = "Use a two-letter country code such as US or DE.";
        return errors;
    }

    [GeneratedRegex("^[A-Za-z]{2}$")]
    private static partial Regex CountryCode();

    public static IReadOnlyDictionary<string, string> Validate(TenantPoliciesForm f)
    {
        var errors = new Dictionary<string, string>();
        if (f.PasswordMinLength is < MinPasswordLength or > MaxPasswordLength)
            errors[nameof(f.PasswordMinLength)] = $"Between {MinPasswordLength} and {MaxPasswordLength} characters.";
        if (f.SessionTimeoutHours is < MinSessionHours or > MaxSessionHours)
            errors[nameof(f.SessionTimeoutHours)] = $"Between {MinSessionHours} and {MaxSessionHours} hours.";
        if (f.MaxLoginAttempts is < MinLoginAttempts or > MaxLoginAttempts)
            errors[nameof(f.MaxLoginAttempts)] = $"Between {MinLoginAttempts} and {MaxLoginAttempts} attempts.";
        if (!Data.Entities.UserStatus.All.Contains(f.DefaultStatus))
            errors[nameof(f.DefaultStatus)] = "Pick pending, active or suspended.";
        return errors;
    }

    public static IReadOnlyDictionary<string, string> Validate(TenantEditForm f)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(f.Name) || f.Name.Trim().Length > 200) errors[nameof(f.Name)] = "A name of 1 to 200 characters.";
        if (!Data.Entities.TenantPlan.All.Contains(f.Plan)) errors[nameof(f.Plan)] = "Pick one of the plans.";
        if (!Data.Entities.TenantStatus.All.Contains(f.Status)) errors[nameof(f.Status)] = "Pick active, trial or suspended.";
        if (NumberText.MoneyRule(f.MonthlyRevenue, required: true, MaxMonthlyRevenue) is { } revenue) errors[nameof(f.MonthlyRevenue)] = revenue;
        return errors;
    }

    private static void Length(Dictionary<string, string> errors, string field, string? value, int max)
    {
        if (value is not null && value.Trim().Length > max) errors[field] = $"At most {max} characters.";
    }
}
