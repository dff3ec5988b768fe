using InfraAdmin.Authorization;
using InfraAdmin.Data.Billing;
using InfraAdmin.Data.Entities;
using InfraAdmin.Data;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Features.Vps;

/// <summary>
/// The VPS fleet (vps.view; changes vps.manage): spend overview, grid and export, create/edit with the billing
/// period derived from the billing day, and decommission scheduling with its impact preview.
/// </summary>
public sealed class VpsService(IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, TimeProvider time, Costs.CostRefresher costs,
    SharedSummaries summaries)
{
    /// <summary>The tables the overview and the headline read.</summary>
    private static readonly string[] OverviewTables = [LiveTables.Vps, LiveTables.IpAddresses];

    public const int RenewalWindowDays = 7;

    /// <summary>How many renewals the overview lists; the grid (renewing_within=7) has them all.</summary>
    public const int RenewalListSize = 10;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public Task<VpsResults> SearchAsync(
        VpsFilter filter, int page, int pageSize, string? sortBy = null, bool descending = false, CancellationToken ct = default) =>
        SearchAsync(filter, page, pageSize, sortBy, descending, Freshness.Current, ct);

    /// <summary>
    /// One page of the fleet and the number matching. Both are the same for every viewer of the view, so
    /// <see cref="Freshness.Shared"/> shares them until a VPS or an IP changes: the open grids refreshing after a bulk change
    /// of IPs (their IP counts move) read each view once (issue 16).
    /// </summary>
    public async Task<VpsResults> SearchAsync(
        VpsFilter filter, int page, int pageSize, string? sortBy, bool descending, Freshness freshness, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Vps.View);
        RefuseOutOfRange(filter);
        pageSize = Math.Clamp(pageSize, 1, 200);
        return await summaries.GetAsync($"vps.page:{filter}:{sortBy}:{descending}:{page}:{pageSize}", OverviewTables, freshness, async c =>
        {
            var (total, rows) = await dbFactory.CountAndPageAsync(
                db => Filter(db.VpsInstances.AsNoTracking(), filter).CountAsync(c),
                db => Project(Sort(Filter(db.VpsInstances.AsNoTracking(), filter), sortBy, descending).Skip(Math.Max(0, page) * pageSize).Take(pageSize)).ToListAsync(c),
                c);
            return new VpsResults(total, rows);
        }, ct);
    }

    public async Task<IReadOnlyList<VpsRow>> ExportAsync(VpsFilter filter, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Vps.View);
        RefuseOutOfRange(filter);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Project(Sort(Filter(db.VpsInstances.AsNoTracking(), filter), null, false).Take(Csv.MaxRows)).ToListAsync(ct);
    }

    /// <summary>The regions in use, for the filter and the form's suggestions.</summary>
    public async Task<IReadOnlyList<string>> RegionsAsync(CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Vps.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.VpsInstances.AsNoTracking().Where(v => v.Region != null).Select(v => v.Region!).Distinct().OrderBy(r => r).ToListAsync(ct);
    }

    /// <summary>The fleet's spend, renewals and savings (<see cref="Freshness.Shared"/>: the copy every viewer shares until a VPS or an IP changes).</summary>
    public Task<VpsOverview> OverviewAsync(CancellationToken ct = default) => OverviewAsync(Freshness.Current, ct);

    public async Task<VpsOverview> OverviewAsync(Freshness freshness, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Vps.View);
        return await summaries.GetAsync("vps.overview", OverviewTables, freshness, ReadOverviewAsync, ct);
    }

    private async Task<VpsOverview> ReadOverviewAsync(CancellationToken ct)
    {
        // Three independent reads, at the same time on their own connections.
        var groupsTask = dbFactory.ReadAsync(db => Billed(db).TagWith(QueryTags.VpsOverview)
            .GroupBy(v => new { v.Region, v.Status })
            .Select(g => new VpsSpendGroup(g.Key.Region ?? "", g.Key.Status ?? "", g.Count(),
                g.Sum(v => v.MonthlyCost ?? 0m), g.Sum(v => v.ApproximateCost ?? 0m)))
            .ToListAsync(ct), ct);
        var savingsTask = dbFactory.ReadAsync(db => ScheduledSavingsAsync(db, ct), ct);
        var renewalsTask = dbFactory.ReadAsync(db => RenewalsAsync(db, ct), ct);
        var (groups, savings, renewals) = (await groupsTask, await savingsTask, await renewalsTask);
        return new VpsOverview(
            groups.Sum(g => g.MonthlyCost), groups.Sum(g => g.ApproximateCost), groups.Sum(g => g.Instances),
            groups.OrderBy(g => g.Region).ThenBy(g => g.Status).ToList(), savings.Sum, savings.Count,
            renewals.Top, renewals.Count, renewals.BilledAgain);
    }

    public Task<VpsHeadline> HeadlineAsync(CancellationToken ct = default) => HeadlineAsync(Freshness.Current, ct);

    public async Task<VpsHeadline> HeadlineAsync(Freshness freshness, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Vps.View);
        return await summaries.GetAsync("vps.headline", OverviewTables, freshness, ReadHeadlineAsync, ct);
    }

    private async Task<VpsHeadline> ReadHeadlineAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var spend = await Billed(db).TagWith(QueryTags.VpsHeadline).SumAsync(v => v.MonthlyCost ?? 0m, ct);
        var horizon = Now.AddDays(RenewalWindowDays);
        var renewals = await Billed(db).CountAsync(v => v.CurrentBillingPeriodEnd != null && v.CurrentBillingPeriodEnd <= horizon, ct);
        return new VpsHeadline(spend, renewals, (await ScheduledSavingsAsync(db, ct)).Sum);
    }

    public async Task<VpsDetail?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Vps.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var v = await db.VpsInstances.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (v is null) return null;
        var (ips, assignments, tenants) = await ImpactAsync(db, id, ct);
        int? days = v.CurrentBillingPeriodEnd is { } end && v.Status != VpsStatus.Decommissioned ? Math.Max(0, BillingPeriod.DaysUntil(Now, end)) : null;
        return new VpsDetail(v.Id, v.HostwindsInstanceId, v.IpAddress, v.Region, v.Status, v.MonthlyCost, v.ApproximateCost,
            v.HostwindsBillingDay, v.CurrentBillingPeriodStart, v.CurrentBillingPeriodEnd, days, v.DecommissionScheduledFor,
            v.Created, v.Version, ips, assignments, tenants);
    }

    public async Task<Guid> CreateAsync(VpsForm form, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Vps.Manage);
        Validate(form);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await EnsureUniqueAsync(db, form.ProviderId.Trim(), null, ct);
        var period = BillingPeriod.Containing(Now, form.BillingDay);
        var vps = new VpsInstance { Status = form.Status };
        Apply(vps, form, period);
        db.VpsInstances.Add(vps);
        db.AuditAction = AuditActions.VpsCreate;
        await SaveAsync(db, form.ProviderId, ct);
        await costs.AfterAssignmentsChangedAsync(vps.Created ?? Now, ct); // a new instance exists from its creation on
        return vps.Id;
    }

    public async Task UpdateAsync(Guid id, VpsForm form, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Vps.Manage);
        Validate(form);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var vps = await FindAsync(db, id, form.Version, ct);
        if (vps.Status == VpsStatus.Decommissioned) throw new RefusedException("A decommissioned instance can no longer be edited.");
        await EnsureUniqueAsync(db, form.ProviderId.Trim(), id, ct);
        var period = vps.HostwindsBillingDay == form.BillingDay && vps.CurrentBillingPeriodEnd > Now
            ? new BillingPeriod(vps.CurrentBillingPeriodStart!.Value, vps.CurrentBillingPeriodEnd.Value)
            : BillingPeriod.Containing(Now, form.BillingDay);
        if (vps.Status != VpsStatus.ScheduledDecommission) vps.Status = form.Status;
        var costChanged = vps.ApproximateCost != form.ApproximateCost;
        Apply(vps, form, period);
        db.AuditAction = AuditActions.VpsUpdate;
        await SaveAsync(db, form.ProviderId, ct);
        if (costChanged) await costs.AfterCostsChangedAsync(ct);
    }

    public async Task<DecommissionImpact> PreviewDecommissionAsync(Guid id, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Vps.Manage);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var vps = await db.VpsInstances.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct)
            ?? throw new NotFoundException(Gone);
        var (ips, assignments, tenants) = await ImpactAsync(db, id, ct);
        return new DecommissionImpact(vps.Id, vps.HostwindsInstanceId, DefaultDecommissionDate(vps), vps.CurrentBillingPeriodEnd,
            vps.MonthlyCost ?? 0m, vps.Version, ips, assignments.Count, tenants);
    }

    /// <summary>
    /// Schedules (or moves) a decommission at 00:00 UTC of <paramref name="date"/>, by default the end of the current
    /// period. With active assignments the caller must confirm: they expire when the instance is decommissioned.
    /// </summary>
    public async Task<DateTime> ScheduleDecommissionAsync(
        Guid id, DateOnly? date, bool confirmExpiringAssignments, uint version, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Vps.Manage);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var vps = await FindAsync(db, id, version, ct);
        if (vps.Status == VpsStatus.Decommissioned) throw new RefusedException("This instance is already decommissioned.");
        var when = date is { } d ? d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : DefaultDecommissionDate(vps);
        if (when <= Now) throw new RefusedException("The decommission date must be in the future (it takes effect at 00:00 UTC on that day).");
        var active = await ActiveAssignments(db, id).CountAsync(ct);
        if (active > 0 && !confirmExpiringAssignments)
            throw new RefusedException($"This instance has {active} active domain assignment(s); confirm that they expire when it is decommissioned.");
        vps.Status = VpsStatus.ScheduledDecommission;
        vps.DecommissionScheduledFor = when;
        db.AuditAction = AuditActions.VpsDecommissionSchedule;
        await SaveAsync(db, vps.HostwindsInstanceId ?? "", ct);
        return when;
    }

    public async Task CancelDecommissionAsync(Guid id, uint version, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Vps.Manage);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var vps = await FindAsync(db, id, version, ct);
        if (vps.Status != VpsStatus.ScheduledDecommission) throw new RefusedException("This instance has no scheduled decommission to cancel.");
        vps.Status = VpsStatus.Active;
        vps.DecommissionScheduledFor = null;
        db.AuditAction = AuditActions.VpsDecommissionCancel;
        await SaveAsync(db, vps.HostwindsInstanceId ?? "", ct);
    }

    /// <summary>The current period's end, or the next renewal when the stored period has lapsed.</summary>
    private DateTime DefaultDecommissionDate(VpsInstance vps) =>
        vps.CurrentBillingPeriodEnd is { } end && end > Now ? end
        : BillingPeriod.NextRenewal(Now, BillingPeriod.IsValidDay(vps.HostwindsBillingDay ?? 0) ? vps.HostwindsBillingDay!.Value : 1);

    private static IQueryable<VpsInstance> Billed(InfraAdminDbContext db) =>
        db.VpsInstances.AsNoTracking().Where(v => v.Status != VpsStatus.Decommissioned);

    private static async Task<(decimal Sum, int Count)> ScheduledSavingsAsync(InfraAdminDbContext db, CancellationToken ct)
    {
        var scheduled = db.VpsInstances.AsNoTracking().Where(v => v.Status == VpsStatus.ScheduledDecommission);
        var row = await scheduled.GroupBy(_ => 1).Select(g => new { Sum = g.Sum(v => v.MonthlyCost ?? 0m), Count = g.Count() }).FirstOrDefaultAsync(ct);
        return (row?.Sum ?? 0m, row?.Count ?? 0);
    }

    /// <summary>The renewals in the window: the top few (billed again first, then the soonest) and how many there are.</summary>
    private async Task<(IReadOnlyList<VpsRenewal> Top, int Count, int BilledAgain)> RenewalsAsync(InfraAdminDbContext db, CancellationToken ct)
    {
        var horizon = Now.AddDays(RenewalWindowDays);
        var renewing = Billed(db).Where(v => v.CurrentBillingPeriodEnd != null && v.CurrentBillingPeriodEnd <= horizon);
        // Same rule as VpsRenewal.BilledAgain: scheduled to go after the renewal, so that period is billed.
        var counts = await renewing.GroupBy(_ => 1).Select(g => new
        {
            Count = g.Count(),
            BilledAgain = g.Count(v => v.DecommissionScheduledFor != null && v.DecommissionScheduledFor > v.CurrentBillingPeriodEnd),
        }).FirstOrDefaultAsync(ct);
        var top = await renewing
            .OrderByDescending(v => v.DecommissionScheduledFor != null && v.DecommissionScheduledFor > v.CurrentBillingPeriodEnd)
            .ThenBy(v => v.CurrentBillingPeriodEnd).ThenBy(v => v.HostwindsInstanceId)
            .Take(RenewalListSize)
            .Select(v => new VpsRenewal(v.Id, v.HostwindsInstanceId, v.Region, v.Status, v.CurrentBillingPeriodEnd!.Value, v.MonthlyCost, v.DecommissionScheduledFor))
            .ToListAsync(ct);
        return (top, counts?.Count ?? 0, counts?.BilledAgain ?? 0);
    }

    private static IQueryable<DomainIpAssignment> ActiveAssignments(InfraAdminDbContext db, Guid vpsId) =>
        db.DomainIpAssignments.AsNoTracking().Where(a => a.SmtpIpAddress!.VpsInstanceId == vpsId
            && (a.Status == AssignmentStatus.Active || a.Status == AssignmentStatus.Warming));

    private static async Task<(IReadOnlyList<VpsIp>, IReadOnlyList<VpsAssignment>, IReadOnlyList<VpsTenant>)> ImpactAsync(
        InfraAdminDbContext db, Guid vpsId, CancellationToken ct)
    {
        var ips = await db.SmtpIpAddresses.AsNoTracking().Where(i => i.VpsInstanceId == vpsId).OrderBy(i => i.IpAddress)
            .Select(i => new VpsIp(i.Id, i.IpAddress, i.Status, i.ReputationState, i.AssignedCount ?? 0)).ToListAsync(ct);
        var assignments = await ActiveAssignments(db, vpsId)
            .OrderBy(a => a.Domain!.Tenant!.Name).ThenBy(a => a.Domain!.Name)
            .Select(a => new VpsAssignment(a.Id, a.SmtpIpAddress!.IpAddress, a.Domain!.Name, a.Domain.TenantId, a.Domain.Tenant!.Name, a.Status, a.Assigned))
            .ToListAsync(ct);
        var tenants = assignments.GroupBy(a => (a.TenantId, a.TenantName))
            .Select(g => new VpsTenant(g.Key.TenantId, g.Key.TenantName, g.Count())).OrderBy(t => t.Name).ToList();
        return (ips, assignments, tenants);
    }

    /// <summary>The page and the export parse filters with VpsFilter.FromQuery; anything else out of range is refused, never clamped.</summary>
    private static void RefuseOutOfRange(VpsFilter f)
    {
        if (f.OutOfRange() is { } problem) throw new ArgumentOutOfRangeException(nameof(f), problem);
    }

    private IQueryable<VpsInstance> Filter(IQueryable<VpsInstance> q, VpsFilter f)
    {
        if (!string.IsNullOrWhiteSpace(f.Status)) q = q.Where(v => v.Status == f.Status);
        if (!string.IsNullOrWhiteSpace(f.Region)) q = q.Where(v => v.Region == f.Region);
        if (f.BillingDay is { } day) q = q.Where(v => v.HostwindsBillingDay == day);
        if (f.RenewingWithin is { } within)
        {
            var horizon = Now.AddDays(within);
            q = q.Where(v => v.Status != VpsStatus.Decommissioned && v.CurrentBillingPeriodEnd != null && v.CurrentBillingPeriodEnd <= horizon);
        }
        if (!string.IsNullOrWhiteSpace(f.Q))
        {
            var pattern = SqlLike.Containing(f.Q);
            q = q.Where(v => EF.Functions.ILike(v.HostwindsInstanceId ?? "", pattern) || EF.Functions.ILike(v.IpAddress ?? "", pattern));
        }
        return q;
    }

    /// <summary>Sort columns by the grid's property names; provider id breaks ties so paging is stable.</summary>
    private static IQueryable<VpsInstance> Sort(IQueryable<VpsInstance> q, string? sortBy, bool desc)
    {
        IOrderedQueryable<VpsInstance> By<TKey>(System.Linq.Expressions.Expression<Func<VpsInstance, TKey>> key) =>
            desc ? q.OrderByDescending(key) : q.OrderBy(key);
        var ordered = sortBy switch
        {
            nameof(VpsRow.IpAddress) => By(v => v.IpAddress),
            nameof(VpsRow.Region) => By(v => v.Region),
            nameof(VpsRow.Status) => By(v => v.Status),
            nameof(VpsRow.MonthlyCost) => By(v => v.MonthlyCost),
            nameof(VpsRow.ApproximateCost) => By(v => v.ApproximateCost),
            nameof(VpsRow.BillingDay) => By(v => v.HostwindsBillingDay),
            nameof(VpsRow.PeriodEnd) => By(v => v.CurrentBillingPeriodEnd),
            nameof(VpsRow.DecommissionScheduledFor) => By(v => v.DecommissionScheduledFor),
            nameof(VpsRow.IpCount) => By(v => v.SmtpIpAddresses.Count),
            _ => By(v => v.HostwindsInstanceId),
        };
        return ordered.ThenBy(v => v.HostwindsInstanceId).ThenBy(v => v.Id);
    }

    private static IQueryable<VpsRow> Project(IQueryable<VpsInstance> q) =>
        q.Select(v => new VpsRow(v.Id, v.HostwindsInstanceId, v.IpAddress, v.Region, v.Status, v.MonthlyCost, v.ApproximateCost,
            v.HostwindsBillingDay, v.CurrentBillingPeriodStart, v.CurrentBillingPeriodEnd, v.DecommissionScheduledFor, v.SmtpIpAddresses.Count));

    private static void Validate(VpsForm form)
    {
        ValidationFailedException.ThrowIfAny(VpsRules.Validate(form), "Please correct the highlighted fields.");
    }

    private static void Apply(VpsInstance vps, VpsForm form, BillingPeriod period)
    {
        vps.HostwindsInstanceId = form.ProviderId.Trim();
        vps.IpAddress = form.IpAddress.Trim();
        vps.Region = form.Region.Trim();
        vps.HostwindsBillingDay = form.BillingDay;
        vps.MonthlyCost = form.MonthlyCost;
        vps.ApproximateCost = form.ApproximateCost;
        vps.CurrentBillingPeriodStart = period.Start;
        vps.CurrentBillingPeriodEnd = period.End;
    }

    private const string Gone = "This instance no longer exists.";
    private const string StaleMessage = "Someone else changed this instance while you were looking at it. Reload to see their change, then try again.";

    private static Task<VpsInstance> FindAsync(InfraAdminDbContext db, Guid id, uint seenVersion, CancellationToken ct) =>
        db.FindVersionedAsync<VpsInstance>(v => v.Id == id, seenVersion, Gone, ct, StaleMessage);

    private static async Task EnsureUniqueAsync(InfraAdminDbContext db, string providerId, Guid? except, CancellationToken ct)
    {
        if (await db.VpsInstances.AnyAsync(v => v.HostwindsInstanceId == providerId && v.Id != except, ct))
            throw DuplicateProviderId(providerId);
    }

    private static ValidationFailedException DuplicateProviderId(string providerId) => ValidationFailedException.For(
        nameof(VpsForm.ProviderId), "This provider id is already in use.", $"Another instance already has the provider id '{providerId.Trim()}'.");

    private static async Task SaveAsync(InfraAdminDbContext db, string providerId, CancellationToken ct)
    {
        try
        {
            await db.SaveOrStaleAsync(ct, StaleMessage);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw DuplicateProviderId(providerId);
        }
    }
}
