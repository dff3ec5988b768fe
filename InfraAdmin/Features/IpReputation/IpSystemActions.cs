using InfraAdmin.Data;
using InfraAdmin.Data.Audit;
using InfraAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.IpReputation;

/// <summary>
/// The IP assignment rules for changes the system makes (the VPS decommission job) rather than a user: no permission
/// check, the system actor, the caller's context and transaction. They are bulk updates the interceptor does not see,
/// so they write their own audit rows, under the same action names as <see cref="IpReputationService"/>'s actions.
/// </summary>
public static class IpSystemActions
{
    /// <summary>
    /// Ends the active assignments of every IP on a VPS that is gone from <paramref name="when"/> on: each expires then (or
    /// at its own earlier expiry), <c>assigned_count</c> is recounted, and an assigned IP left without assignments goes
    /// back to available, kept in its history. The caller saves. Returns how many assignments expired.
    /// </summary>
    public static async Task<int> ExpireAssignmentsOfVpsAsync(InfraAdminDbContext db, Guid vpsId, DateTime when, TimeProvider clock, CancellationToken ct)
    {
        var active = await db.DomainIpAssignments.AsNoTracking()
            .Where(a => a.SmtpIpAddress!.VpsInstanceId == vpsId && (a.Status == AssignmentStatus.Active || a.Status == AssignmentStatus.Warming))
            .Select(a => new { a.Id, a.Status, a.Expires, a.Domain!.TenantId }).ToListAsync(ct);
        foreach (var a in active)
        {
            var expires = a.Expires is { } e && e < when ? e : when;
            await db.DomainIpAssignments.Where(x => x.Id == a.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, AssignmentStatus.Expired).SetProperty(x => x.Expires, expires), ct);
            SystemAudit.Add(db, clock.GetUtcNow().UtcDateTime, AuditActions.IpExpireAssignment, "domain_ip_assignments", a.Id,
                new { status = a.Status, expires = a.Expires }, new { status = AssignmentStatus.Expired, expires }, a.TenantId);
        }

        var ips = await db.SmtpIpAddresses.AsNoTracking().Where(i => i.VpsInstanceId == vpsId).Select(i => i.Id).ToListAsync(ct);
        foreach (var ipId in ips) await IpReputationService.RecountAsync(db, ipId, ct);
        await FreeIdleIpsAsync(db, vpsId, when, clock, ct);
        return active.Count;
    }

    /// <summary>Expiring an IP's last assignment moves an assigned IP back to available, kept in its history.</summary>
    private static async Task FreeIdleIpsAsync(InfraAdminDbContext db, Guid vpsId, DateTime when, TimeProvider clock, CancellationToken ct)
    {
        var idle = await db.SmtpIpAddresses.AsNoTracking()
            .Where(i => i.VpsInstanceId == vpsId && i.Status == IpStatus.Assigned && i.AssignedCount == 0)
            .Select(i => new { i.Id, i.ReputationState }).ToListAsync(ct);
        foreach (var ip in idle)
        {
            await db.SmtpIpAddresses.Where(i => i.Id == ip.Id && i.Status == IpStatus.Assigned)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, IpStatus.Available), ct);
            var now = clock.GetUtcNow().UtcDateTime;
            db.SmtpIpHistory.Add(new SmtpIpHistory
            {
                Id = Guid.CreateVersion7(), SmtpIpAddressId = ip.Id, Kind = IpHistoryKind.Status, FromStatus = IpStatus.Assigned,
                ToStatus = IpStatus.Available, FromReputation = ip.ReputationState, ToReputation = ip.ReputationState,
                Reason = $"Its VPS was decommissioned on {when:yyyy-MM-dd}; its last assignment expired",
                ChangedByName = SystemAuditActor.System.Name, Changed = now,
            });
            SystemAudit.Add(db, now, AuditActions.IpStatus, "smtp_ip_addresses", ip.Id, new { status = IpStatus.Assigned }, new { status = IpStatus.Available });
        }
    }
}
