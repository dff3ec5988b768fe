using System.Text.Json;
using System.Text.RegularExpressions;

namespace InfraAdmin.Features.Platform;

/// <summary>The rules for configuration keys, values and flag keys, shared by the services and the forms.</summary>
public static partial class ConfigRules
{
    /// <summary>system_config.key is varchar(255); audit_log.entity_id is as wide, so every key can be audited.</summary>
    public const int MaxKeyLength = 255;
    public const int MaxFlagKeyLength = 100;
    public const int MaxDescriptionLength = 500;
    public const int MaxCategoryLength = 50;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [GeneratedRegex("^[a-z0-9_.-]+$")]
    private static partial Regex KeyPattern();

    /// <summary>Null when the key is acceptable, else what is wrong with it.</summary>
    public static string? KeyError(string? key, int maxLength = MaxKeyLength)
    {
        if (string.IsNullOrEmpty(key)) return "Enter a key.";
        if (key.Length > maxLength) return $"A key has at most {maxLength} characters (this one has {key.Length}).";
        if (key.Any(char.IsWhiteSpace)) return "A key cannot contain spaces.";
        if (!KeyPattern().IsMatch(key)) return "Use lowercase letters, digits, '.', '_' and '-' only.";
        return null;
    }

    /// <summary>Null when the text is one JSON value, else the parser's complaint in plain words.</summary>
    public static string? JsonError(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return "Enter a JSON value, for example 24, true or \"text\" (with quotes).";
        try
        {
            using var _ = JsonDocument.Parse(json);
            return null;
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1})" : "";
            return $"This is not valid JSON{where}. Text values need double quotes, like \"us-east\".";
        }
    }

    /// <summary>Null when <paramref name="accountId"/> looks like a Stripe account id.</summary>
    public static string? StripeAccountError(string? accountId) =>
        accountId is not null && SettingCatalog.StripeAccountId.Pattern.IsMatch(accountId)
            ? null
            : "A Stripe account id is acct_ followed by 8 to 32 letters or digits, for example acct_1NxDemoPlatform7Q.";

    /// <summary>The Stripe account id inside a JSON value, or null when the value is not a JSON string.</summary>
    public static string? StripeAccountFromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.ValueKind == JsonValueKind.String ? doc.RootElement.GetString() : null;
    }

    public static string Pretty(JsonElement value) => JsonSerializer.Serialize(value, Indented);

    public static string Pretty(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Pretty(doc.RootElement);
    }

    public const int MinRolloutPercentage = 0, MaxRolloutPercentage = 100;

    public static string? PercentageError(int percentage) =>
        percentage is < MinRolloutPercentage or > MaxRolloutPercentage
            ? $"The rollout percentage is between {MinRolloutPercentage} and {MaxRolloutPercentage} (not {percentage})." : null;
}
