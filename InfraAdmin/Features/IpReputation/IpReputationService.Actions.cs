using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Features.IpReputation;

public sealed partial class IpReputationService
{
    public const int MaxReasonLength = 500;
    public const int MaxBulk = 500;

    /// <summary>Moves one IP along the transition table. <paramref name="seenVersion"/> is the version the user saw.</summary>
    public async Task<ChangeOutcome> ChangeStatusAsync(Guid id, string toStatus, string reason, uint? seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Ip.Manage);
        var why = RequireReason(reason);
        return await ChangeOneAsync(id, toStatus, why, seenVersion, ct);
    }

    /// <summary>Moves many IPs; each is judged on its own and reported (changed, refused, not found, changed by someone else).</summary>
    public async Task<IReadOnlyList<ChangeOutcome>> ChangeStatusBulkAsync(IReadOnlyList<BulkItem> items, string toStatus, string reason, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Ip.Manage);
        var why = RequireReason(reason);
        if (items.Count == 0) throw new RefusedException("Select at least one IP.");
        if (items.Count > MaxBulk) throw new RefusedException($"At most {MaxBulk} IPs can be changed at once.");
        var outcomes = new List<ChangeOutcome>();
        foreach (var item in items.DistinctBy(i => i.Id)) outcomes.Add(await ChangeOneAsync(item.Id, toStatus, why, item.Version, ct));
        return outcomes;
    }

    public Task<ChangeOutcome> QuarantineAsync(Guid id, string reason, uint? seenVersion, CancellationToken ct = default) =>
        ChangeStatusAsync(id, IpStatus.Quarantined, reason, seenVersion, ct);

    /// <summary>Releases a quarantined IP back to available.</summary>
    public Task<ChangeOutcome> ReleaseAsync(Guid id, string reason, uint? seenVersion, CancellationToken ct = default) =>
        ChangeStatusAsync(id, IpStatus.Available, reason, seenVersion, ct);

    /// <summary>Assigns a domain to an IP; the first active assignment moves an available or warmed IP to assigned.</summary>
    public async Task AssignDomainAsync(Guid ipId, Guid domainId, bool warming, DateTime? expires, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Ip.Manage);
        if (expires is { } e && e <= Now) throw new RefusedException("The expiry must be in the future.");
        var actor = await currentUser.GetActorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        try
        {
            await db.InTransactionAsync(() => AssignAsync(db, ipId, domainId, warming, expires, actor, AuditActions.IpAssign, null, ct), ct);
            await costs.AfterAssignmentsChangedAsync(Now, ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new RefusedException("That domain is already active on this IP (someone assigned it a moment ago).");
        }
    }

    /// <summary>
    /// One new assignment in the caller's transaction, under the IP's row lock: the rules of <see cref="AssignDomainAsync"/>,
    /// then <paramref name="refuse"/> (a reason to refuse this IP, or null), the IP's history, and its recount. Returns the IP.
    /// </summary>
    private async Task<SmtpIpAddress> AssignAsync(InfraAdminDbContext db, Guid ipId, Guid domainId, bool warming, DateTime? expires,
        Data.Audit.AuditActor actor, string auditAction, Func<SmtpIpAddress, string?>? refuse, CancellationToken ct, string? historyNote = null)
    {
        var ip = await LockIpAsync(db, ipId, ct);
        if (!IpTransitions.MayTakeAssignments.Contains(ip.Status ?? ""))
            throw new RefusedException($"{ip.IpAddress} is {ip.Status}: only available, warming, warmed or assigned IPs may take a domain.");
        if (refuse?.Invoke(ip) is { } why) throw new RefusedException(why);
        var domain = await db.Domains.AsNoTracking().Where(d => d.Id == domainId).Select(d => new { d.Name, d.Status }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("That domain does not exist (any more).");
        if (await ActiveAssignments(db, ipId).AnyAsync(a => a.DomainId == domainId, ct))
            throw new RefusedException($"{domain.Name} is already active on {ip.IpAddress}.");
        var activeBefore = await ActiveAssignments(db, ipId).CountAsync(ct);
        db.DomainIpAssignments.Add(new DomainIpAssignment
        {
            DomainId = domainId, SmtpIpAddressId = ipId, Status = warming ? AssignmentStatus.Warming : AssignmentStatus.Active,
            WarmupState = warming ? WarmupState.Warming : WarmupState.Warmed, Assigned = Now, Expires = expires,
        });
        AddHistory(db, ip, IpHistoryKind.Assignment, ip.Status, ip.Status, $"Assigned {domain.Name}{historyNote}", actor);
        if (activeBefore == 0 && ip.Status is IpStatus.Available or IpStatus.Warmed)
            MoveStatus(db, ip, IpStatus.Assigned, $"First active assignment ({domain.Name})", actor);
        db.AuditAction = auditAction;
        await db.SaveChangesAsync(ct);
        await RecountAsync(db, ipId, ct);
        return ip;
    }

    /// <summary>Expires an assignment; expiring the last active one moves an assigned IP back to available.</summary>
    public async Task ExpireAssignmentAsync(Guid assignmentId, uint seenVersion, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Ip.Manage);
        var actor = await currentUser.GetActorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = Now;
        await db.InTransactionAsync(async () =>
        {
            var ipId = await db.DomainIpAssignments.Where(a => a.Id == assignmentId).Select(a => a.SmtpIpAddressId).FirstOrDefaultAsync(ct)
                ?? throw new NotFoundException("That assignment does not exist (any more).");
            var ip = await LockIpAsync(db, ipId, ct);
            var assignment = await db.DomainIpAssignments.Include(a => a.Domain).FirstAsync(a => a.Id == assignmentId, ct);
            if (assignment.Version != seenVersion) throw new StaleEditException(StaleAssignment);
            if (assignment.Status == AssignmentStatus.Expired) throw new RefusedException("This assignment has already expired.");
            var wasActive = AssignmentStatus.ActiveSet.Contains(assignment.Status);
            var activeBefore = await ActiveAssignments(db, ipId).CountAsync(ct);
            db.Entry(assignment).Property(a => a.Version).OriginalValue = seenVersion;
            assignment.Status = AssignmentStatus.Expired;
            since = Earliest(assignment.Expires, Now); // an expiry already past moves forward to now: those days change too
            assignment.Expires = Now;
            var name = assignment.Domain?.Name ?? "a domain";
            AddHistory(db, ip, IpHistoryKind.Assignment, ip.Status, ip.Status, $"Expired {name}", actor);
            if (wasActive && activeBefore == 1 && ip.Status == IpStatus.Assigned)
                MoveStatus(db, ip, IpStatus.Available, $"Last active assignment expired ({name})", actor);
            db.AuditAction = AuditActions.IpExpireAssignment;
            await db.SaveOrStaleAsync(ct, StaleAssignment);
            await RecountAsync(db, ipId, ct);
        }, ct);
        await costs.AfterAssignmentsChangedAsync(since, ct);
    }

    private const string StaleAssignment = "Someone else changed this assignment since you opened the page; reload and try again.";

    private async Task<ChangeOutcome> ChangeOneAsync(Guid id, string toStatus, string reason, uint? seenVersion, CancellationToken ct)
    {
        var actor = await currentUser.GetActorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        string? address = null;
        var endedAssignments = 0;
        var since = Now;
        try
        {
            var outcome = await db.InTransactionAsync(async () =>
            {
                var ip = await db.SmtpIpAddresses.FirstOrDefaultAsync(i => i.Id == id, ct);
                if (ip is null) return new ChangeOutcome(id, null, ChangeOutcomeKind.NotFound, "This IP does not exist (any more).");
                address = ip.IpAddress;
                if (seenVersion is { } seen && ip.Version != seen) return Conflict(id, address);
                if (IpTransitions.ManualRefusal(ip.Status, toStatus) is { } refusal)
                    return new ChangeOutcome(id, address, ChangeOutcomeKind.Refused, refusal);
                var from = ip.Status;
                var ended = IpTransitions.EndsAssignments.Contains(toStatus)
                    ? await ActiveAssignments(db, id).Include(a => a.Domain).ToListAsync(ct) : [];
                // One instant for the move and the assignments it ends: remediation finds the domains it stranded by it.
                var at = Now;
                since = at;
                foreach (var a in ended)
                {
                    a.Status = AssignmentStatus.Expired;
                    since = Earliest(a.Expires, since);
                    a.Expires = at;
                }
                var note = ended.Count == 0 ? "" : $" (ended {ended.Count} active assignment{(ended.Count == 1 ? "" : "s")}: {string.Join(", ", ended.Select(a => a.Domain?.Name))})";
                MoveStatus(db, ip, toStatus, reason + note, actor, at);
                db.AuditAction = AuditVerb(from, toStatus);
                await db.SaveChangesAsync(ct);
                await RecountAsync(db, id, ct);
                endedAssignments = ended.Count;
                return new ChangeOutcome(id, address, ChangeOutcomeKind.Changed, $"{from} → {toStatus}{note}", ended.Count);
            }, ct);
            if (endedAssignments > 0) await costs.AfterAssignmentsChangedAsync(since, ct);
            return outcome;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Conflict(id, address);
        }
    }

    /// <summary>The earlier of an assignment's old expiry (none: open-ended) and <paramref name="now"/>.</summary>
    private static DateTime Earliest(DateTime? expires, DateTime now) => expires is { } e && e < now ? e : now;

    private static ChangeOutcome Conflict(Guid id, string? address) =>
        new(id, address, ChangeOutcomeKind.Conflict, "Someone else changed this IP since you loaded it; reload and try again.");

    private static string AuditVerb(string? from, string to) => to switch
    {
        IpStatus.Quarantined => AuditActions.IpQuarantine,
        IpStatus.Burned => AuditActions.IpBurn,
        IpStatus.Available when from == IpStatus.Quarantined => AuditActions.IpRelease,
        _ => AuditActions.IpStatus,
    };

    private void MoveStatus(InfraAdminDbContext db, SmtpIpAddress ip, string toStatus, string reason, Data.Audit.AuditActor actor, DateTime? at = null)
    {
        AddHistory(db, ip, IpHistoryKind.Status, ip.Status, toStatus, reason, actor, at);
        ip.Status = toStatus;
    }

    private void AddHistory(InfraAdminDbContext db, SmtpIpAddress ip, string kind, string? from, string? to, string reason, Data.Audit.AuditActor actor,
        DateTime? at = null) =>
        db.SmtpIpHistory.Add(new SmtpIpHistory
        {
            SmtpIpAddressId = ip.Id, Kind = kind, FromStatus = from, ToStatus = to, FromReputation = ip.ReputationState,
            ToReputation = ip.ReputationState, Reason = Truncate(reason, 1000), ChangedBy = actor.UserId, ChangedByName = actor.Name, Changed = at ?? Now,
        });

    private static IQueryable<DomainIpAssignment> ActiveAssignments(InfraAdminDbContext db, Guid ipId) =>
        db.DomainIpAssignments.Where(a => a.SmtpIpAddressId == ipId && AssignmentStatus.ActiveSet.Contains(a.Status!));

    /// <summary>Loads the IP tracked and locks its row for the transaction, so assignment changes on one IP are serialised.</summary>
    private static async Task<SmtpIpAddress> LockIpAsync(InfraAdminDbContext db, Guid ipId, CancellationToken ct) =>
        (await db.SmtpIpAddresses.FromSql($"SELECT *, xmin FROM smtp_ip_addresses WHERE id = {ipId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault()
        ?? throw new NotFoundException("This IP does not exist (any more).");

    /// <summary>Bookkeeping (not audited): assigned_count recounted from the active assignments, in the caller's transaction.</summary>
    internal static Task<int> RecountAsync(InfraAdminDbContext db, Guid ipId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE smtp_ip_addresses s SET assigned_count = c.n
            FROM (SELECT count(*)::int AS n FROM domain_ip_assignments
                  WHERE smtp_ip_address_id = {ipId} AND status IN ('active', 'warming')) c
            WHERE s.id = {ipId} AND s.assigned_count IS DISTINCT FROM c.n
            """, ct);

    private static string RequireReason(string? reason)
    {
        var why = reason?.Trim() ?? "";
        if (why.Length == 0) throw new RefusedException("Give a reason: it is kept in the IP's history.");
        if (why.Length > MaxReasonLength) throw new RefusedException($"Keep the reason under {MaxReasonLength} characters.");
        return why;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
