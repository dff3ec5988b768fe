using System.Security.Claims;
using InfraAdmin.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfraAdmin.Authorization;

public sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

/// <summary>The user is active and not held at the authenticator enrolment step (<see cref="UserAccess.MayUseConsole"/>).</summary>
public sealed class ConsoleUserRequirement : IAuthorizationRequirement;

/// <summary>The user is the admin of their own tenant.</summary>
public sealed class TenantAdminRequirement : IAuthorizationRequirement;

/// <summary>The user may invite into their tenant: its admin, or a member when the tenant allows member invites.</summary>
public sealed class TenantInviteRequirement : IAuthorizationRequirement;

/// <summary>The user holds at least one of the permissions (the alerts page: the view permission of any alert area).</summary>
public sealed record AnyPermissionRequirement(IReadOnlyList<string> Permissions) : IAuthorizationRequirement;

/// <summary>Turns <c>Permission:&lt;name&gt;</c> into a policy with a <see cref="PermissionRequirement"/>; unknown names get no policy (denied).</summary>
public sealed class PermissionPolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
{
    public override async Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        if (policyName.StartsWith(Policies.PermissionPrefix, StringComparison.Ordinal))
        {
            var permission = policyName[Policies.PermissionPrefix.Length..];
            if (!Permissions.Names.Contains(permission)) return null;
            return new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
                .AddRequirements(new ConsoleUserRequirement(), new PermissionRequirement(permission)).Build();
        }
        return await base.GetPolicyAsync(policyName);
    }
}

/// <summary>Answers every InfraAdmin requirement from <see cref="PermissionStore"/>: what the database says now, not what the cookie said at sign-in.</summary>
public sealed class InfraAdminAuthorizationHandler(PermissionStore store, IDbContextFactory<InfraAdminDbContext> dbFactory)
    : IAuthorizationHandler
{
    public async Task HandleAsync(AuthorizationHandlerContext context)
    {
        if (UserIdOf(context.User) is not { } userId) return;
        UserAccess? access = null;
        foreach (var requirement in context.PendingRequirements.ToList())
        {
            access ??= await store.GetAsync(userId);
            var ok = requirement switch
            {
                ConsoleUserRequirement => access.MayUseConsole,
                PermissionRequirement p => access.Has(p.Permission),
                AnyPermissionRequirement any => any.Permissions.Any(access.Has),
                TenantAdminRequirement => access.IsTenantAdmin,
                TenantInviteRequirement => access.IsTenantAdmin || access.IsTenantUser && await MembersMayInviteAsync(access.TenantId!.Value),
                _ => (bool?)null,
            };
            if (ok == true) context.Succeed(requirement);
        }
    }

    private async Task<bool> MembersMayInviteAsync(Guid tenantId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.TenantPolicies.AsNoTracking()
            .Where(p => p.TenantId == tenantId)
            .Select(p => p.CompanyAllowMemberInvites ?? true)
            .FirstOrDefaultAsync();
    }

    public static Guid? UserIdOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}
