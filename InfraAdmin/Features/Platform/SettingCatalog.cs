using System.Text.Json;
using System.Text.RegularExpressions;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Platform;

/// <summary>One setting the app knows: its key, type, range and coded default (unknown keys stay free JSON).</summary>
public abstract record SettingDefinition(string Key, string Label, string Description)
{
    /// <summary>"Integer", "Boolean" or "Text".</summary>
    public abstract string TypeName { get; }

    /// <summary>The rule in plain words, e.g. "A whole number from 8 to 128 (default 12)".</summary>
    public abstract string Rule { get; }

    /// <summary>Null when <paramref name="value"/> is acceptable, else what is wrong with it.</summary>
    public abstract string? Error(JsonElement value);

    /// <summary>A secret: its value is never logged (a stored value that breaks the rule is reported without it).</summary>
    public bool Sensitive { get; init; }
}

public sealed record IntSetting(string Key, string Label, string Description, int Min, int Max, int Default)
    : SettingDefinition(Key, Label, Description)
{
    public override string TypeName => "Integer";
    public override string Rule => $"A whole number from {Min} to {Max} (default {Default})";

    public override string? Error(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) && i >= Min && i <= Max
            ? null
            : $"{Label} is a whole number from {Min} to {Max} (not {value.GetRawText()}).";
}

public sealed record BoolSetting(string Key, string Label, string Description, bool Default)
    : SettingDefinition(Key, Label, Description)
{
    public override string TypeName => "Boolean";
    public override string Rule => $"true or false (default {(Default ? "true" : "false")})";

    public override string? Error(JsonElement value) =>
        value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? null
            : $"{Label} is true or false, without quotes (not {value.GetRawText()}).";
}

public sealed record TextSetting(string Key, string Label, string Description, Regex Pattern, string PatternRule, string Example, string? Default = null)
    : SettingDefinition(Key, Label, Description)
{
    /// <summary>A rule the text must also pass, beyond its pattern (e.g. <see cref="HttpsUrl.IsValid"/>: what the reader can use).</summary>
    public Func<string, bool>? Accepts { get; init; }

    public override string TypeName => "Text";
    public override string Rule => Default is null ? $"A JSON string: {PatternRule}" : $"A JSON string: {PatternRule} (default \"{Default}\")";

    public override string? Error(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && Pattern.IsMatch(value.GetString()!) && (Accepts?.Invoke(value.GetString()!) ?? true)
            ? null
            : $"{Label} is {PatternRule}, for example {Example}.";
}

/// <summary>Every setting the app reads, with its declared type, range and default (like the permission catalog).</summary>
public static partial class SettingCatalog
{
    [GeneratedRegex("^acct_[A-Za-z0-9]{8,32}$")]
    private static partial Regex StripeAccountPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    public static readonly IntSetting IpReputationStaleHours = new(SettingKeys.IpReputationStaleHours, "Stale after (hours)",
        "Hours after which an IP's reputation check counts as stale", 1, 720, 24);
    public static readonly IntSetting StaffPasswordMinLength = new(SettingKeys.StaffPasswordMinLength, "Staff password length",
        "Minimum password length for staff", 8, 128, 12);
    public static readonly IntSetting StaffMaxLoginAttempts = new(SettingKeys.StaffMaxLoginAttempts, "Staff sign-in attempts",
        "Failed sign-ins before a staff account is locked for 15 minutes", 3, 20, 5);
    public static readonly IntSetting StaffSessionHours = new(SettingKeys.StaffSessionHours, "Staff session (hours)",
        "How long a staff sign-in lasts", 1, 24, 8);
    public static readonly BoolSetting Staff2faRequired = new(SettingKeys.Staff2faRequired, "Staff 2FA required",
        "Staff must enrol an authenticator app", false);
    public static readonly TextSetting StripeAccountId = new(SettingKeys.StripeAccountId, "A Stripe account id",
        "Platform Stripe account receiving payments", StripeAccountPattern(), "acct_ followed by 8 to 32 letters or digits",
        "acct_1NxDemoPlatform7Q");
    public static readonly TextSetting BillingCurrency = new(SettingKeys.BillingCurrency, "The billing currency",
        "Currency of every amount the console shows (costs, revenue, margins); CSV columns name it", CurrencyPattern(),
        "an ISO 4217 code of three capital letters", "EUR", Default: "USD");
    public static readonly IntSetting AuditRetentionMonths = new(SettingKeys.AuditRetentionMonths, "Audit retention (months)",
        "Whole months of the audit log kept in the database; older months are exported to Audit:ArchivePath and dropped daily", 3, 120, 24);

    [GeneratedRegex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\\s]*)?$")]
    private static partial Regex HttpsUrlPattern();

    [GeneratedRegex("^[\\x21-\\x7E]{16,200}$")]
    private static partial Regex WebhookSecretPattern();

    public static readonly IntSetting AlertsListingCriticalWeight = new(SettingKeys.AlertsListingCriticalWeight, "Critical listing weight",
        "A blacklist listing on a provider of at least this weight (IpReputation:BlacklistProviders) raises a critical alert", 1, 100, 70);
    public static readonly IntSetting AlertsListingWarningWeight = new(SettingKeys.AlertsListingWarningWeight, "Warning listing weight",
        "A listing on a provider of at least this weight (and below the critical weight) raises a warning; lighter ones an info alert", 1, 100, 30);
    public static readonly TextSetting AlertsWebhookUrl = new(SettingKeys.AlertsWebhookUrl, "The alert webhook URL",
        "Every new alert is posted here as JSON, signed with alerts.webhook_secret (X-InfraAdmin-Signature: sha256=<hex HMAC of the body>); unset: no webhook",
        HttpsUrlPattern(), $"an https:// address of at most {HttpsUrl.MaxLength} characters", "https://hooks.example.com/infraadmin")
        { Accepts = HttpsUrl.IsValid };
    public static readonly TextSetting AlertsWebhookSecret = new(SettingKeys.AlertsWebhookSecret, "The alert webhook secret",
        "The HMAC-SHA256 key of the webhook's signature; save it as a sensitive key", WebhookSecretPattern(),
        "16 to 200 printable ASCII characters without spaces", "a long random string") { Sensitive = true };

    public static readonly IReadOnlyList<SettingDefinition> All =
        [IpReputationStaleHours, StaffPasswordMinLength, StaffMaxLoginAttempts, StaffSessionHours, Staff2faRequired, StripeAccountId, BillingCurrency,
         AuditRetentionMonths, AlertsListingCriticalWeight, AlertsListingWarningWeight, AlertsWebhookUrl, AlertsWebhookSecret];

    private static readonly Dictionary<string, SettingDefinition> ByKey = All.ToDictionary(s => s.Key, StringComparer.Ordinal);

    /// <summary>The definition of a known key, or null for a free-JSON key.</summary>
    public static SettingDefinition? Find(string? key) => key is null ? null : ByKey.GetValueOrDefault(key);

    /// <summary>Null when the JSON text suits the key (or the key is unknown), else what is wrong. The text must be valid JSON.</summary>
    public static string? ValueError(string key, string json)
    {
        if (Find(key) is not { } definition) return null;
        using var doc = JsonDocument.Parse(json);
        return definition.Error(doc.RootElement);
    }
}
