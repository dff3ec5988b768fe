using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace InfraAdmin.Features.Platform;

/// <summary>
/// Asks Microsoft.FeatureManagement whether a flag is on for a tenant (the library buckets the tenant id
/// with the flag name). The app's own code gates features with this; it needs no permission.
/// </summary>
public sealed class FeatureFlags(IVariantFeatureManager features, CurrentUser currentUser)
{
    public async Task<bool> IsEnabledForTenantAsync(string flagKey, Guid tenantId, CancellationToken ct = default) =>
        await features.IsEnabledAsync(flagKey, ContextFor(tenantId), ct);

    /// <summary>For the signed-in user: their tenant, or their own user id for staff without a tenant.</summary>
    public async Task<bool> IsEnabledForCurrentUserAsync(string flagKey, CancellationToken ct = default) =>
        await features.IsEnabledAsync(flagKey, new TargetingContext { UserId = await TargetingIdAsync(currentUser) }, ct);

    public static TargetingContext ContextFor(Guid targetId) => new() { UserId = TargetingId(targetId) };

    /// <summary>The targeting id: a GUID in its lowercase D form.</summary>
    public static string TargetingId(Guid id) => id.ToString("D");

    public static async Task<string?> TargetingIdAsync(CurrentUser user)
    {
        if (await user.GetUserIdAsync() is not { } userId) return null;
        var access = await user.GetAccessAsync();
        return TargetingId(access.TenantId ?? userId);
    }
}

/// <summary>Gives the library the current user's targeting id, in a circuit or an HTTP request.</summary>
internal sealed class TenantTargetingContextAccessor(CircuitServicesAccessor circuit, IHttpContextAccessor http) : ITargetingContextAccessor
{
    public async ValueTask<TargetingContext> GetContextAsync()
    {
        var services = circuit.Services ?? http.HttpContext?.RequestServices;
        var user = services?.GetService<CurrentUser>();
        return new TargetingContext { UserId = user is null ? null : await FeatureFlags.TargetingIdAsync(user) };
    }
}
