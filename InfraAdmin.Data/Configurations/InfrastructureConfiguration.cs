using InfraAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using static InfraAdmin.Data.Configurations.ModelBuilderExtensions;

namespace InfraAdmin.Data.Configurations;

internal sealed class VpsInstanceConfiguration : IEntityTypeConfiguration<VpsInstance>
{
    public void Configure(EntityTypeBuilder<VpsInstance> e)
    {
        e.ToTable("vps_instances");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.HostwindsInstanceId).HasMaxLength(255);
        e.HasIndex(x => x.HostwindsInstanceId).IsUnique();
        e.Property(x => x.IpAddress).HasMaxLength(45);
        e.Property(x => x.Region).HasMaxLength(50);
        e.Property(x => x.Status).HasMaxLength(50);
        e.HasValueSet("vps_instances", "status", VpsStatus.All);
        e.Property(x => x.MonthlyCost).HasPrecision(10, 2);
        e.Property(x => x.ApproximateCost).HasPrecision(8, 2);
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.Property(x => x.Updated).HasDefaultValueSql(Now);
        e.HasXminConcurrency(x => x.Version);
        // VPS overview and grid: filter by status and region.
        e.HasIndex(x => new { x.Status, x.Region }).HasDatabaseName("ix_vps_instances_status_region");
    }
}

internal sealed class SmtpIpAddressConfiguration : IEntityTypeConfiguration<SmtpIpAddress>
{
    public void Configure(EntityTypeBuilder<SmtpIpAddress> e)
    {
        e.ToTable("smtp_ip_addresses");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.IpAddress).HasMaxLength(45).IsRequired();
        e.Property(x => x.Status).HasMaxLength(50);
        e.HasValueSet("smtp_ip_addresses", "status", IpStatus.All);
        e.Property(x => x.ReputationState).HasMaxLength(50);
        e.HasValueSet("smtp_ip_addresses", "reputation_state", ReputationState.All);
        e.Property(x => x.ApproximateCost).HasPrecision(6, 2);
        e.Property(x => x.AssignedCount).HasDefaultValue(0);
        e.Property(x => x.ProviderBlacklistStatus).HasColumnType("jsonb");
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.Property(x => x.Updated).HasDefaultValueSql(Now);
        e.HasXminConcurrency(x => x.Version);
        e.HasOne(x => x.VpsInstance).WithMany(v => v.SmtpIpAddresses)
            .HasForeignKey(x => x.VpsInstanceId).OnDelete(DeleteBehavior.Cascade);
        // IP grid and overview: status / reputation filters and counts; text search on the address.
        e.HasIndex(x => x.Status).HasDatabaseName("ix_smtp_ip_addresses_status");
        e.HasIndex(x => x.ReputationState).HasDatabaseName("ix_smtp_ip_addresses_reputation_state");
        e.HasIndex(x => x.IpAddress).HasDatabaseName("ix_smtp_ip_addresses_ip_address");
        e.HasIndex(x => x.VpsInstanceId).HasDatabaseName("ix_smtp_ip_addresses_vps_instance_id");
        // Alert rules (Features/Alerts/AlertRules.cs), exactly their conditions: ip.stale reads the live IPs by last check
        // (the stale ones, and the next one to go stale), ip.reputation the poor or critical IPs that are not burned.
        e.HasIndex(x => x.LastReputationCheck, "ix_smtp_ip_addresses_live_last_check")
            .HasDatabaseName("ix_smtp_ip_addresses_live_last_check")
            .HasFilter("status IN ('available', 'warming', 'warmed', 'assigned', 'degraded')");
        e.HasIndex(x => x.Id, "ix_smtp_ip_addresses_poor_reputation")
            .HasDatabaseName("ix_smtp_ip_addresses_poor_reputation")
            .HasFilter("reputation_state IN ('poor', 'critical') AND status IS DISTINCT FROM 'burned'");
    }
}

internal sealed class DomainIpAssignmentConfiguration : IEntityTypeConfiguration<DomainIpAssignment>
{
    public void Configure(EntityTypeBuilder<DomainIpAssignment> e)
    {
        e.ToTable("domain_ip_assignments");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.Status).HasMaxLength(50);
        e.HasValueSet("domain_ip_assignments", "status", AssignmentStatus.All);
        e.Property(x => x.Assigned).HasDefaultValueSql(Now);
        e.Property(x => x.WarmupState).HasMaxLength(50);
        e.HasValueSet("domain_ip_assignments", "warmup_state", WarmupState.All);
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.Property(x => x.Updated).HasDefaultValueSql(Now);
        e.HasXminConcurrency(x => x.Version);
        e.HasOne(x => x.Domain).WithMany().HasForeignKey(x => x.DomainId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(x => x.SmtpIpAddress).WithMany(i => i.Assignments)
            .HasForeignKey(x => x.SmtpIpAddressId).OnDelete(DeleteBehavior.Cascade);
        // IP detail (assignments of one IP) and the cost allocation (intervals per IP).
        e.HasIndex(x => new { x.SmtpIpAddressId, x.Assigned }).HasDatabaseName("ix_domain_ip_assignments_ip_assigned");
        // Tenant cost page and "domain already active on this IP" checks.
        e.HasIndex(x => x.DomainId).HasDatabaseName("ix_domain_ip_assignments_domain_id");
        // A domain has at most one active assignment per IP.
        e.HasIndex(x => new { x.DomainId, x.SmtpIpAddressId }).IsUnique()
            .HasFilter("status IN ('active', 'warming')")
            .HasDatabaseName("ux_domain_ip_assignments_one_active");
    }
}

internal sealed class SmtpIpHistoryConfiguration : IEntityTypeConfiguration<SmtpIpHistory>
{
    public void Configure(EntityTypeBuilder<SmtpIpHistory> e)
    {
        e.ToTable("smtp_ip_history");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.Kind).HasMaxLength(20);
        e.HasValueSet("smtp_ip_history", "kind", IpHistoryKind.All);
        e.Property(x => x.FromStatus).HasMaxLength(50);
        e.Property(x => x.ToStatus).HasMaxLength(50);
        e.Property(x => x.FromReputation).HasMaxLength(50);
        e.Property(x => x.ToReputation).HasMaxLength(50);
        e.Property(x => x.ChangedByName).HasMaxLength(256);
        e.Property(x => x.Changed).HasDefaultValueSql(Now);
        e.HasOne<SmtpIpAddress>().WithMany().HasForeignKey(x => x.SmtpIpAddressId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.ChangedBy).OnDelete(DeleteBehavior.SetNull);
        // IP detail history (newest first) and the "degraded or burned in the last 7 days" figure.
        e.HasIndex(x => new { x.SmtpIpAddressId, x.Changed }).HasDatabaseName("ix_smtp_ip_history_ip_changed");
        e.HasIndex(x => new { x.Changed, x.ToStatus }).HasDatabaseName("ix_smtp_ip_history_changed_to_status");
    }
}

internal sealed class SmtpIpListingConfiguration : IEntityTypeConfiguration<SmtpIpListing>
{
    public void Configure(EntityTypeBuilder<SmtpIpListing> e)
    {
        e.ToTable("smtp_ip_listings");
        e.HasKey(x => new { x.SmtpIpAddressId, x.Provider });
        e.Property(x => x.Provider).HasMaxLength(100);
        e.HasOne<SmtpIpAddress>().WithMany().HasForeignKey(x => x.SmtpIpAddressId).OnDelete(DeleteBehavior.Cascade);
        // "Listed on <provider>" filter and the per-provider counts.
        e.HasIndex(x => x.Provider).HasDatabaseName("ix_smtp_ip_listings_provider");
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> e)
    {
        e.ToTable("api_keys");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.Prefix).HasMaxLength(16);
        e.Property(x => x.KeyHash).HasMaxLength(128);
        e.HasIndex(x => x.KeyHash).IsUnique();
        e.Property(x => x.Created).HasDefaultValueSql(Now);
        e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.CreatedBy).OnDelete(DeleteBehavior.SetNull);
        e.HasXminConcurrency(x => x.Version);
    }
}

internal sealed class TenantCostDailyConfiguration : IEntityTypeConfiguration<TenantCostDaily>
{
    public void Configure(EntityTypeBuilder<TenantCostDaily> e)
    {
        e.ToTable("tenant_cost_daily");
        e.HasNoKey();
        // Exact shares (the rounding happens once, when a month is shown).
        e.Property(x => x.IpCost).HasColumnType("numeric");
        e.Property(x => x.VpsCost).HasColumnType("numeric");
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
        // Cost pages read a month (day range) for all tenants, or one tenant's 12 months.
        e.HasIndex(x => new { x.Day, x.TenantId }).IsUnique().AreNullsDistinct(false)
            .HasDatabaseName("ux_tenant_cost_daily_day_tenant");
        e.HasIndex(x => new { x.TenantId, x.Day }).HasDatabaseName("ix_tenant_cost_daily_tenant_day");
    }
}

internal sealed class CostRefreshPendingConfiguration : IEntityTypeConfiguration<CostRefreshPending>
{
    public void Configure(EntityTypeBuilder<CostRefreshPending> e)
    {
        e.ToTable("cost_refresh_pending", t => t.HasCheckConstraint("ck_cost_refresh_pending_single", "id = 1"));
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Requested).HasDefaultValueSql("now()");
    }
}

internal sealed class TenantCostMonthlyConfiguration : IEntityTypeConfiguration<TenantCostMonthly>
{
    public void Configure(EntityTypeBuilder<TenantCostMonthly> e)
    {
        e.ToTable("tenant_cost_monthly", t => t.HasCheckConstraint("ck_tenant_cost_monthly_month", "extract(day from month) = 1"));
        e.HasNoKey();
        e.Property(x => x.IpCost).HasColumnType("numeric");
        e.Property(x => x.VpsCost).HasColumnType("numeric");
        e.Property(x => x.IpRounded).HasColumnType("numeric(14,2)");
        e.Property(x => x.VpsRounded).HasColumnType("numeric(14,2)");
        e.Property(x => x.TotalRounded).HasColumnType("numeric(14,2)");
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
        // The month page reads one month for all tenants; the tenant page one tenant's 12 months.
        e.HasIndex(x => new { x.Month, x.TenantId }).IsUnique().AreNullsDistinct(false)
            .HasDatabaseName("ux_tenant_cost_monthly_month_tenant");
        e.HasIndex(x => new { x.TenantId, x.Month }).HasDatabaseName("ix_tenant_cost_monthly_tenant_month");
    }
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> e)
    {
        e.ToTable("alerts");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.Rule).HasMaxLength(50);
        e.Property(x => x.SubjectKey).HasMaxLength(200);
        e.Property(x => x.Permission).HasMaxLength(50);
        e.HasValueSet("alerts", "permission", AlertPermission.All);
        e.Property(x => x.Severity).HasMaxLength(20);
        e.HasValueSet("alerts", "severity", AlertSeverity.All);
        e.Property(x => x.Title).HasMaxLength(300);
        e.Property(x => x.Detail).HasMaxLength(2000);
        e.Property(x => x.Link).HasMaxLength(500);
        e.Property(x => x.AckNote).HasMaxLength(1000);
        e.Property(x => x.RaisedAt).HasDefaultValueSql(Now);
        e.Property(x => x.LastSeenAt).HasDefaultValueSql(Now);
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.AcknowledgedBy).OnDelete(DeleteBehavior.SetNull);
        e.HasXminConcurrency(x => x.Version);
        // Exactly one open episode per rule and subject, whatever the number of evaluators (INSERT ... ON CONFLICT DO NOTHING).
        e.HasIndex(x => new { x.Rule, x.SubjectKey }).IsUnique().HasFilter("resolved_at IS NULL").HasDatabaseName("ux_alerts_open_episode");
        // The bell: open and unacknowledged, per permission (an index-only count).
        e.HasIndex(x => x.Permission).HasFilter("resolved_at IS NULL AND acknowledged_at IS NULL").HasDatabaseName("ix_alerts_open_permission");
        // The page (newest first, by permission) and the digest's unmailed rows.
        e.HasIndex(x => new { x.Permission, x.RaisedAt }).HasDatabaseName("ix_alerts_permission_raised_at");
        // Named: two unnamed indexes on the same column are one index to EF (the second replaced the first).
        e.HasIndex(x => x.RaisedAt, "ix_alerts_unmailed").HasFilter("emailed_at IS NULL").HasDatabaseName("ix_alerts_unmailed");
        e.HasIndex(x => x.RaisedAt, "ix_alerts_webhook_unqueued").HasFilter("webhook_queued_at IS NULL").HasDatabaseName("ix_alerts_webhook_unqueued");
        e.HasIndex(x => x.TenantId).HasDatabaseName("ix_alerts_tenant_id");
    }
}

internal sealed class AlertWebhookDeliveryConfiguration : IEntityTypeConfiguration<AlertWebhookDelivery>
{
    public void Configure(EntityTypeBuilder<AlertWebhookDelivery> e)
    {
        e.ToTable("alert_webhook_deliveries");
        e.Property(x => x.Id).HasDefaultValueSql(NewUuid);
        e.Property(x => x.AttemptedAt).HasDefaultValueSql(Now);
        e.Property(x => x.Host).HasMaxLength(255);
        e.Property(x => x.Error).HasMaxLength(500);
        e.HasOne<Alert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(x => x.AttemptedAt).HasDatabaseName("ix_alert_webhook_deliveries_attempted_at");
        e.HasIndex(x => x.AlertId).HasDatabaseName("ix_alert_webhook_deliveries_alert_id");
    }
}
