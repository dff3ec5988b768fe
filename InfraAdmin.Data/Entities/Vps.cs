namespace InfraAdmin.Data.Entities;

// The VPS fleet.

/// <summary>A server rented from the hosting provider (seed table <c>vps_instances</c>).</summary>
public class VpsInstance
{
    public Guid Id { get; set; }
    public string? HostwindsInstanceId { get; set; }
    public string? IpAddress { get; set; }
    public string? Region { get; set; }
    public string? Status { get; set; }
    public decimal? MonthlyCost { get; set; }
    public decimal? ApproximateCost { get; set; }
    public int? HostwindsBillingDay { get; set; }
    public DateTime? CurrentBillingPeriodStart { get; set; }
    public DateTime? CurrentBillingPeriodEnd { get; set; }
    public DateTime? DecommissionScheduledFor { get; set; }
    public DateTime? Created { get; set; }
    public DateTime? Updated { get; set; }
    public uint Version { get; set; }

    public List<SmtpIpAddress> SmtpIpAddresses { get; set; } = [];
}

public static class VpsStatus
{
    public const string Active = "active";
    public const string Provisioning = "provisioning";
    public const string ScheduledDecommission = "scheduled_decommission";
    public const string Decommissioned = "decommissioned";
    public static readonly string[] All = [Active, Provisioning, ScheduledDecommission, Decommissioned];
}
