using System.Security.Claims;
using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace InfraAdmin.Components.Account;

/// <summary>Adds the user's display name to the sign-in; permissions are never put in the cookie (they are read fresh).</summary>
public sealed class AppClaimsFactory(UserManager<AppUser> userManager, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser>(userManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrWhiteSpace(user.DisplayName)) identity.AddClaim(new Claim("display_name", user.DisplayName));
        return identity;
    }
}
