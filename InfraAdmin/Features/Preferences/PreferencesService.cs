using InfraAdmin.Authorization;
using InfraAdmin.Components.Shared;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Tenants;
using InfraAdmin.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Features.Preferences;

public sealed class PreferencesForm
{
    public string Theme { get; set; } = PreferenceRules.Light;
    public string Language { get; set; } = "en-US";
    /// <summary>Null: follow the tenant's time zone (or UTC).</summary>
    public string? TimeZone { get; set; }
    public bool EmailNotifications { get; set; } = true;
    public bool PushNotifications { get; set; } = true;
    public bool WeeklyReports { get; set; }
    public bool MarketingEmails { get; set; }
    public uint Version { get; set; }
    public bool Exists { get; set; }

    public PreferencesForm Copy() => (PreferencesForm)MemberwiseClone();
}

public static class PreferenceRules
{
    public const string Light = "light", Dark = "dark", System = "system";
    public static readonly IReadOnlyList<string> Themes = [Light, Dark, System];

    /// <summary>Languages the app formats dates and numbers in (culture names).</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> Languages =
    [
        ("en-US", "English (United States)"), ("en-GB", "English (United Kingdom)"), ("de-DE", "Deutsch"),
        ("fr-FR", "Français"), ("es-ES", "Español"), ("nl-NL", "Nederlands"), ("pt-BR", "Português (Brasil)"), ("ja-JP", "日本語"),
    ];

    public static IReadOnlyDictionary<string, string> Validate(PreferencesForm f)
    {
        var errors = new Dictionary<string, string>();
        if (!Themes.Contains(f.Theme)) errors[nameof(f.Theme)] = "Pick light, dark or system.";
        if (!Languages.Any(l => l.Code == f.Language)) errors[nameof(f.Language)] = "Pick one of the listed languages.";
        if (!string.IsNullOrWhiteSpace(f.TimeZone) && !TimeZones.IsKnown(f.TimeZone.Trim()))
            errors[nameof(f.TimeZone)] = "Unknown time zone: use an IANA name such as America/Chicago.";
        return errors;
    }
}

/// <summary>The signed-in user's own preferences (one user_preferences row per user); nobody else's.</summary>
public sealed class PreferencesService(IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, ViewerProfiles viewers)
{
    public async Task<PreferencesForm> GetAsync(CancellationToken ct = default)
    {
        var userId = await RequireUserAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.UserPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, ct);
        return row is null ? new PreferencesForm() : new PreferencesForm
        {
            Exists = true, Version = row.Version, Theme = PreferenceRules.Themes.Contains(row.Theme) ? row.Theme! : PreferenceRules.Light,
            Language = PreferenceRules.Languages.Any(l => l.Code == row.Language) ? row.Language! : "en-US", TimeZone = row.Timezone,
            EmailNotifications = row.EmailNotifications ?? true, PushNotifications = row.PushNotifications ?? true,
            WeeklyReports = row.WeeklyReports ?? false, MarketingEmails = row.MarketingEmails ?? false,
        };
    }

    /// <summary>Creates or updates the caller's row; returns the new version.</summary>
    public async Task<uint> SaveAsync(PreferencesForm form, CancellationToken ct = default)
    {
        var userId = await RequireUserAsync();
        ValidationFailedException.ThrowIfAny(PreferenceRules.Validate(form));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.FindOrCreateAsync(p => p.UserId == userId, () => new UserPreferences { UserId = userId }, form.Exists, form.Version, ct);
        row.Theme = form.Theme;
        row.Language = form.Language;
        row.Timezone = string.IsNullOrWhiteSpace(form.TimeZone) ? null : form.TimeZone.Trim();
        row.EmailNotifications = form.EmailNotifications;
        row.PushNotifications = form.PushNotifications;
        row.WeeklyReports = form.WeeklyReports;
        row.MarketingEmails = form.MarketingEmails;
        db.AuditAction = AuditActions.PreferencesUpdate;
        try
        {
            await db.SaveOrStaleAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new StaleEditException(); // saved at the same moment in another tab
        }
        viewers.Forget(userId); // the page reloads at once to show the new language and time zone
        return row.Version;
    }

    /// <summary>Keeps only the theme (the app bar's light/dark switch), creating the row with defaults if there is none.</summary>
    public async Task SaveThemeAsync(string theme, CancellationToken ct = default)
    {
        var userId = await RequireUserAsync();
        if (!PreferenceRules.Themes.Contains(theme)) throw new ArgumentOutOfRangeException(nameof(theme), "Pick light, dark or system.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.UserPreferences.FirstOrDefaultAsync(p => p.UserId == userId, ct);
        if (row is null) db.UserPreferences.Add(row = new UserPreferences { UserId = userId });
        if (row.Theme == theme) return;
        row.Theme = theme;
        db.AuditAction = AuditActions.PreferencesUpdate;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Created at the same moment in another tab: that row stands.
        }
        viewers.Forget(userId);
    }

    private async Task<Guid> RequireUserAsync() =>
        await currentUser.GetUserIdAsync() ?? throw new PermissionDeniedException("Sign in to change your preferences.");
}
