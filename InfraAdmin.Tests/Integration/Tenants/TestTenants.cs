using System.Text.Json;
using InfraAdmin.Data.Entities;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.Identity;

namespace InfraAdmin.Tests.Integration.Tenants;

/// <summary>Tenants and users the tests create for themselves (the demo tenants stay as seeded).</summary>
public static class TestTenants
{
    public const string Password = "Test-Password-123!";

    public sealed record World(Guid TenantId, string Admin, string Member, Guid AdminId, Guid MemberId);

    public static async Task<World> CreateAsync(TestDatabase database, string prefix, Action<TenantPolicies>? policies = null)
    {
        var slug = $"{prefix}-{Guid.NewGuid():N}"[..30];
        await using var db = database.CreateContext();
        var tenant = new Tenant { Id = Guid.NewGuid(), Name = $"Test {prefix}", Slug = slug, Plan = "starter", MonthlyRevenue = 100m };
        db.Tenants.Add(tenant);
        db.TenantConfigs.Add(new TenantConfig
        {
            TenantId = tenant.Id, BillingEmail = $"billing@{slug}.test", NotifyOnBillingChanges = true, NotifyOnSecurityAlerts = true,
            BillingAddress = JsonDocument.Parse("""{"line1":"1 Test Road","city":"Testville","postal_code":"12345","country":"US"}"""),
            UiTimezone = "UTC", UiDateFormat = "yyyy-MM-dd", StripeCustomerId = "cus_Test1",
        });
        var p = new TenantPolicies
        {
            TenantId = tenant.Id, PasswordMinLength = 8, PasswordRequireUppercase = false, PasswordRequireNumbers = false,
            PasswordRequireSymbols = false, SessionTimeoutHours = 8, MaxLoginAttempts = 5, TwoFactorRequired = false,
            CompanyDefaultStatus = UserStatus.Active, CompanyAllowMemberInvites = false, CompanyAutoApproveMembers = false,
            CompanyRequireEmailVerification = true,
        };
        policies?.Invoke(p);
        db.TenantPolicies.Add(p);
        var admin = NewUser($"admin@{slug}.test", tenant.Id, TenantRole.Admin);
        var member = NewUser($"member@{slug}.test", tenant.Id, TenantRole.Member);
        db.Users.AddRange(admin, member);
        db.AuditEnabled = false;
        await db.SaveChangesAsync();
        return new World(tenant.Id, admin.Email!, member.Email!, admin.Id, member.Id);
    }

    public static AppUser NewUser(string email, Guid? tenantId, string? role, string status = UserStatus.Active)
    {
        var user = new AppUser
        {
            Id = Guid.NewGuid(), UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email,
            NormalizedEmail = email.ToUpperInvariant(), EmailConfirmed = true, LockoutEnabled = true,
            SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant(), ConcurrencyStamp = Guid.NewGuid().ToString(),
            DisplayName = email, TenantId = tenantId, TenantRole = role, Status = status,
        };
        user.PasswordHash = new PasswordHasher<AppUser>().HashPassword(user, Password);
        return user;
    }
}
