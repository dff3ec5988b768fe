using System.Security.Claims;
using InfraAdmin.Data.Audit;
using Microsoft.AspNetCore.Components.Authorization;

namespace InfraAdmin.Authorization;

/// <summary>Refused by a service because the caller lacks a permission. Pages show it as a message.</summary>
public sealed class PermissionDeniedException(string message) : Exception(message);

/// <summary>
/// The caller of a service, in an interactive circuit or an HTTP request alike. Services use it to check
/// permissions themselves (defence in depth), and the audit interceptor to name the actor.
/// </summary>
public sealed class CurrentUser(
    PermissionStore store,
    IHttpContextAccessor httpContextAccessor,
    IServiceProvider services) : IAuditActorAccessor
{
    private AuditActor? _override;

    /// <summary>Used by API-key endpoints: the key is the actor.</summary>
    public void ActAs(AuditActor actor) => _override = actor;

    public async Task<ClaimsPrincipal> GetPrincipalAsync()
    {
        var http = httpContextAccessor.HttpContext;
        var provider = services.GetService<AuthenticationStateProvider>();
        if (provider is not null)
        {
            try
            {
                return (await provider.GetAuthenticationStateAsync()).User;
            }
            catch (InvalidOperationException) when (http is not null)
            {
                // Outside Razor components (minimal API endpoints) the state provider is not set.
            }
        }
        return http?.User ?? new ClaimsPrincipal(new ClaimsIdentity());
    }

    public async Task<Guid?> GetUserIdAsync() => InfraAdminAuthorizationHandler.UserIdOf(await GetPrincipalAsync());

    /// <summary>Fresh from the database: a revoked permission is refused at once.</summary>
    public async Task<UserAccess> GetAccessAsync()
    {
        var id = await GetUserIdAsync();
        return id is null ? UserAccess.None : await store.LoadAsync(id.Value);
    }

    /// <summary>For actions: throws <see cref="PermissionDeniedException"/> unless the caller has the permission now (read fresh).</summary>
    public async Task<UserAccess> RequireAsync(string permission) => Demand(await GetAccessAsync(), permission);

    /// <summary>
    /// For reads (grids, overviews, details): the same check from <see cref="PermissionStore"/>'s cache, which every
    /// instance clears the moment access changes through the app (and which is never older than a few seconds).
    /// Saves a round trip on every page of data; actions keep using <see cref="RequireAsync"/>.
    /// </summary>
    public async Task<UserAccess> RequireForReadAsync(string permission)
    {
        var id = await GetUserIdAsync();
        return Demand(id is null ? UserAccess.None : await store.GetAsync(id.Value), permission);
    }

    /// <summary>What the caller may do, from <see cref="PermissionStore"/>'s cache (for reads, as <see cref="RequireForReadAsync"/>).</summary>
    public async Task<UserAccess> GetAccessForReadAsync()
    {
        var id = await GetUserIdAsync();
        return id is null ? UserAccess.None : await store.GetAsync(id.Value);
    }

    private static UserAccess Demand(UserAccess access, string permission) => access.Has(permission)
        ? access
        : throw new PermissionDeniedException($"You do not have the '{permission}' permission.");

    public async Task<bool> HasAsync(string permission) => (await GetAccessAsync()).Has(permission);

    public async ValueTask<AuditActor> GetActorAsync()
    {
        if (_override is not null) return _override;
        var principal = await GetPrincipalAsync();
        var id = InfraAdminAuthorizationHandler.UserIdOf(principal);
        var ip = httpContextAccessor.HttpContext?.Connection.RemoteIpAddress?.ToString();
        return id is null ? SystemAuditActor.System with { IpAddress = ip } : new AuditActor(id, principal.Identity?.Name ?? id.ToString()!, ip);
    }
}
