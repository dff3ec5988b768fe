using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using Npgsql;

namespace InfraAdmin.Features.Platform;

public sealed record FlagRow(
    Guid Id, string Key, string? Description, bool IsEnabled, int RolloutPercentage,
    string? UpdatedBy, DateTime? Updated, uint Version);

public sealed class FlagInput
{
    public string Key { get; set; } = "";
    public string? Description { get; set; }
    public bool IsEnabled { get; set; }
    public int RolloutPercentage { get; set; }
}

public sealed record TenantChoice(Guid Id, string Name);

/// <summary>How many tenants a flag state reaches, and whether the chosen tenant is one of them.</summary>
public sealed record RolloutPreview(int InRollout, int Tenants, bool? ChosenTenantIn);

/// <summary>feature_flags for /settings/feature-flags: list, create, change, delete and the rollout preview.</summary>
public sealed class FeatureFlagService(
    IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser,
    FeatureFlagDefinitionProvider definitions, ILoggerFactory loggerFactory, SharedSummaries summaries)
{
    private readonly ContextualTargetingFilter _targeting = new(Options.Create(new TargetingEvaluationOptions()), loggerFactory);

    public async Task<IReadOnlyList<FlagRow>> ListAsync(CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Flags.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.FeatureFlags.AsNoTracking().OrderBy(f => f.Key)
            .Select(f => new FlagRow(f.Id, f.Key, f.Description, f.IsEnabled ?? false, f.RolloutPercentage ?? 0,
                db.Users.Where(u => u.Id == f.UpdatedBy).Select(u => u.Email).FirstOrDefault(), f.Updated, f.Version))
            .ToListAsync(ct);
    }

    public async Task<Guid> CreateAsync(FlagInput input, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Flags.Manage);
        var key = input.Key.Trim();
        var errors = Validate(input, key);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!errors.ContainsKey(nameof(FlagInput.Key)) && await db.FeatureFlags.AnyAsync(f => f.Key == key, ct))
            errors[nameof(FlagInput.Key)] = Duplicate(key);
        ValidationFailedException.ThrowIfAny(errors);
        var flag = new FeatureFlag
        {
            Key = key, Description = Blank(input.Description), IsEnabled = input.IsEnabled,
            RolloutPercentage = input.RolloutPercentage, UpdatedBy = await currentUser.GetUserIdAsync(),
        };
        db.FeatureFlags.Add(flag);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new ValidationFailedException(new Dictionary<string, string> { [nameof(FlagInput.Key)] = Duplicate(key) });
        }
        definitions.Invalidate();
        return flag.Id;
    }

    /// <summary>Changes the on/off state, rollout and description of a flag the user saw at <paramref name="seenVersion"/>.</summary>
    public async Task UpdateAsync(Guid id, bool isEnabled, int rolloutPercentage, string? description, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Flags.Manage);
        var errors = new Dictionary<string, string>();
        if (ConfigRules.PercentageError(rolloutPercentage) is { } pctError) errors[nameof(FlagInput.RolloutPercentage)] = pctError;
        if (description?.Trim().Length > ConfigRules.MaxDescriptionLength)
            errors[nameof(FlagInput.Description)] = $"A description has at most {ConfigRules.MaxDescriptionLength} characters.";
        ValidationFailedException.ThrowIfAny(errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var flag = await db.FeatureFlags.FirstOrDefaultAsync(f => f.Id == id, ct) ?? throw Gone();
        flag.IsEnabled = isEnabled;
        flag.RolloutPercentage = rolloutPercentage;
        flag.Description = Blank(description);
        flag.UpdatedBy = await currentUser.GetUserIdAsync();
        await SaveAsync(db, flag, seenVersion, ct);
    }

    public async Task DeleteAsync(Guid id, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Flags.Manage);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var flag = await db.FeatureFlags.FirstOrDefaultAsync(f => f.Id == id, ct) ?? throw Gone();
        db.FeatureFlags.Remove(flag);
        await SaveAsync(db, flag, seenVersion, ct);
    }

    /// <summary>How many tenants the preview's tenant search offers at a time.</summary>
    public const int TenantChoiceLimit = 20;

    /// <summary>Tenants whose name contains the text, the first <see cref="TenantChoiceLimit"/> by name (a search, never every tenant).</summary>
    public async Task<IReadOnlyList<TenantChoice>> SearchTenantsAsync(string? text, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Flags.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Tenants.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text)) q = q.Where(t => EF.Functions.ILike(t.Name, SqlLike.Containing(text.Trim())));
        return await q.OrderBy(t => t.Name).ThenBy(t => t.Id).Take(TenantChoiceLimit).Select(t => new TenantChoice(t.Id, t.Name)).ToListAsync(ct);
    }

    /// <summary>
    /// Which tenants a flag would reach with this state (saved or still being edited), bucketed by the library's
    /// targeting filter exactly as <see cref="FeatureFlags"/> evaluates the saved flag.
    /// </summary>
    public Task<RolloutPreview> PreviewAsync(string flagKey, bool isEnabled, int rolloutPercentage, Guid? chosenTenant, CancellationToken ct = default) =>
        PreviewAsync(flagKey, isEnabled, rolloutPercentage, chosenTenant, Freshness.Current, ct);

    public async Task<RolloutPreview> PreviewAsync(string flagKey, bool isEnabled, int rolloutPercentage, Guid? chosenTenant,
        Freshness freshness, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Flags.View);
        var filters = Filters(flagKey, isEnabled, rolloutPercentage);
        // The count over every tenant is the same for every viewer (shared until a tenant is added or removed); the
        // chosen tenant's answer is one evaluation, the same the count made for it.
        var (inRollout, tenants) = await summaries.GetAsync($"flags.preview:{flagKey}:{isEnabled}:{rolloutPercentage}", [LiveTables.Tenants], freshness,
            c => CountInRolloutAsync(filters, c), ct);
        bool? chosen = chosenTenant is { } t ? await IsInAsync(filters, t) : null;
        return new RolloutPreview(inRollout, tenants, chosen);
    }

    private List<FeatureFilterEvaluationContext> Filters(string flagKey, bool isEnabled, int rolloutPercentage)
    {
        var definition = FeatureFlagDefinitionProvider.Build(flagKey, isEnabled, rolloutPercentage);
        // The filters' settings bound once for every tenant (the library binds them per evaluation when not given).
        return definition.EnabledFor.Select(f => new FeatureFilterEvaluationContext
            { FeatureName = definition.Name, Parameters = f.Parameters, Settings = _targeting.BindParameters(f.Parameters) }).ToList();
    }

    private async Task<(int InRollout, int Tenants)> CountInRolloutAsync(IReadOnlyList<FeatureFilterEvaluationContext> filters, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Bucketing is SHA-256 in the library, not SQL: only the ids are read.
        var tenantIds = await db.Tenants.AsNoTracking().Select(t => t.Id).ToListAsync(ct);
        var inRollout = 0;
        foreach (var id in tenantIds)
            if (await IsInAsync(filters, id)) inRollout++;
        return (inRollout, tenantIds.Count);
    }

    private async Task<bool> IsInAsync(IReadOnlyList<FeatureFilterEvaluationContext> filters, Guid tenantId)
    {
        foreach (var context in filters)
            if (await _targeting.EvaluateAsync(context, FeatureFlags.ContextFor(tenantId))) return true;
        return false;
    }

    private async Task SaveAsync(InfraAdminDbContext db, FeatureFlag flag, uint seenVersion, CancellationToken ct)
    {
        db.Entry(flag).Property(x => x.Version).OriginalValue = seenVersion;
        await db.SaveOrStaleAsync(ct,
            $"Someone else changed the flag '{flag.Key}' since you loaded it, so nothing was saved. Reload to see their change, then try again.");
        definitions.Invalidate();
    }

    private static Dictionary<string, string> Validate(FlagInput input, string key)
    {
        var errors = new Dictionary<string, string>();
        if (ConfigRules.KeyError(key, ConfigRules.MaxFlagKeyLength) is { } keyError) errors[nameof(FlagInput.Key)] = keyError;
        if (ConfigRules.PercentageError(input.RolloutPercentage) is { } pctError) errors[nameof(FlagInput.RolloutPercentage)] = pctError;
        if (input.Description?.Trim().Length > ConfigRules.MaxDescriptionLength)
            errors[nameof(FlagInput.Description)] = $"A description has at most {ConfigRules.MaxDescriptionLength} characters.";
        return errors;
    }

    private static string Duplicate(string key) => $"A flag named '{key}' already exists.";

    private static StaleEditException Gone() => new("That flag no longer exists: someone deleted it. Reload the list.");

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
