using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Audit;
using InfraAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InfraAdmin.Features.IpReputation;

/// <summary>
/// Remediation after a quarantine or burn: the domains whose assignments the move ended are offered healthy IPs in the
/// same region (suggested by load) and moved in one step, each with its own outcome. The ended assignments stay as
/// they are (expired), so the history of both IPs tells what happened.
/// </summary>
public sealed partial class IpReputationService
{
    public const int MaxRemediation = 200;
    private const int TargetsPerRegion = 10;
    private static readonly string[] StrandingStatuses = [IpStatus.Quarantined, IpStatus.Burned];

    /// <summary>What remediation would do for these IPs (ip.manage): their stranded domains and the suggested new IPs.</summary>
    public async Task<RemediationPlan> RemediationPlanAsync(IReadOnlyCollection<Guid> ipIds, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Ip.Manage);
        var ids = ipIds.Distinct().Take(MaxBulk).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stranded = Stranded(db, ids);
        var total = await stranded.Select(s => s.DomainId).Distinct().CountAsync(ct);
        if (total == 0) return new RemediationPlan(0, [], []);

        var rows = await stranded
            .OrderBy(s => s.Tenant).ThenBy(s => s.Domain).ThenBy(s => s.FromIp)
            .Take(MaxRemediation * 2) // a domain on two of these IPs comes twice; one row per domain is kept below
            .ToListAsync(ct);
        var domains = rows.DistinctBy(r => r.DomainId).Take(MaxRemediation).ToList();
        var domainIds = domains.Select(d => d.DomainId).ToList();
        var otherIps = await db.DomainIpAssignments.AsNoTracking()
            .Where(a => domainIds.Contains(a.DomainId!.Value) && AssignmentStatus.ActiveSet.Contains(a.Status!))
            .GroupBy(a => a.DomainId!.Value).Select(g => new { Domain = g.Key, Ips = g.Select(a => a.SmtpIpAddressId!.Value).ToList() })
            .ToDictionaryAsync(g => g.Domain, g => g.Ips, ct);

        var targets = new List<RemediationTarget>();
        foreach (var region in domains.Select(d => d.Region).Distinct().OrderBy(r => r))
            targets.AddRange(await HealthyIps(db, ids, region)
                .OrderBy(i => i.AssignedCount).ThenBy(i => i.IpAddress).Take(TargetsPerRegion)
                .Select(i => new RemediationTarget(i.Id, i.IpAddress, i.VpsInstance!.Region, i.VpsInstance.HostwindsInstanceId, i.AssignedCount ?? 0))
                .ToListAsync(ct));

        // The suggestion spreads the domains over the least loaded IPs of their region, counting the ones it has placed.
        var load = targets.ToDictionary(t => t.Id, t => t.AssignedCount);
        var plan = new List<StrandedDomain>();
        foreach (var d in domains)
        {
            var active = otherIps.GetValueOrDefault(d.DomainId) ?? [];
            var pick = targets.Where(t => t.Region == d.Region && !active.Contains(t.Id))
                .OrderBy(t => load[t.Id]).ThenBy(t => t.IpAddress).Select(t => (Guid?)t.Id).FirstOrDefault();
            if (pick is { } p) load[p]++;
            plan.Add(new StrandedDomain(d.DomainId, d.Domain, d.Tenant, d.FromIpId, d.FromIp, d.FromStatus, d.Region, active.Count, pick));
        }
        return new RemediationPlan(total, plan, targets);
    }

    /// <summary>
    /// Moves each stranded domain to the IP chosen for it (ip.manage), each in its own transaction: one refused move (the
    /// IP is no longer healthy, the domain already moved) leaves the others done. Audited as ip.reassign.
    /// </summary>
    public async Task<IReadOnlyList<ReassignOutcome>> ReassignAsync(IReadOnlyList<Reassignment> moves, bool warming, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Ip.Manage);
        if (moves.Count == 0) throw new RefusedException("Choose an IP for at least one domain.");
        if (moves.Count > MaxRemediation) throw new RefusedException($"At most {MaxRemediation} domains can be moved at once.");
        if (moves.DistinctBy(m => m.DomainId).Count() != moves.Count) throw new RefusedException("Each domain can be moved once per step.");
        var actor = await currentUser.GetActorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var fromIps = moves.Select(m => m.FromIpId).Distinct().ToList();
        var waiting = await Stranded(db, fromIps).Select(s => new { s.DomainId, s.FromIpId, s.Domain, s.FromIp, s.FromStatus }).ToListAsync(ct);
        var names = await db.Domains.AsNoTracking().Where(d => moves.Select(m => m.DomainId).Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var outcomes = new List<ReassignOutcome>();
        foreach (var move in moves)
        {
            var name = names.GetValueOrDefault(move.DomainId) ?? move.DomainId.ToString();
            var from = waiting.FirstOrDefault(w => w.DomainId == move.DomainId && w.FromIpId == move.FromIpId);
            if (from is null)
            {
                outcomes.Add(new ReassignOutcome(move.DomainId, name, null, false,
                    "Not waiting for a new IP any more (it was moved already, or its old IP is no longer quarantined or burned)."));
                continue;
            }
            try
            {
                var to = await db.InTransactionAsync(async () =>
                {
                    var ip = await AssignAsync(db, move.ToIpId, move.DomainId, warming, null, actor, AuditActions.IpReassign, RefuseUnhealthy, ct,
                        $" (moved from {from.FromIp}, {from.FromStatus})");
                    var source = await db.SmtpIpAddresses.FirstAsync(i => i.Id == move.FromIpId, ct);
                    AddHistory(db, source, IpHistoryKind.Assignment, source.Status, source.Status, $"Moved {from.Domain} to {ip.IpAddress}", actor);
                    db.AuditAction = AuditActions.IpReassign;
                    await db.SaveChangesAsync(ct);
                    return ip.IpAddress;
                }, ct);
                outcomes.Add(new ReassignOutcome(move.DomainId, name, to, true, $"Moved from {from.FromIp} to {to}" + (warming ? ", warming up." : ".")));
            }
            catch (OperationException ex)
            {
                outcomes.Add(new ReassignOutcome(move.DomainId, name, null, false, ex.Message));
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                outcomes.Add(new ReassignOutcome(move.DomainId, name, null, false, "That domain became active on this IP a moment ago."));
            }
        }
        if (outcomes.Any(o => o.Moved)) await costs.AfterAssignmentsChangedAsync(Now, ct);
        return outcomes;
    }

    /// <summary>A target must still be healthy when the move is made, not only when it was suggested.</summary>
    private static string? RefuseUnhealthy(SmtpIpAddress ip) =>
        HealthyStatuses.Contains(ip.Status) && HealthyReputations.Contains(ip.ReputationState) ? null
        : $"{ip.IpAddress} is {ip.Status} with {ip.ReputationState ?? "unknown"} reputation now: choose another IP.";

    private sealed class StrandedRow
    {
        public Guid DomainId { get; init; }
        public string Domain { get; init; } = "";
        public string Tenant { get; init; } = "";
        public Guid FromIpId { get; init; }
        public string FromIp { get; init; } = "";
        public string FromStatus { get; init; } = "";
        public string? Region { get; init; }
    }

    /// <summary>
    /// Assignments on these IPs that the move to their current status (quarantined or burned) ended (expired at that
    /// very instant), whose domain has not become active on any IP since.
    /// </summary>
    private static IQueryable<StrandedRow> Stranded(InfraAdminDbContext db, List<Guid> ipIds) =>
        from ip in db.SmtpIpAddresses.AsNoTracking()
        where ipIds.Contains(ip.Id) && StrandingStatuses.Contains(ip.Status!)
        from entered in db.SmtpIpHistory
            .Where(h => h.SmtpIpAddressId == ip.Id && h.Kind == IpHistoryKind.Status && h.ToStatus == ip.Status)
            .GroupBy(h => h.SmtpIpAddressId).Select(g => g.Max(h => h.Changed))
        from a in db.DomainIpAssignments
        where a.SmtpIpAddressId == ip.Id && a.Status == AssignmentStatus.Expired && a.Expires >= entered
            && !db.DomainIpAssignments.Any(b => b.DomainId == a.DomainId && AssignmentStatus.ActiveSet.Contains(b.Status!) && b.Assigned >= entered)
        select new StrandedRow
        {
            DomainId = a.DomainId!.Value, Domain = a.Domain!.Name, Tenant = a.Domain.Tenant!.Name, FromIpId = ip.Id, FromIp = ip.IpAddress,
            FromStatus = ip.Status!, Region = ip.VpsInstance!.Region,
        };

    private static IQueryable<SmtpIpAddress> HealthyIps(InfraAdminDbContext db, List<Guid> excluded, string? region) =>
        db.SmtpIpAddresses.AsNoTracking().Where(i => !excluded.Contains(i.Id) && region != null
            && i.VpsInstance!.Region == region && i.VpsInstance.Status == VpsStatus.Active
            && HealthyStatuses.Contains(i.Status!) && HealthyReputations.Contains(i.ReputationState!));
}
