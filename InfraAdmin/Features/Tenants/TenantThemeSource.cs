using InfraAdmin.Authorization;
using InfraAdmin.Components.Layout;
using InfraAdmin.Components.Shared;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Tenants;

/// <summary>The signed-in user's tenant look: primary colour, logo, favicon, sidebar collapsed by default.</summary>
public sealed class TenantThemeSource(ViewerProfiles profiles, CurrentUser currentUser) : IThemeSource
{
    private Task<ViewerTenant?>? _tenant;

    public async Task<ThemeLook?> GetAsync()
    {
        var t = await GetTenantAsync();
        return t is null ? null : new ThemeLook(null, Safe(t.PrimaryColor, TenantRules.IsColour), Safe(t.LogoUrl, HttpsUrl.IsValid), t.SidebarCollapsed, t.Name);
    }

    public async Task<string?> GetFaviconAsync() => Safe((await GetTenantAsync())?.FaviconUrl, HttpsUrl.IsValid);

    // One read per circuit, shared by the layout's theme and the favicon even while it is still running.
    private Task<ViewerTenant?> GetTenantAsync() => _tenant ??= LoadAsync();

    private async Task<ViewerTenant?> LoadAsync() =>
        await currentUser.GetUserIdAsync() is { } userId ? (await profiles.GetAsync(userId)).Tenant : null;

    // Values written around the service (psql, seed) are checked again before they reach the page.
    private static string? Safe(string? value, Func<string?, bool> valid) => valid(value) ? value : null;
}
