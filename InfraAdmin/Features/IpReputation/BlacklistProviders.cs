using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace InfraAdmin.Features.IpReputation;

/// <summary>A blacklist provider the checks may name: <c>IpReputation:BlacklistProviders</c> in configuration.</summary>
public sealed class BlacklistProvider
{
    /// <summary>The name stored in <c>provider_blacklist_status</c> and sent by the checker (lowercase).</summary>
    public string Name { get; set; } = "";

    /// <summary>What staff see.</summary>
    public string Label { get; set; } = "";

    /// <summary>How much a listing on it matters (1–100): higher ranks first (Spamhaus above a niche list).</summary>
    public int Weight { get; set; }
}

/// <summary>The <c>IpReputation</c> configuration section.</summary>
public sealed class IpReputationOptions
{
    public const string Section = "IpReputation";

    public List<BlacklistProvider> BlacklistProviders { get; set; } = [];

    /// <summary>The known providers, highest weight first, then by name.</summary>
    public IReadOnlyList<BlacklistProvider> Ranked => BlacklistProviders.OrderByDescending(p => p.Weight).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();

    public BlacklistProvider? Find(string? name) =>
        BlacklistProviders.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The refusal for a name that is not configured, listing the known ones.</summary>
    public string UnknownMessage(string? name) =>
        $"Unknown blacklist provider '{name?.Trim()}'. Known providers: {string.Join(", ", Ranked.Select(p => p.Name))}.";
}

/// <summary>Checked at start-up: at least one provider, names unique and well formed, a label, a weight of 1–100.</summary>
public sealed partial class IpReputationOptionsValidator : IValidateOptions<IpReputationOptions>
{
    public ValidateOptionsResult Validate(string? name, IpReputationOptions options)
    {
        var errors = new List<string>();
        if (options.BlacklistProviders.Count == 0) errors.Add("IpReputation:BlacklistProviders must list at least one provider.");
        foreach (var (p, i) in options.BlacklistProviders.Select((p, i) => (p, i)))
        {
            var at = $"IpReputation:BlacklistProviders:{i}";
            if (!NamePattern().IsMatch(p.Name ?? "")) errors.Add($"{at}:Name '{p.Name}' must be 1–50 lowercase letters, digits, '.', '_' or '-'.");
            if (string.IsNullOrWhiteSpace(p.Label)) errors.Add($"{at}:Label is required.");
            if (p.Weight is < 1 or > 100) errors.Add($"{at}:Weight {p.Weight} must be 1–100.");
        }
        foreach (var dup in options.BlacklistProviders.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            errors.Add($"IpReputation:BlacklistProviders names '{dup.Key}' more than once.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,49}$")]
    private static partial Regex NamePattern();
}
