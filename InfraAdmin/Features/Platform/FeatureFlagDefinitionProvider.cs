using InfraAdmin.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.FeatureManagement;

namespace InfraAdmin.Features.Platform;

/// <summary>
/// Feature definitions for Microsoft.FeatureManagement from <c>feature_flags</c>: an enabled flag is on for the
/// tenants that the built-in <c>Microsoft.Targeting</c> filter puts inside <c>rollout_percentage</c>; a disabled
/// flag has no filter, so it is off for everyone. Cached for a few seconds (other instances pick up a change
/// within that), and <see cref="Invalidate"/> makes a change immediate here.
/// </summary>
public sealed class FeatureFlagDefinitionProvider(IDbContextFactory<InfraAdminDbContext> dbFactory, TimeProvider clock)
    : IFeatureDefinitionProvider
{
    public const string TargetingFilter = "Microsoft.Targeting";
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyDictionary<string, FeatureDefinition> Definitions, DateTimeOffset Expires);

    public async Task<FeatureDefinition> GetFeatureDefinitionAsync(string featureName) =>
        (await LoadAsync()).GetValueOrDefault(featureName)!;

    public async IAsyncEnumerable<FeatureDefinition> GetAllFeatureDefinitionsAsync()
    {
        foreach (var definition in (await LoadAsync()).Values) yield return definition;
    }

    public void Invalidate() => _snapshot = null;

    /// <summary>The definition of one flag: the targeting filter with the rollout as its default percentage, or nothing when off.</summary>
    public static FeatureDefinition Build(string key, bool isEnabled, int rolloutPercentage) => new()
    {
        Name = key,
        EnabledFor = isEnabled ? [TargetingConfiguration(rolloutPercentage)] : [],
    };

    public static FeatureFilterConfiguration TargetingConfiguration(int rolloutPercentage) => new()
    {
        Name = TargetingFilter,
        Parameters = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Audience:DefaultRolloutPercentage"] = Math.Clamp(rolloutPercentage, 0, 100).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build(),
    };

    private async Task<IReadOnlyDictionary<string, FeatureDefinition>> LoadAsync()
    {
        var snapshot = _snapshot;
        if (snapshot is not null && snapshot.Expires > clock.GetUtcNow()) return snapshot.Definitions;
        await using var db = await dbFactory.CreateDbContextAsync();
        var flags = await db.FeatureFlags.AsNoTracking()
            .Select(f => new { f.Key, Enabled = f.IsEnabled ?? false, Percentage = f.RolloutPercentage ?? 0 })
            .ToListAsync();
        var definitions = flags.ToDictionary(f => f.Key, f => Build(f.Key, f.Enabled, f.Percentage), StringComparer.Ordinal);
        _snapshot = new Snapshot(definitions, clock.GetUtcNow() + Lifetime);
        return definitions;
    }
}
