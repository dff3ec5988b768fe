using InfraAdmin.Authorization;
using InfraAdmin.Components.Layout;
using InfraAdmin.Data;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.Tenants;

/// <summary>The signed-in user's tenant look: primary colour, logo, favicon, sidebar collapsed by default.</summary>
public sealed class TenantThemeSource(IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser) : IThemeSource
{
    private Task<Branding?>? _branding;

    public sealed record Branding(string? PrimaryColor, string? LogoUrl, string? FaviconUrl, bool? SidebarCollapsed, string TenantName);

    public async Task<ThemeLook?> GetAsync()
    {
        var b = await GetBrandingAsync();
        return b is null ? null : new ThemeLook(null, Safe(b.PrimaryColor, TenantRules.IsColour), Safe(b.LogoUrl, TenantRules.IsHttpsUrl), b.SidebarCollapsed, b.TenantName);
    }

    public async Task<string?> GetFaviconAsync() => Safe((await GetBrandingAsync())?.FaviconUrl, TenantRules.IsHttpsUrl);

    // One load per circuit, shared by the layout's theme and the favicon even while it is still running.
    private Task<Branding?> GetBrandingAsync() => _branding ??= LoadAsync();

    private async Task<Branding?> LoadAsync()
    {
        if (await currentUser.GetUserIdAsync() is not { } userId) return null;
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Users.AsNoTracking().Where(u => u.Id == userId && u.TenantId != null)
            .Join(db.TenantConfigs, u => u.TenantId, c => c.TenantId, (u, c) => c)
            .Join(db.Tenants, c => c.TenantId, t => t.Id,
                (c, t) => new Branding(c.ThemePrimaryColor, c.ThemeLogoUrl, c.ThemeFaviconUrl, c.UiSidebarDefaultCollapsed, t.Name))
            .FirstOrDefaultAsync();
    }

    // Values written around the service (psql, seed) are checked again before they reach the page.
    private static string? Safe(string? value, Func<string?, bool> valid) => valid(value) ? value : null;
}
