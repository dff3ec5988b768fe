using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.Alerts;

/// <summary>
/// The alerts a user may see: those of the areas whose view permission they hold (ip.view, vps.view, costs.view,
/// config.view); tenant admins and members hold none and see none. Acknowledging needs <see cref="AlertAcknowledge.PermissionFor"/>.
/// </summary>
public sealed class AlertService(IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, TimeProvider time, SharedSummaries summaries)
{
    public const int MaxPageSize = 200;

    /// <summary>The alert permissions the caller holds (from the permission cache, as reads do); empty: no alerts at all.</summary>
    public async Task<string[]> VisiblePermissionsAsync()
    {
        var access = await currentUser.GetAccessForReadAsync();
        return AlertPermission.All.Where(access.Has).ToArray();
    }

    private async Task<string[]> RequireAnyAsync()
    {
        var visible = await VisiblePermissionsAsync();
        return visible.Length > 0 ? visible
            : throw new PermissionDeniedException("You do not have the view permission of any alert area (ip.view, vps.view, costs.view or config.view).");
    }

    public async Task<AlertResults> SearchAsync(AlertFilter filter, int page, int pageSize, string? sortBy = null, bool descending = true, CancellationToken ct = default)
    {
        var visible = await RequireAnyAsync();
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var (total, rows) = await dbFactory.CountAndPageAsync(
            db => Filter(db, visible, filter).CountAsync(ct),
            db => Project(db, Sort(Filter(db, visible, filter), sortBy, descending).Skip(Math.Max(0, page) * pageSize).Take(pageSize)).ToListAsync(ct),
            ct);
        return new AlertResults(total, rows);
    }

    public async Task<IReadOnlyList<AlertRow>> ExportAsync(AlertFilter filter, CancellationToken ct = default)
    {
        var visible = await RequireAnyAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Project(db, Sort(Filter(db, visible, filter), null, true).Take(Csv.MaxRows)).ToListAsync(ct);
    }

    /// <summary>The bell: open (unacknowledged, unresolved) alerts the caller may see; 0 for someone who may see none.</summary>
    public Task<int> OpenCountAsync(CancellationToken ct = default) => OpenCountAsync(Freshness.Current, ct);

    /// <summary>
    /// The bell's count (<see cref="Freshness.Shared"/>: from the open counts per area every viewer shares until the alerts
    /// table changes; every page's bell asks on every load, so this is one indexed count per change, not per load).
    /// </summary>
    public async Task<int> OpenCountAsync(Freshness freshness, CancellationToken ct = default)
    {
        var visible = await VisiblePermissionsAsync();
        if (visible.Length == 0) return 0;
        var counts = await summaries.GetAsync("alerts.open_by_permission", [LiveTables.Alerts], freshness, ReadOpenCountsAsync, ct);
        return visible.Sum(p => counts.GetValueOrDefault(p));
    }

    private async Task<Dictionary<string, int>> ReadOpenCountsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Alerts.AsNoTracking().TagWith("alerts.open_count")
            .Where(a => a.ResolvedAt == null && a.AcknowledgedAt == null)
            .GroupBy(a => a.Permission)
            .Select(g => new { Permission = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Permission, g => g.Count, StringComparer.Ordinal, ct);
    }

    /// <summary>
    /// Alerts raised after <paramref name="since"/> that the caller may see (the toasts): the first <paramref name="max"/>,
    /// how many there are, and the latest raise time (the next call's <paramref name="since"/>).
    /// </summary>
    public async Task<(IReadOnlyList<AlertToast> First, int Count, DateTime Latest)> RaisedSinceAsync(DateTime since, int max = 5, CancellationToken ct = default)
    {
        var visible = await VisiblePermissionsAsync();
        if (visible.Length == 0) return ([], 0, since);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Alerts.AsNoTracking().Where(a => a.RaisedAt > since && a.ResolvedAt == null && visible.Contains(a.Permission));
        var summary = await q.GroupBy(_ => 1).Select(g => new { Count = g.Count(), Latest = g.Max(a => a.RaisedAt) }).FirstOrDefaultAsync(ct);
        if (summary is null) return ([], 0, since);
        var first = await q.OrderBy(a => a.RaisedAt).ThenBy(a => a.Id).Take(max)
            .Select(a => new AlertToast(a.Id, a.Severity, a.Title, a.Link)).ToListAsync(ct);
        return (first, summary.Count, summary.Latest);
    }

    /// <summary>The time alerts are raised by (the app's clock, as the evaluator's): the toasts count from it.</summary>
    public DateTime Now() => time.GetUtcNow().UtcDateTime;

    /// <summary>Whether the caller wants in-app toasts (<c>user_preferences.push_notifications</c>; off without a row).</summary>
    public async Task<bool> WantsToastsAsync(CancellationToken ct = default)
    {
        if (await currentUser.GetUserIdAsync() is not { } id) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.UserPreferences.AsNoTracking().Where(p => p.UserId == id).Select(p => p.PushNotifications ?? false).FirstOrDefaultAsync(ct);
    }

    /// <summary>May the caller acknowledge alerts that need <paramref name="viewPermission"/>?</summary>
    public async Task<bool> MayAcknowledgeAsync(string viewPermission)
    {
        var access = await currentUser.GetAccessForReadAsync();
        return access.Has(viewPermission) && access.Has(AlertAcknowledge.PermissionFor(viewPermission));
    }

    /// <summary>
    /// Acknowledges an open alert with a note (who and when; audited as <c>alert.acknowledge</c>). Refused without the
    /// alert's acknowledge permission, for a resolved or already acknowledged alert, and when it changed since it was read.
    /// </summary>
    public async Task AcknowledgeAsync(Guid id, string? note, uint version, CancellationToken ct = default)
    {
        if (AlertAcknowledge.NoteError(note) is { } error) throw ValidationFailedException.For("note", error);
        var access = await currentUser.GetAccessAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == id, ct);
        // An alert of an area the caller may not see does not exist for them.
        if (alert is null || !access.Has(alert.Permission)) throw new NotFoundException("This alert no longer exists.");
        var needed = AlertAcknowledge.PermissionFor(alert.Permission);
        if (!access.Has(needed)) throw new PermissionDeniedException($"Acknowledging this alert needs the '{needed}' permission.");
        if (alert.Version != version) throw new StaleEditException("This alert changed since you opened it (it may have been acknowledged or resolved). Reload to see it.");
        if (alert.ResolvedAt is not null) throw new RefusedException("This alert has already resolved itself.");
        if (alert.AcknowledgedAt is not null) throw new RefusedException("This alert is already acknowledged.");
        alert.AcknowledgedAt = time.GetUtcNow().UtcDateTime;
        alert.AcknowledgedBy = await currentUser.GetUserIdAsync();
        alert.AckNote = note!.Trim();
        db.AuditAction = Data.Audit.AuditActions.AlertAcknowledge;
        await db.SaveOrStaleAsync(ct, "This alert changed since you opened it (it may have been acknowledged or resolved). Reload to see it.");
    }

    /// <summary>The webhook's delivery log, newest first (the alerts page; needs an alert permission, shows the deliveries of visible alerts).</summary>
    public async Task<AlertDeliveryResults> DeliveriesAsync(int page, int pageSize, CancellationToken ct = default)
    {
        var visible = await RequireAnyAsync();
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        IQueryable<AlertWebhookDelivery> Query(InfraAdminDbContext db) =>
            db.AlertWebhookDeliveries.AsNoTracking().Where(d => db.Alerts.Any(a => a.Id == d.AlertId && visible.Contains(a.Permission)));
        var (total, rows) = await dbFactory.CountAndPageAsync(
            db => Query(db).CountAsync(ct),
            db => Query(db).OrderByDescending(d => d.AttemptedAt).ThenBy(d => d.Id).Skip(Math.Max(0, page) * pageSize).Take(pageSize)
                .Select(d => new AlertDeliveryRow(d.Id, d.AlertId, db.Alerts.Where(a => a.Id == d.AlertId).Select(a => a.Title).First(), d.Attempt,
                    d.AttemptedAt, d.Host, d.StatusCode, d.Succeeded, d.Error, d.DurationMs))
                .ToListAsync(ct),
            ct);
        return new AlertDeliveryResults(total, rows);
    }

    private static IQueryable<Alert> Filter(InfraAdminDbContext db, string[] visible, AlertFilter f)
    {
        var q = db.Alerts.AsNoTracking().Where(a => visible.Contains(a.Permission));
        q = f.State switch
        {
            AlertState.Open => q.Where(a => a.ResolvedAt == null && a.AcknowledgedAt == null),
            AlertState.Acknowledged => q.Where(a => a.ResolvedAt == null && a.AcknowledgedAt != null),
            AlertState.Resolved => q.Where(a => a.ResolvedAt != null),
            _ => q,
        };
        if (!string.IsNullOrEmpty(f.Severity)) q = q.Where(a => a.Severity == f.Severity);
        if (!string.IsNullOrEmpty(f.Rule)) q = q.Where(a => a.Rule == f.Rule);
        if (!string.IsNullOrWhiteSpace(f.Q))
        {
            var pattern = SqlLike.Containing(f.Q.Trim());
            q = q.Where(a => EF.Functions.ILike(a.Title, pattern) || EF.Functions.ILike(a.Detail ?? "", pattern) || EF.Functions.ILike(a.AckNote ?? "", pattern));
        }
        return q;
    }

    /// <summary>Whitelisted sorts (the grid's columns), then id so pages never overlap. Default: newest first.</summary>
    private static IQueryable<Alert> Sort(IQueryable<Alert> q, string? sortBy, bool descending) => (sortBy switch
    {
        nameof(AlertRow.Severity) => descending
            ? q.OrderByDescending(a => a.Severity == AlertSeverity.Critical ? 3 : a.Severity == AlertSeverity.Warning ? 2 : 1).ThenByDescending(a => a.RaisedAt)
            : q.OrderBy(a => a.Severity == AlertSeverity.Critical ? 3 : a.Severity == AlertSeverity.Warning ? 2 : 1).ThenByDescending(a => a.RaisedAt),
        nameof(AlertRow.Title) => descending ? q.OrderByDescending(a => a.Title) : q.OrderBy(a => a.Title),
        nameof(AlertRow.Rule) => descending ? q.OrderByDescending(a => a.Rule).ThenByDescending(a => a.RaisedAt) : q.OrderBy(a => a.Rule).ThenByDescending(a => a.RaisedAt),
        nameof(AlertRow.LastSeenAt) => descending ? q.OrderByDescending(a => a.LastSeenAt) : q.OrderBy(a => a.LastSeenAt),
        nameof(AlertRow.ResolvedAt) => descending ? q.OrderByDescending(a => a.ResolvedAt) : q.OrderBy(a => a.ResolvedAt),
        _ => descending || sortBy is null ? q.OrderByDescending(a => a.RaisedAt) : q.OrderBy(a => a.RaisedAt),
    }).ThenBy(a => a.Id);

    private static IQueryable<AlertRow> Project(InfraAdminDbContext db, IQueryable<Alert> q) =>
        q.Select(a => new AlertRow(a.Id, a.Rule, a.Severity, a.Title, a.Detail, a.Link, a.TenantId, a.Permission, a.RaisedAt, a.LastSeenAt,
            a.ResolvedAt, a.AcknowledgedAt, db.Users.Where(u => u.Id == a.AcknowledgedBy).Select(u => u.Email).FirstOrDefault(), a.AckNote, a.Version));
}
