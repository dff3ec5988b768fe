using InfraAdmin.Data;
using InfraAdmin.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// What every page needs to know about its viewer before it renders: their time zone, language and theme, and their
/// tenant's look and date format (<see cref="UserClock"/>, the theme sources). Read in one query and kept per user on
/// this instance until one of the tables it reads changes: the change feed hears every write, whoever made it, so
/// a page load costs no database round trip for them. The writer's own instance forgets the user at once
/// (<see cref="Forget"/>), so the page it reloads after a save never shows the old look.
/// </summary>
public sealed class ViewerProfiles(IDbContextFactory<InfraAdminDbContext> dbFactory, ChangeFeed feed, TimeProvider time, IConfiguration? configuration = null)
{
    /// <summary>Kept viewers before the stale ones go; past it every request reads its own (still one query).</summary>
    public const int Capacity = 4096;

    private static readonly string[] Tables = [LiveTables.Users, LiveTables.Preferences, LiveTables.Tenants, LiveTables.TenantConfig];

    private readonly SharedSummaries _kept = new(feed, time, configuration, Capacity);

    public Task<ViewerProfile> GetAsync(Guid userId, CancellationToken ct = default) =>
        _kept.GetAsync(Key(userId), Tables, Freshness.Shared, c => LoadAsync(userId, c), ct);

    /// <summary>Drops the kept profile of <paramref name="userId"/>: call after saving what it shows.</summary>
    public void Forget(Guid userId) => _kept.Forget(Key(userId));

    private static string Key(Guid userId) => userId.ToString("N");

    private async Task<ViewerProfile> LoadAsync(Guid userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await (
                from u in db.Users.AsNoTracking()
                where u.Id == userId
                from p in db.UserPreferences.Where(p => p.UserId == u.Id).DefaultIfEmpty()
                from c in db.TenantConfigs.Where(c => c.TenantId == u.TenantId).DefaultIfEmpty()
                from t in db.Tenants.Where(t => t.Id == u.TenantId).DefaultIfEmpty()
                select new
                {
                    Timezone = p == null ? null : p.Timezone,
                    Language = p == null ? null : p.Language,
                    Theme = p == null ? null : p.Theme,
                    HasConfig = c != null && t != null,
                    TenantName = t == null ? null : t.Name,
                    UiTimezone = c == null ? null : c.UiTimezone,
                    UiDateFormat = c == null ? null : c.UiDateFormat,
                    PrimaryColor = c == null ? null : c.ThemePrimaryColor,
                    LogoUrl = c == null ? null : c.ThemeLogoUrl,
                    FaviconUrl = c == null ? null : c.ThemeFaviconUrl,
                    SidebarCollapsed = c == null ? null : c.UiSidebarDefaultCollapsed,
                })
            .SingleOrDefaultAsync(ct); // one row at most: each join is on a key
        if (row is null) return ViewerProfile.None;
        var tenant = row.HasConfig
            ? new ViewerTenant(row.TenantName!, row.UiTimezone, row.UiDateFormat, row.PrimaryColor, row.LogoUrl, row.FaviconUrl, row.SidebarCollapsed)
            : null;
        return new ViewerProfile(row.Timezone, row.Language, row.Theme, tenant);
    }
}

/// <summary>A viewer's own preferences (null where unset) and their tenant's settings (null for staff, or a tenant without settings).</summary>
public sealed record ViewerProfile(string? Timezone, string? Language, string? Theme, ViewerTenant? Tenant)
{
    public static readonly ViewerProfile None = new(null, null, null, null);
}

/// <summary>The tenant settings every page of a tenant's user shows: its name, time zone, date format and look (as stored: check before use).</summary>
public sealed record ViewerTenant(string Name, string? UiTimezone, string? UiDateFormat, string? PrimaryColor, string? LogoUrl,
    string? FaviconUrl, bool? SidebarCollapsed);
