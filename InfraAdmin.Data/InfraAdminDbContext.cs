using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Data;

/// <summary>The whole schema. Configurations live in <c>Configurations/</c>, one per area.</summary>
public class InfraAdminDbContext(DbContextOptions<InfraAdminDbContext> options)
    : IdentityUserContext<AppUser, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>Seeding and internal bookkeeping switch this off; every other save is audited.</summary>
    public bool AuditEnabled { get; set; } = true;

    /// <summary>Optional verb for the audit rows of the next save (for example <c>ip.quarantine</c>).</summary>
    public string? AuditAction { get; set; }

    // Contexts are pooled (AddPooledDbContextFactory): a returned context must not carry its audit switches to the next user.
    public override void Dispose()
    {
        ResetAudit();
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        ResetAudit();
        return base.DisposeAsync();
    }

    private void ResetAudit()
    {
        AuditEnabled = true;
        AuditAction = null;
    }

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<TenantConfig> TenantConfigs => Set<TenantConfig>();
    public DbSet<TenantPolicies> TenantPolicies => Set<TenantPolicies>();
    public DbSet<Domain> Domains => Set<Domain>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<CampaignSequenceStep> CampaignSequenceSteps => Set<CampaignSequenceStep>();
    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<EmailAccount> EmailAccounts => Set<EmailAccount>();
    public DbSet<VpsInstance> VpsInstances => Set<VpsInstance>();
    public DbSet<SmtpIpAddress> SmtpIpAddresses => Set<SmtpIpAddress>();
    public DbSet<DomainIpAssignment> DomainIpAssignments => Set<DomainIpAssignment>();
    public DbSet<SmtpIpHistory> SmtpIpHistory => Set<SmtpIpHistory>();
    public DbSet<SmtpIpListing> SmtpIpListings => Set<SmtpIpListing>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<TenantCostDaily> TenantCostDaily => Set<TenantCostDaily>();
    public DbSet<TenantCostMonthly> TenantCostMonthly => Set<TenantCostMonthly>();
    public DbSet<CostRefreshPending> CostRefreshPending => Set<CostRefreshPending>();
    public DbSet<StaffMember> StaffMembers => Set<StaffMember>();
    public DbSet<StaffRole> StaffRoles => Set<StaffRole>();
    public DbSet<StaffRolePermission> StaffRolePermissions => Set<StaffRolePermission>();
    public DbSet<Permission> Permissions => Set<Permission>();
    public DbSet<SystemConfig> SystemConfig => Set<SystemConfig>();
    public DbSet<FeatureFlag> FeatureFlags => Set<FeatureFlag>();
    public DbSet<UserPreferences> UserPreferences => Set<UserPreferences>();
    public DbSet<AuditLog> AuditLog => Set<AuditLog>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertWebhookDelivery> AlertWebhookDeliveries => Set<AlertWebhookDelivery>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(InfraAdminDbContext).Assembly);
    }
}
