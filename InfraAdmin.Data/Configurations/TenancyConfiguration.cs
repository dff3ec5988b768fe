using InfraAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using static InfraAdmin.Data.Configurations.ModelBuilderExtensions;

namespace InfraAdmin.Data.Configurations;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> e)
    {
        e.ToTable("tenants");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Slug).HasMaxLength(100);
        e.HasIndex(x => x.Slug).IsUnique();
        e.Property(x => x.Status).HasMaxLength(50).HasDefaultValue(TenantStatus.Active);
        e.HasValueSet("tenants", "status", TenantStatus.All);
        e.Property(x => x.Plan).HasMaxLength(50).HasDefaultValue("starter");
        e.Property(x => x.MonthlyRevenue).HasPrecision(10, 2).HasDefaultValue(0m);
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.Property(x => x.Updated).HasDefaultValueSql(Now);
        e.HasXminConcurrency(x => x.Version);
        e.HasOne(x => x.Config).WithOne().HasForeignKey<TenantConfig>(c => c.TenantId).OnDelete(DeleteBehavior.NoAction);
        e.HasOne(x => x.Policies).WithOne().HasForeignKey<TenantPolicies>(c => c.TenantId).OnDelete(DeleteBehavior.NoAction);
    }
}

internal sealed class TenantConfigConfiguration : IEntityTypeConfiguration<TenantConfig>
{
    public void Configure(EntityTypeBuilder<TenantConfig> e)
    {
        e.ToTable("tenant_config");
        e.HasKey(x => x.TenantId);
        e.Property(x => x.TenantId).ValueGeneratedNever();
        e.Property(x => x.StripeCustomerId).HasMaxLength(255);
        e.Property(x => x.BillingEmail).HasMaxLength(255);
        e.Property(x => x.BillingAddress).HasColumnType("jsonb");
        e.Property(x => x.NotifyOnBillingChanges).HasDefaultValue(false);
        e.Property(x => x.NotifyOnSystemUpdates).HasDefaultValue(false);
        e.Property(x => x.NotifyOnSecurityAlerts).HasDefaultValue(false);
        e.Property(x => x.ThemePrimaryColor).HasMaxLength(7);
        e.Property(x => x.ThemeLogoUrl).HasMaxLength(500);
        e.Property(x => x.ThemeFaviconUrl).HasMaxLength(500);
        e.Property(x => x.UiSidebarDefaultCollapsed).HasDefaultValue(false);
        e.Property(x => x.UiDateFormat).HasMaxLength(20);
        e.Property(x => x.UiTimezone).HasMaxLength(50);
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.Property(x => x.Updated).HasDefaultValueSql(Now);
        e.HasXminConcurrency(x => x.Version);
    }
}

internal sealed class TenantPoliciesConfiguration : IEntityTypeConfiguration<TenantPolicies>
{
    public void Configure(EntityTypeBuilder<TenantPolicies> e)
    {
        e.ToTable("tenant_policies");
        e.HasKey(x => x.TenantId);
        e.Property(x => x.TenantId).ValueGeneratedNever();
        e.Property(x => x.PasswordMinLength).HasDefaultValue(8);
        e.Property(x => x.PasswordRequireUppercase).HasDefaultValue(false);
        e.Property(x => x.PasswordRequireNumbers).HasDefaultValue(false);
        e.Property(x => x.PasswordRequireSymbols).HasDefaultValue(false);
        e.Property(x => x.SessionTimeoutHours).HasDefaultValue(8);
        e.Property(x => x.MaxLoginAttempts).HasDefaultValue(5);
        e.Property(x => x.TwoFactorRequired).HasDefaultValue(false);
        e.Property(x => x.CompanyDefaultStatus).HasMaxLength(50).HasDefaultValue("active");
        e.Property(x => x.CompanyAllowMemberInvites).HasDefaultValue(true);
        e.Property(x => x.CompanyAutoApproveMembers).HasDefaultValue(false);
        e.Property(x => x.CompanyRequireEmailVerification).HasDefaultValue(true);
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.Property(x => x.Updated).HasDefaultValueSql(Now);
        e.HasXminConcurrency(x => x.Version);
    }
}

internal sealed class DomainConfiguration : IEntityTypeConfiguration<Domain>
{
    public void Configure(EntityTypeBuilder<Domain> e)
    {
        e.ToTable("domains");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.Name).HasMaxLength(255);
        e.HasIndex(x => x.Name).IsUnique();
        e.Property(x => x.Status).HasMaxLength(50).HasDefaultValue("active");
        e.HasValueSet("domains", "status", ["pending", "active", "suspended"]);
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.Property(x => x.Updated).HasDefaultValueSql(Now);
        e.HasXminConcurrency(x => x.Version);
        e.HasOne(x => x.Tenant).WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(x => x.TenantId).HasDatabaseName("idx_domains_tenant");
    }
}

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> e)
    {
        e.ToTable("campaigns");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Status).HasMaxLength(50).HasDefaultValue("draft");
        e.HasValueSet("campaigns", "status", ["draft", "active", "paused", "completed"]);
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.Property(x => x.Updated).HasDefaultValueSql(Now);
        e.HasXminConcurrency(x => x.Version);
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(x => x.TenantId).HasDatabaseName("idx_campaigns_tenant");
    }
}

internal sealed class CampaignSequenceStepConfiguration : IEntityTypeConfiguration<CampaignSequenceStep>
{
    public void Configure(EntityTypeBuilder<CampaignSequenceStep> e)
    {
        e.ToTable("campaign_sequence_steps");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.Subject).HasMaxLength(255);
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.Property(x => x.Updated).HasDefaultValueSql(Now);
        e.HasXminConcurrency(x => x.Version);
        e.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(x => new { x.CampaignId, x.StepOrder }).HasDatabaseName("idx_campaign_sequence_steps_campaign_order");
    }
}

internal sealed class LeadConfiguration : IEntityTypeConfiguration<Lead>
{
    public void Configure(EntityTypeBuilder<Lead> e)
    {
        e.ToTable("leads");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.Email).HasMaxLength(320);
        e.Property(x => x.FirstName).HasMaxLength(100);
        e.Property(x => x.LastName).HasMaxLength(100);
        e.Property(x => x.Status).HasMaxLength(50).HasDefaultValue("new");
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.Property(x => x.Updated).HasDefaultValueSql(Now);
        e.HasXminConcurrency(x => x.Version);
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.SetNull);
        e.HasIndex(x => x.TenantId).HasDatabaseName("idx_leads_tenant");
        e.HasIndex(x => x.CampaignId).HasDatabaseName("ix_leads_campaign_id");
    }
}

internal sealed class EmailAccountConfiguration : IEntityTypeConfiguration<EmailAccount>
{
    public void Configure(EntityTypeBuilder<EmailAccount> e)
    {
        e.ToTable("email_accounts");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.Email).HasMaxLength(320);
        e.Property(x => x.Status).HasMaxLength(50).HasDefaultValue("active");
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.Property(x => x.Updated).HasDefaultValueSql(Now);
        e.HasXminConcurrency(x => x.Version);
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Domain>().WithMany().HasForeignKey(x => x.DomainId).OnDelete(DeleteBehavior.SetNull);
        e.HasIndex(x => x.TenantId).HasDatabaseName("idx_email_accounts_tenant");
        e.HasIndex(x => x.DomainId).HasDatabaseName("ix_email_accounts_domain_id");
    }
}
