using InfraAdmin.Data;
using InfraAdmin.Data.Billing;
using InfraAdmin.Data.Entities;
using InfraAdmin.Data.Seeding;

namespace InfraAdmin.Tests.Integration.Vps;

/// <summary>Instances, IPs and assignments a test owns (unique provider ids), written without audit.</summary>
internal static class VpsTestData
{
    public static string NewProviderId(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public static async Task<VpsInstance> AddVpsAsync(
        InfraAdminDbContext db, int billingDay = 15, string status = VpsStatus.Active, decimal monthly = 50m,
        DateTime? periodAt = null, DateTime? decommissionAt = null, string region = "test-region")
    {
        var period = BillingPeriod.Containing(periodAt ?? DateTime.UtcNow, billingDay);
        var vps = new VpsInstance
        {
            Id = Guid.CreateVersion7(), HostwindsInstanceId = NewProviderId(), IpAddress = "192.0.2.10", Region = region, Status = status,
            MonthlyCost = monthly, ApproximateCost = monthly - 2m, HostwindsBillingDay = billingDay,
            CurrentBillingPeriodStart = period.Start, CurrentBillingPeriodEnd = period.End, DecommissionScheduledFor = decommissionAt,
        };
        db.AuditEnabled = false;
        db.VpsInstances.Add(vps);
        await db.SaveChangesAsync();
        return vps;
    }

    public static async Task<SmtpIpAddress> AddIpAsync(InfraAdminDbContext db, Guid vpsId, string status = IpStatus.Assigned, int n = 1)
    {
        var ip = new SmtpIpAddress
        {
            Id = Guid.CreateVersion7(), VpsInstanceId = vpsId, IpAddress = $"192.0.2.{n}", Status = status,
            ReputationState = ReputationState.Good, ApproximateCost = 3m, AssignedCount = 0,
        };
        db.AuditEnabled = false;
        db.SmtpIpAddresses.Add(ip);
        await db.SaveChangesAsync();
        return ip;
    }

    /// <summary>Adds an assignment of a demo domain (<c>domain:{tenant}:{index}</c>) and recounts the IP.</summary>
    public static async Task<DomainIpAssignment> AssignAsync(InfraAdminDbContext db, SmtpIpAddress ip, string tenant, int index, string status = AssignmentStatus.Active)
    {
        var a = new DomainIpAssignment
        {
            Id = Guid.CreateVersion7(), SmtpIpAddressId = ip.Id, DomainId = SeedIds.For($"domain:{tenant}:{index}"), Status = status,
            Assigned = DateTime.UtcNow.AddDays(-10), WarmupState = WarmupState.Warmed,
        };
        db.AuditEnabled = false;
        db.DomainIpAssignments.Add(a);
        if (AssignmentStatus.ActiveSet.Contains(status)) ip.AssignedCount = (ip.AssignedCount ?? 0) + 1;
        await db.SaveChangesAsync();
        return a;
    }
}
