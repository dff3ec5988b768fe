using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Audit;
using InfraAdmin.Data.Entities;
using InfraAdmin.Data;
using InfraAdmin.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InfraAdmin.Features.Platform;

/// <summary>
/// One key as the browser may see it: a sensitive key's value is never in it. <see cref="Problem"/> says why a known
/// key's stored value breaks its rule (the app then uses the coded default).
/// </summary>
public sealed record ConfigRow(
    string Key, string? Category, string? Description, bool IsSensitive, string? PrettyValue,
    string? UpdatedBy, DateTime? Updated, uint Version, string? Problem = null)
{
    public SettingDefinition? Definition => SettingCatalog.Find(Key);
}

/// <summary>What a user typed into the key form. <see cref="ValueJson"/> blank on a sensitive key's edit keeps its value.</summary>
public sealed class ConfigInput
{
    public string Key { get; set; } = "";
    public string? Category { get; set; }
    public string? Description { get; set; }
    public bool IsSensitive { get; set; }
    public string? ValueJson { get; set; }
}

public sealed record FieldDiff(string Field, string? Before, string? After);

/// <summary>One audited change of a key, newest first; <see cref="RevertBlockedReason"/> says why it cannot be reverted.</summary>
public sealed record ConfigChange(
    long AuditId, DateTime Created, string? ActorName, string Action, IReadOnlyList<FieldDiff> Fields,
    bool CanRevert, string? RevertBlockedReason);

/// <summary>
/// system_config for /settings/system: list, create, edit, delete, reveal (audited) and history with revert.
/// Sensitive values leave this service only through <see cref="RevealAsync"/>.
/// </summary>
public sealed class SystemConfigService(
    IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, SystemSettings settings, TimeProvider clock)
{
    public const string EntityType = "system_config";
    public const string RevealAction = AuditActions.ConfigReveal;
    public const string RevertAction = AuditActions.ConfigRevert;
    public const string Hidden = "•••• hidden";

    private static readonly string[] RevertableFields = ["value", "description", "category", "is_sensitive"];

    public async Task<IReadOnlyList<ConfigRow>> ListAsync(string? search = null, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Config.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.SystemConfig.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = SqlLike.Containing(search);
            query = query.Where(c => EF.Functions.ILike(c.Key, pattern)
                || c.Description != null && EF.Functions.ILike(c.Description, pattern)
                || c.Category != null && EF.Functions.ILike(c.Category, pattern));
        }
        return await ProjectAsync(db, query.OrderBy(c => c.Category).ThenBy(c => c.Key), ct);
    }

    public async Task<ConfigRow?> GetAsync(string key, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Config.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await ProjectAsync(db, db.SystemConfig.AsNoTracking().Where(c => c.Key == key), ct)).SingleOrDefault();
    }

    private static async Task<IReadOnlyList<ConfigRow>> ProjectAsync(InfraAdminDbContext db, IQueryable<SystemConfig> query, CancellationToken ct)
    {
        var rows = await query
            .Select(c => new
            {
                c.Key, c.Category, c.Description, Sensitive = c.IsSensitive ?? false,
                // The value of a sensitive key is not even read from the database here, unless the app knows its
                // rule: then it is checked here and never leaves this method.
                Value = c.IsSensitive == true && !KnownKeys.Contains(c.Key) ? null : c.Value,
                Email = db.Users.Where(u => u.Id == c.UpdatedBy).Select(u => u.Email).FirstOrDefault(),
                c.Updated, c.Version,
            })
            .ToListAsync(ct);
        return rows.Select(r => new ConfigRow(r.Key, r.Category, r.Description, r.Sensitive,
            r.Sensitive ? null : r.Value is null ? "null" : ConfigRules.Pretty(r.Value.RootElement),
            r.Email, r.Updated, r.Version, Problem(r.Key, r.Value))).ToList();
    }

    private static readonly string[] KnownKeys = SettingCatalog.All.Select(s => s.Key).ToArray();

    private static string? Problem(string key, JsonDocument? value)
    {
        if (SettingCatalog.Find(key) is not { } definition) return null;
        var error = value is null ? $"{definition.Label} is missing." : definition.Error(value.RootElement);
        return error is null ? null : $"The stored value breaks the rule, so the app uses the default. {error}";
    }

    public async Task CreateAsync(ConfigInput input, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Config.Manage);
        var key = input.Key.Trim();
        var errors = Validate(input, key, requireValue: true);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!errors.ContainsKey(nameof(ConfigInput.Key)) && await db.SystemConfig.AnyAsync(c => c.Key == key, ct))
            errors[nameof(ConfigInput.Key)] = $"A key named '{key}' already exists: edit it instead.";
        ValidationFailedException.ThrowIfAny(errors);

        db.SystemConfig.Add(new SystemConfig
        {
            Key = key, Value = JsonDocument.Parse(input.ValueJson!), Category = Blank(input.Category),
            Description = Blank(input.Description), IsSensitive = input.IsSensitive || SettingCatalog.Find(key)?.Sensitive == true, UpdatedBy = await currentUser.GetUserIdAsync(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new ValidationFailedException(new Dictionary<string, string>
            {
                [nameof(ConfigInput.Key)] = $"A key named '{key}' already exists: edit it instead.",
            });
        }
        settings.Invalidate();
    }

    public async Task UpdateAsync(string key, ConfigInput input, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Config.Manage);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entity = await db.SystemConfig.FirstOrDefaultAsync(c => c.Key == key, ct) ?? throw Gone(key);
        var keepValue = (entity.IsSensitive ?? false) && string.IsNullOrWhiteSpace(input.ValueJson);
        ValidationFailedException.ThrowIfAny(Validate(input, key, requireValue: !keepValue));

        if (!keepValue) entity.Value = JsonDocument.Parse(input.ValueJson!);
        entity.Category = Blank(input.Category);
        entity.Description = Blank(input.Description);
        // A secret the catalog declares (the alert webhook's) stays sensitive whatever the form says: never shown, never audited in clear.
        entity.IsSensitive = input.IsSensitive || SettingCatalog.Find(key)?.Sensitive == true;
        await SaveAsync(db, entity, seenVersion, null, ct);
    }

    public async Task DeleteAsync(string key, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Config.Manage);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entity = await db.SystemConfig.FirstOrDefaultAsync(c => c.Key == key, ct) ?? throw Gone(key);
        db.SystemConfig.Remove(entity);
        await SaveAsync(db, entity, seenVersion, null, ct);
    }

    /// <summary>A sensitive value, for a user with config.reveal; the reveal is audited (without the value).</summary>
    public async Task<string> RevealAsync(string key, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Config.Reveal);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entity = await db.SystemConfig.AsNoTracking().FirstOrDefaultAsync(c => c.Key == key, ct) ?? throw Gone(key);
        var actor = await currentUser.GetActorAsync();
        db.AuditLog.Add(new AuditLog
        {
            ActorId = actor.UserId, ActorName = actor.Name, IpAddress = actor.IpAddress, Action = RevealAction,
            EntityType = EntityType, EntityId = key, Created = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        return entity.Value is null ? "null" : ConfigRules.Pretty(entity.Value.RootElement);
    }

    /// <summary>The key's audited changes as field-level diffs, newest first (sensitive values arrive redacted).</summary>
    public async Task<IReadOnlyList<ConfigChange>> HistoryAsync(string key, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Config.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.AuditLog.AsNoTracking()
            .Where(a => a.EntityType == EntityType && a.EntityId == key)
            .OrderByDescending(a => a.Created).ThenByDescending(a => a.Id)
            .Take(200).ToListAsync(ct);
        return rows.Select(ToChange).ToList();
    }

    /// <summary>Puts back the fields as they were before an audited change (itself audited as config.revert).</summary>
    public async Task RevertAsync(string key, long auditId, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Config.Manage);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.AuditLog.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == auditId && a.EntityType == EntityType && a.EntityId == key, ct)
            ?? throw new NotFoundException($"That change of '{key}' is not in the audit log.");
        var change = ToChange(row);
        if (!change.CanRevert) throw new RefusedException(change.RevertBlockedReason!);
        var entity = await db.SystemConfig.FirstOrDefaultAsync(c => c.Key == key, ct) ?? throw Gone(key);

        var before = row.Before!.RootElement;
        foreach (var field in before.EnumerateObject())
        {
            switch (field.Name)
            {
                case "value": entity.Value = JsonDocument.Parse(field.Value.GetRawText()); break;
                case "description": entity.Description = field.Value.ValueKind == JsonValueKind.Null ? null : field.Value.GetString(); break;
                case "category": entity.Category = field.Value.ValueKind == JsonValueKind.Null ? null : field.Value.GetString(); break;
                case "is_sensitive": entity.IsSensitive = field.Value.ValueKind == JsonValueKind.True; break;
            }
        }
        if (entity.Value is not null && SettingCatalog.Find(key)?.Error(entity.Value.RootElement) is { } ruleError)
            throw new RefusedException($"The earlier value cannot be put back: {ruleError}");
        await SaveAsync(db, entity, seenVersion, RevertAction, ct);
    }

    private async Task SaveAsync(InfraAdminDbContext db, SystemConfig entity, uint seenVersion, string? action, CancellationToken ct)
    {
        var entry = db.Entry(entity);
        entry.Property(x => x.Version).OriginalValue = seenVersion;
        if (entry.State != EntityState.Deleted) entity.UpdatedBy = await currentUser.GetUserIdAsync();
        db.AuditAction = action;
        await db.SaveOrStaleAsync(ct,
            $"Someone else changed '{entity.Key}' since you opened it, so nothing was saved. Reload to see their change, then try again.");
        settings.Invalidate();
    }

    private static ConfigChange ToChange(AuditLog row)
    {
        var before = row.Before?.RootElement;
        var after = row.After?.RootElement;
        var names = new List<string>();
        foreach (var doc in new[] { before, after })
        {
            if (doc is not { ValueKind: JsonValueKind.Object } o) continue;
            foreach (var p in o.EnumerateObject())
                if (p.Name is not ("updated" or "updated_by" or "key") && !names.Contains(p.Name)) names.Add(p.Name);
        }
        var fields = names.Select(n => new FieldDiff(n, Show(before, n), Show(after, n))).ToList();

        string? blocked = null;
        if (row.Action == RevealAction) blocked = "A reveal changes nothing.";
        else if (before is not { ValueKind: JsonValueKind.Object } b || !b.EnumerateObject().Any(p => RevertableFields.Contains(p.Name)))
            blocked = row.Action == AuditActions.Create ? "This is when the key was created; delete the key to undo it." : "Nothing to put back.";
        else if (IsRedacted(b, "value"))
            blocked = "This is a sensitive key: its earlier value is not kept in the history, so it cannot be restored from here. Set it again by editing the key.";
        return new ConfigChange(row.Id, row.Created, row.ActorName, row.Action, fields, blocked is null, blocked);
    }

    private static string? Show(JsonElement? doc, string field)
    {
        if (doc is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(field, out var v)) return null;
        if (v.ValueKind == JsonValueKind.String && v.GetString() == AuditRedaction.Redacted) return Hidden;
        return ConfigRules.Pretty(v);
    }

    private static bool IsRedacted(JsonElement doc, string field) =>
        doc.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == AuditRedaction.Redacted;

    private static Dictionary<string, string> Validate(ConfigInput input, string key, bool requireValue)
    {
        var errors = new Dictionary<string, string>();
        if (ConfigRules.KeyError(key) is { } keyError) errors[nameof(ConfigInput.Key)] = keyError;
        if (requireValue || !string.IsNullOrWhiteSpace(input.ValueJson))
        {
            if (ConfigRules.JsonError(input.ValueJson) is { } jsonError) errors[nameof(ConfigInput.ValueJson)] = jsonError;
            else if (SettingCatalog.ValueError(key, input.ValueJson!) is { } ruleError)
                errors[nameof(ConfigInput.ValueJson)] = ruleError;
        }
        if (input.Description?.Trim().Length > ConfigRules.MaxDescriptionLength)
            errors[nameof(ConfigInput.Description)] = $"A description has at most {ConfigRules.MaxDescriptionLength} characters.";
        if (input.Category?.Trim().Length > ConfigRules.MaxCategoryLength)
            errors[nameof(ConfigInput.Category)] = $"A category has at most {ConfigRules.MaxCategoryLength} characters.";
        return errors;
    }

    private static StaleEditException Gone(string key) =>
        new($"The key '{key}' no longer exists: someone deleted it. Reload the list.");

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
