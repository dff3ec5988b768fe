using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Platform;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Components.Account;

/// <summary>The sign-in rules that apply to one user: staff follow system_config, tenant users their tenant's policies.</summary>
public sealed record SecurityRules(
    int PasswordMinLength, bool RequireUppercase, bool RequireDigit, bool RequireSymbol,
    int MaxLoginAttempts, int SessionHours, bool TwoFactorRequired);

public sealed class AccountSecurity(IDbContextFactory<InfraAdminDbContext> dbFactory, SystemSettings settings)
{
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public async Task<SecurityRules> ForUserAsync(AppUser user, CancellationToken ct = default)
    {
        if (user.TenantId is { } tenantId)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var p = await db.TenantPolicies.AsNoTracking().FirstOrDefaultAsync(x => x.TenantId == tenantId, ct);
            return new SecurityRules(
                p?.PasswordMinLength ?? 8, p?.PasswordRequireUppercase ?? false, p?.PasswordRequireNumbers ?? false,
                p?.PasswordRequireSymbols ?? false, p?.MaxLoginAttempts ?? 5, p?.SessionTimeoutHours ?? 8,
                p?.TwoFactorRequired ?? false);
        }
        return new SecurityRules(
            await settings.GetAsync(SettingCatalog.StaffPasswordMinLength, ct), false, false, false,
            await settings.GetAsync(SettingCatalog.StaffMaxLoginAttempts, ct),
            await settings.GetAsync(SettingCatalog.StaffSessionHours, ct),
            await settings.GetAsync(SettingCatalog.Staff2faRequired, ct));
    }
}
