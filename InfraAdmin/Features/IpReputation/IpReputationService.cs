using System.Text.Json;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Data;
using InfraAdmin.Data.Migrations;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.IpReputation;

/// <summary>
/// The IP reputation area: reads (grid, overview, detail, warm-up; ip.view) and the actions that change an IP's
/// status or assignments (ip.manage), keeping <c>assigned_count</c> equal to the active assignments and every
/// change in <c>smtp_ip_history</c> and the audit log.
/// </summary>
public sealed partial class IpReputationService(
    IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, SystemSettings settings, TimeProvider clock,
    Costs.CostRefresher costs, SharedSummaries summaries)
{
    /// <summary>The tables the overview, the filter options and a filter's count read (smtp_ip_listings follows smtp_ip_addresses by trigger).</summary>
    private static readonly string[] OverviewTables = [LiveTables.IpAddresses, LiveTables.IpHistory, LiveTables.Vps, LiveTables.SystemConfig];

    private static readonly string[] HealthyStatuses = [IpStatus.Available, IpStatus.Warmed, IpStatus.Assigned];
    private static readonly string[] HealthyReputations = [ReputationState.Good, ReputationState.Fair];
    private static readonly string[] TroubleStatuses = [IpStatus.Degraded, IpStatus.Quarantined];
    private static readonly string[] TroubleReputations = [ReputationState.Poor, ReputationState.Critical];
    private static readonly string[] BadStatuses = [IpStatus.Degraded, IpStatus.Burned];

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public Task<IpPage> SearchAsync(IpFilter filter, IpSort sort, bool descending, int page, int pageSize, CancellationToken ct = default) =>
        SearchAsync(filter, sort, descending, page, pageSize, Freshness.Current, ct);

    /// <summary>
    /// One page of the IPs matching the filter. Its rows are read each time; the number matching (a count over up to
    /// 500,000 IPs, the costlier read; the planner's estimate when counting would cost more than the page) is the same for
    /// every viewer of the filter, so <see cref="Freshness.Shared"/> shares it.
    /// </summary>
    public async Task<IpPage> SearchAsync(IpFilter filter, IpSort sort, bool descending, int page, int pageSize, Freshness freshness,
        CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Ip.View);
        pageSize = Math.Clamp(pageSize, 1, 200);
        var staleBefore = await StaleBeforeAsync(ct);
        // Exact unless counting would read far more than the page (a broad filter at 100,000 tenants): then the estimate.
        var total = summaries.GetAsync($"ip.count:{filter}", OverviewTables, freshness,
            c => dbFactory.ReadAsync(db => Apply(db, filter, staleBefore).CountOrEstimateAsync(db, long.MaxValue, c), c), ct);
        var rows = dbFactory.ReadAsync(db =>
            Project(Sort(Apply(db, filter, staleBefore), sort, descending).Skip(Math.Max(0, page) * pageSize).Take(pageSize), staleBefore, ct), ct);
        await Task.WhenAll(total, rows);
        var count = await total;
        return new IpPage(count.ForPaging, await rows, count.Estimated);
    }

    public async Task<IReadOnlyList<IpRow>> ExportAsync(IpFilter filter, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Ip.View);
        var staleBefore = await StaleBeforeAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Project(Sort(Apply(db, filter, staleBefore), IpSort.IpAddress, false).Take(Csv.MaxRows), staleBefore, ct);
    }

    /// <summary>Regions and the blacklist providers listing any IP, for the filters' pick lists (VPS are searched: <see cref="VpsOptionsAsync"/>).</summary>
    public Task<(IReadOnlyList<string> Regions, IReadOnlyList<string> Providers)> FilterOptionsAsync(CancellationToken ct = default) =>
        FilterOptionsAsync(Freshness.Current, ct);

    public async Task<(IReadOnlyList<string> Regions, IReadOnlyList<string> Providers)> FilterOptionsAsync(
        Freshness freshness, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Ip.View);
        return await summaries.GetAsync("ip.filter-options", OverviewTables, freshness, ReadFilterOptionsAsync, ct);
    }

    private async Task<(IReadOnlyList<string> Regions, IReadOnlyList<string> Providers)> ReadFilterOptionsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var regions = await db.VpsInstances.AsNoTracking().Where(v => v.Region != null).Select(v => v.Region!).Distinct().OrderBy(r => r).ToListAsync(ct);
        // Providers listing at least one IP: the only ones a "listed on" filter can find anything for.
        var providers = await db.SmtpIpListings.AsNoTracking().Select(l => l.Provider).Distinct().OrderBy(p => p).ToListAsync(ct);
        return ((IReadOnlyList<string>)regions, (IReadOnlyList<string>)providers);
    }

    /// <summary>VPS whose name contains the text (the first 20 by name), or the one with the given id, for the VPS filter.</summary>
    public async Task<IReadOnlyList<VpsOption>> VpsOptionsAsync(string? text, Guid? id = null, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Ip.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.VpsInstances.AsNoTracking();
        if (id is { } one) q = q.Where(v => v.Id == one);
        else if (!string.IsNullOrWhiteSpace(text))
            q = q.Where(v => EF.Functions.ILike(v.HostwindsInstanceId ?? v.IpAddress ?? "", SqlLike.Containing(text.Trim())));
        return await q.OrderBy(v => v.HostwindsInstanceId).Take(20)
            .Select(v => new VpsOption(v.Id, v.HostwindsInstanceId ?? v.IpAddress ?? v.Id.ToString())).ToListAsync(ct);
    }

    /// <summary>The fleet's figures (<see cref="Freshness.Shared"/>: the copy every viewer shares until an IP, its history, a VPS or a setting changes).</summary>
    public Task<IpOverview> OverviewAsync(CancellationToken ct = default) => OverviewAsync(Freshness.Current, ct);

    public async Task<IpOverview> OverviewAsync(Freshness freshness, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Ip.View);
        return await summaries.GetAsync("ip.overview", OverviewTables, freshness, ReadOverviewAsync, ct);
    }

    /// <summary>
    /// The fleet's figures without reading every IP: the counts that do not depend on the clock are kept per VPS by
    /// triggers (<see cref="IpOverviewCounts"/>, summed over one row per VPS); stale and went bad lately are counted live
    /// from their partial indexes. The top VPS are ranked by in trouble and listed (kept, indexed), and stale (live) only
    /// for the VPS that tie with the last of them on the first two.
    /// </summary>
    private async Task<IpOverview> ReadOverviewAsync(CancellationToken ct)
    {
        var staleHours = await settings.GetAsync(SettingCatalog.IpReputationStaleHours, ct);
        var staleBefore = Now.AddHours(-staleHours);
        var since = Now.AddDays(-IpOverview.RecentDays);
        // Three independent reads: each on its own connection, at the same time.
        var figuresTask = dbFactory.ReadAsync(db => db.Database.SqlQueryRaw<KeyCount>(FiguresSql, staleBefore, since)
            .TagWith(QueryTags.IpOverview).ToListAsync(ct), ct);
        var byProviderTask = dbFactory.ReadAsync(db => db.SmtpIpListings.AsNoTracking().GroupBy(l => l.Provider)
            .Select(g => new KeyCount { Key = g.Key, Count = g.Count() }).OrderBy(k => k.Key).ToListAsync(ct), ct);
        var byVpsTask = dbFactory.ReadAsync(db => db.Database.SqlQueryRaw<BreakdownRow>(TopVpsSql, staleBefore, since).ToListAsync(ct), ct);
        await Task.WhenAll(figuresTask, byProviderTask, byVpsTask);
        var figures = figuresTask.Result.ToDictionary(f => f.Key, f => f.Count);
        var breakdown = byVpsTask.Result
            .Select(b => new IpBreakdown(b.Region, b.VpsId, b.VpsName, b.Total, b.InTrouble, b.Listed, b.Stale, b.RecentlyBad)).ToList();
        return new IpOverview(
            figures["total"], figures["in_trouble"], figures["listed"], figures["stale"], figures["recently_bad"], staleHours,
            IpStatus.All.Select(s => new CountBy(s, figures[IpOverviewCounts.StatusColumn(s)])).ToList(),
            ReputationState.All.Select(s => new CountBy(s, figures[IpOverviewCounts.ReputationColumn(s)])).ToList(),
            byProviderTask.Result.Select(p => new CountBy(p.Key, p.Count)).ToList(),
            breakdown, figures["vps"]);
    }

    /// <summary>A stale IP: not burned, and never checked or checked before {0} (the same as <see cref="IsStale"/>).</summary>
    private const string StaleIp = "i.status IS DISTINCT FROM 'burned' AND (i.last_reputation_check IS NULL OR i.last_reputation_check < {0})";

    /// <summary>
    /// The headline figures, the counts by status and reputation and the number of VPS, as (key, count) rows: sums of the
    /// kept rows, the stale IPs (two ranges of the index of unburned IPs by check time) and the IPs whose status went to
    /// degraded or burned since {1} (the partial history index).
    /// </summary>
    private static readonly string FiguresSql = $"""
        SELECT x.key, x.count
        FROM (SELECT count(*)::int AS vps, {string.Join(", ", IpOverviewCounts.Columns.Select(c => $"coalesce(sum(k.{c.Column}), 0)::int AS {c.Column}"))}
              FROM {IpOverviewCounts.Table} k) k
        CROSS JOIN LATERAL (VALUES ('vps', k.vps), {string.Join(", ", IpOverviewCounts.Columns.Select(c => $"('{c.Column}', k.{c.Column})"))},
            ('stale', (SELECT count(*) FROM smtp_ip_addresses i WHERE i.status IS DISTINCT FROM 'burned' AND i.last_reputation_check IS NULL)::int
                    + (SELECT count(*) FROM smtp_ip_addresses i WHERE i.status IS DISTINCT FROM 'burned' AND i.last_reputation_check < {"{0}"})::int),
            ('recently_bad', (SELECT count(DISTINCT h.smtp_ip_address_id) FROM smtp_ip_history h
                              WHERE h.kind = 'status' AND h.to_status IN ('degraded', 'burned') AND h.changed >= {"{1}"})::int)) x(key, count)
        """;

    /// <summary>
    /// The top VPS: the kept rows ranked by in trouble and listed (their index), with every VPS tying with the last of
    /// them; stale counted from the IPs of those only; then the same order as ever (in trouble, listed, stale, region,
    /// name) and the IPs that went bad lately for the ones shown.
    /// </summary>
    private static readonly string TopVpsSql = $"""
        WITH ranked AS (
            SELECT k.vps_key, k.total, k.in_trouble, k.listed FROM {IpOverviewCounts.Table} k
            ORDER BY k.in_trouble DESC, k.listed DESC FETCH FIRST {IpOverview.TopVps} ROWS WITH TIES),
        top AS (
            SELECT v.region, nullif(r.vps_key, '{IpOverviewCounts.NoVps}') AS vps_id, v.hostwinds_instance_id AS vps_name,
                   r.total, r.in_trouble, r.listed, s.stale
            FROM ranked r LEFT JOIN vps_instances v ON v.id = r.vps_key
            CROSS JOIN LATERAL (
                SELECT count(*)::int AS stale FROM smtp_ip_addresses i
                WHERE (i.vps_instance_id = r.vps_key OR (r.vps_key = '{IpOverviewCounts.NoVps}' AND i.vps_instance_id IS NULL))
                  AND {StaleIp}) s
            ORDER BY r.in_trouble DESC, r.listed DESC, s.stale DESC, v.region, v.hostwinds_instance_id
            LIMIT {IpOverview.TopVps})
        SELECT t.*, b.recently_bad FROM top t
        CROSS JOIN LATERAL (
            SELECT count(*)::int AS recently_bad FROM smtp_ip_addresses i
            WHERE (i.vps_instance_id = t.vps_id OR (t.vps_id IS NULL AND i.vps_instance_id IS NULL))
              AND EXISTS (SELECT 1 FROM smtp_ip_history h WHERE h.smtp_ip_address_id = i.id AND h.kind = 'status'
                          AND h.to_status IN ('degraded', 'burned') AND h.changed >= {"{1}"})) b
        ORDER BY t.in_trouble DESC, t.listed DESC, t.stale DESC, t.region, t.vps_name
        """;

    public async Task<IpDetail?> DetailAsync(Guid id, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Ip.View);
        var staleBefore = await StaleBeforeAsync(ct);
        // The IP, its assignments and its history: independent reads, at the same time on their own connections.
        var assignmentsTask = dbFactory.ReadAsync(db => db.DomainIpAssignments.AsNoTracking().Where(a => a.SmtpIpAddressId == id)
            .OrderByDescending(a => a.Status == AssignmentStatus.Active || a.Status == AssignmentStatus.Warming).ThenByDescending(a => a.Assigned)
            .Select(a => new AssignmentRow(a.Id, a.DomainId, a.Domain!.Name, a.Domain.TenantId, a.Domain.Tenant!.Name, a.Status, a.WarmupState,
                a.Assigned, a.Expires, a.LastSent, a.Version))
            .ToListAsync(ct), ct);
        var historyTask = dbFactory.ReadAsync(db => db.SmtpIpHistory.AsNoTracking().Where(h => h.SmtpIpAddressId == id)
            .OrderByDescending(h => h.Changed).Take(200)
            .Select(h => new IpHistoryRow(h.Changed, h.Kind, h.FromStatus, h.ToStatus, h.FromReputation, h.ToReputation, h.Reason, h.ChangedByName))
            .ToListAsync(ct), ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ip = await db.SmtpIpAddresses.AsNoTracking().Where(i => i.Id == id).Select(i => new
        {
            i.Id, i.IpAddress, i.Status, i.ReputationState, i.LastReputationCheck, i.AssignedCount, i.ApproximateCost,
            i.ProviderBlacklistStatus, i.Created, i.Version, i.VpsInstanceId,
            VpsName = i.VpsInstance!.HostwindsInstanceId, i.VpsInstance.Region, VpsStatus = i.VpsInstance.Status,
            VpsCost = i.VpsInstance.ApproximateCost, VpsIps = i.VpsInstance.SmtpIpAddresses.Count(),
        }).FirstOrDefaultAsync(ct);
        var (assignments, history) = (await assignmentsTask, await historyTask);
        if (ip is null) return null;
        var share = ip.VpsCost is { } cost && ip.VpsIps > 0 ? Math.Round(cost / ip.VpsIps, 2) : (decimal?)null;
        return new IpDetail(ip.Id, ip.IpAddress, ip.Status, ip.ReputationState, ip.LastReputationCheck, IsStale(ip.LastReputationCheck, staleBefore),
            ip.AssignedCount ?? 0, ip.ApproximateCost, share, ip.VpsInstanceId, ip.VpsName, ip.Region, ip.VpsStatus, ip.Created, ip.Version,
            Providers(ip.ProviderBlacklistStatus), assignments, history);
    }

    /// <summary>Active domains not yet active on the IP, matching the text, for the assign form.</summary>
    public async Task<IReadOnlyList<DomainOption>> AssignableDomainsAsync(Guid ipId, string? text, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Ip.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Domains.AsNoTracking().Where(d => d.Status == "active" && !db.DomainIpAssignments.Any(a =>
            a.DomainId == d.Id && a.SmtpIpAddressId == ipId && AssignmentStatus.ActiveSet.Contains(a.Status!)));
        if (!string.IsNullOrWhiteSpace(text)) q = q.Where(d => EF.Functions.ILike(d.Name, SqlLike.Containing(text)));
        return await q.OrderBy(d => d.Name).Take(50).Select(d => new DomainOption(d.Id, d.Name, d.Tenant!.Name)).ToListAsync(ct);
    }

    public async Task<WarmupView> WarmupAsync(CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Ip.View);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ips = await db.SmtpIpAddresses.AsNoTracking().Where(i => i.Status == IpStatus.Warming).OrderBy(i => i.IpAddress)
            .Select(i => new WarmupIp(i.Id, i.IpAddress, i.VpsInstance!.Region,
                db.SmtpIpHistory.Where(h => h.SmtpIpAddressId == i.Id && h.Kind == IpHistoryKind.Status && h.ToStatus == IpStatus.Warming)
                    .Max(h => (DateTime?)h.Changed) ?? i.Created,
                i.AssignedCount ?? 0,
                i.Assignments.Max(a => a.LastSent)))
            .Take(500).ToListAsync(ct);
        var assignments = await db.DomainIpAssignments.AsNoTracking()
            .Where(a => a.Status != AssignmentStatus.Expired && (a.Status == AssignmentStatus.Warming || a.WarmupState == WarmupState.Warming))
            .OrderBy(a => a.Assigned)
            .Select(a => new WarmupAssignment(a.Id, a.SmtpIpAddressId!.Value, a.SmtpIpAddress!.IpAddress, a.Domain!.Name, a.Domain.Tenant!.Name,
                a.Status, a.WarmupState, a.Assigned, a.LastSent))
            .Take(500).ToListAsync(ct);
        return new WarmupView(ips, assignments);
    }

    /// <summary>
    /// What moving these IPs will do: only the IPs the rules let move count (their active assignments, domains, tenants,
    /// healthy IPs nearby); the others are listed with the reason the change will give them (<see cref="IpTransitions.ManualRefusal"/>).
    /// </summary>
    public async Task<BlastRadius> BlastRadiusAsync(IReadOnlyCollection<Guid> ipIds, string toStatus, CancellationToken ct = default)
    {
        await currentUser.RequireForReadAsync(Permissions.Ip.View);
        var selected = ipIds.Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.SmtpIpAddresses.AsNoTracking().Where(i => selected.Contains(i.Id))
            .Select(i => new { i.Id, i.IpAddress, i.Status, i.VpsInstance!.Region }).ToListAsync(ct);
        var refused = new List<RefusedIp>();
        foreach (var id in selected.Where(id => found.All(f => f.Id != id)))
            refused.Add(new RefusedIp(id, null, null, "This IP does not exist (any more)."));
        foreach (var ip in found.OrderBy(f => f.IpAddress))
            if (IpTransitions.ManualRefusal(ip.Status, toStatus) is { } why) refused.Add(new RefusedIp(ip.Id, ip.IpAddress, ip.Status, why));
        var moving = found.Where(f => refused.All(r => r.Id != f.Id)).ToList();
        var ids = moving.Select(m => m.Id).ToList();
        if (!IpTransitions.EndsAssignments.Contains(toStatus) || ids.Count == 0)
            return new BlastRadius(toStatus, ids.Count, 0, [], [], [], refused);
        var touched = await db.DomainIpAssignments.AsNoTracking()
            .Where(a => ids.Contains(a.SmtpIpAddressId!.Value) && AssignmentStatus.ActiveSet.Contains(a.Status!))
            .Select(a => new { Region = a.SmtpIpAddress!.VpsInstance!.Region, Domain = a.Domain!.Name, Tenant = a.Domain.Tenant!.Name })
            .ToListAsync(ct);
        var capacity = new List<RegionCapacity>();
        // Healthy IPs nearby that are not in the selection at all (a refused IP stays, but is not offered as a home).
        foreach (var region in moving.Select(m => m.Region).Distinct().OrderBy(r => r))
        {
            var healthy = HealthyIps(db, selected, region);
            var count = await healthy.CountAsync(ct);
            var candidates = await healthy.OrderBy(i => i.AssignedCount).ThenBy(i => i.IpAddress).Take(5).Select(i => i.IpAddress).ToListAsync(ct);
            capacity.Add(new RegionCapacity(region ?? "(no region)", touched.Count(t => t.Region == region), count, candidates));
        }
        return new BlastRadius(toStatus, ids.Count, touched.Count,
            touched.Select(t => t.Domain).Distinct().Order().ToList(), touched.Select(t => t.Tenant).Distinct().Order().ToList(), capacity, refused);
    }

    private async Task<DateTime> StaleBeforeAsync(CancellationToken ct) =>
        Now.AddHours(-await settings.GetAsync(SettingCatalog.IpReputationStaleHours, ct));

    private static bool IsStale(DateTime? lastCheck, DateTime staleBefore) => lastCheck is null || lastCheck < staleBefore;

    private IQueryable<SmtpIpAddress> Apply(InfraAdminDbContext db, IpFilter f, DateTime staleBefore)
    {
        var q = db.SmtpIpAddresses.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(f.Status)) q = q.Where(i => i.Status == f.Status);
        if (!string.IsNullOrWhiteSpace(f.Reputation)) q = q.Where(i => i.ReputationState == f.Reputation);
        if (!string.IsNullOrWhiteSpace(f.Region)) q = q.Where(i => i.VpsInstance!.Region == f.Region);
        if (f.Vps is { } vps) q = q.Where(i => i.VpsInstanceId == vps);
        if (f.Listed == IpFilter.AnyProvider)
            q = q.Where(i => db.SmtpIpListings.Any(l => l.SmtpIpAddressId == i.Id));
        else if (!string.IsNullOrWhiteSpace(f.Listed))
        {
            var provider = f.Listed.Trim();
            q = q.Where(i => db.SmtpIpListings.Any(l => l.SmtpIpAddressId == i.Id && l.Provider == provider));
        }
        // Stale and in trouble count live IPs only: a burned IP is retired for good (DESIGN's terminal state).
        if (f.Stale) q = q.Where(i => i.Status != IpStatus.Burned && (i.LastReputationCheck == null || i.LastReputationCheck < staleBefore));
        if (!string.IsNullOrWhiteSpace(f.Q)) q = q.Where(i => EF.Functions.ILike(i.IpAddress, SqlLike.Containing(f.Q)));
        if (f.Trouble)
            q = q.Where(i => i.Status != IpStatus.Burned && (TroubleStatuses.Contains(i.Status!) || TroubleReputations.Contains(i.ReputationState!)));
        if (f.DegradedWithin is { } days)
        {
            var since = Now.AddDays(-Math.Clamp(days, 1, IpFilter.MaxDegradedWithinDays));
            q = q.Where(i => db.SmtpIpHistory.Any(h => h.SmtpIpAddressId == i.Id && h.Kind == IpHistoryKind.Status
                && BadStatuses.Contains(h.ToStatus!) && h.Changed >= since));
        }
        return q;
    }

    private static IQueryable<SmtpIpAddress> Sort(IQueryable<SmtpIpAddress> q, IpSort sort, bool desc)
    {
        IOrderedQueryable<SmtpIpAddress> ordered = sort switch
        {
            IpSort.Status => desc ? q.OrderByDescending(i => i.Status) : q.OrderBy(i => i.Status),
            IpSort.Reputation => desc ? q.OrderByDescending(i => i.ReputationState) : q.OrderBy(i => i.ReputationState),
            IpSort.Region => desc ? q.OrderByDescending(i => i.VpsInstance!.Region) : q.OrderBy(i => i.VpsInstance!.Region),
            IpSort.Vps => desc ? q.OrderByDescending(i => i.VpsInstance!.HostwindsInstanceId) : q.OrderBy(i => i.VpsInstance!.HostwindsInstanceId),
            IpSort.LastCheck => desc ? q.OrderByDescending(i => i.LastReputationCheck) : q.OrderBy(i => i.LastReputationCheck),
            IpSort.AssignedCount => desc ? q.OrderByDescending(i => i.AssignedCount) : q.OrderBy(i => i.AssignedCount),
            IpSort.Cost => desc ? q.OrderByDescending(i => i.ApproximateCost) : q.OrderBy(i => i.ApproximateCost),
            _ => desc ? q.OrderByDescending(i => i.IpAddress) : q.OrderBy(i => i.IpAddress),
        };
        return ordered.ThenBy(i => i.IpAddress).ThenBy(i => i.Id);
    }

    private static async Task<List<IpRow>> Project(IQueryable<SmtpIpAddress> q, DateTime staleBefore, CancellationToken ct)
    {
        var rows = await q.Select(i => new
        {
            i.Id, i.IpAddress, i.Status, i.ReputationState, i.VpsInstance!.Region, i.VpsInstanceId, VpsName = i.VpsInstance.HostwindsInstanceId,
            i.LastReputationCheck, i.AssignedCount, i.ApproximateCost, i.ProviderBlacklistStatus, i.Version,
        }).ToListAsync(ct);
        return rows.Select(r => new IpRow(r.Id, r.IpAddress, r.Status, r.ReputationState, r.Region, r.VpsInstanceId, r.VpsName,
            r.LastReputationCheck, IsStale(r.LastReputationCheck, staleBefore), r.AssignedCount ?? 0, r.ApproximateCost,
            Providers(r.ProviderBlacklistStatus).Where(p => p.Listed).Select(p => p.Provider).ToList(), r.Version)).ToList();
    }

    /// <summary>Reads <c>provider_blacklist_status</c>, tolerating entries of the wrong shape.</summary>
    public static IReadOnlyList<ProviderStatus> Providers(JsonDocument? doc)
    {
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object) return [];
        var list = new List<ProviderStatus>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Object) continue;
            var listed = p.Value.TryGetProperty("listed", out var l) && l.ValueKind == JsonValueKind.True;
            DateTime? checkedAt = p.Value.TryGetProperty("checked_at", out var c) && c.ValueKind == JsonValueKind.String
                && DateTime.TryParse(c.GetString(), System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
            var detail = p.Value.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            list.Add(new ProviderStatus(p.Name, listed, checkedAt, detail));
        }
        return list.OrderBy(p => p.Provider, StringComparer.Ordinal).ToList();
    }

    private sealed class KeyCount
    {
        public string Key { get; set; } = "";
        public int Count { get; set; }
    }

    private sealed class BreakdownRow
    {
        public string? Region { get; set; }
        public Guid? VpsId { get; set; }
        public string? VpsName { get; set; }
        public int Total { get; set; }
        public int InTrouble { get; set; }
        public int Listed { get; set; }
        public int Stale { get; set; }
        public int RecentlyBad { get; set; }
    }
}
