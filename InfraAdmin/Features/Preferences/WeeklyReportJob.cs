using System.Globalization;
using System.Net;
using System.Text;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Features.Preferences;

/// <summary>
/// Mondays: mails each active tenant user who turned weekly_reports on a summary of their tenant's domains and
/// the status and reputation of the IPs those domains send from. Once per user per ISO week: an audit_log row
/// <c>weekly_report.sent</c> records each mail and a retry skips users who already have it.
/// </summary>
public sealed class WeeklyReportJob(IDbContextFactory<InfraAdminDbContext> dbFactory, IAppEmailSender mail, TimeProvider clock) : IRecurringJob
{
    public const string SentAction = AuditActions.WeeklyReportSent;

    public string Id => "preferences.weekly-report";
    public string Description => "Weekly mail of a tenant's domains and their IPs' reputation to users who asked for it";
    public string Cron => "0 7 * * 1";

    public sealed record DomainLine(string Domain, string DomainStatus, string? Ip, string? IpStatus, string? Reputation);

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var weekStart = now.Date.AddDays(-(((int)now.DayOfWeek + 6) % 7));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var due = await db.UserPreferences.AsNoTracking()
            .Where(p => p.WeeklyReports == true)
            .Join(db.Users, p => p.UserId, u => u.Id, (p, u) => u)
            .Where(u => u.TenantId != null && u.Status == UserStatus.Active && u.Email != null)
            .Where(u => !db.AuditLog.Any(a => a.Action == SentAction && a.EntityId == u.Id.ToString() && a.Created >= weekStart))
            .Select(u => new { u.Id, u.Email, TenantId = u.TenantId!.Value })
            .ToListAsync(ct);
        var reports = new Dictionary<Guid, (string Tenant, IReadOnlyList<DomainLine> Lines)>();
        foreach (var user in due)
        {
            if (!reports.TryGetValue(user.TenantId, out var report)) reports[user.TenantId] = report = await LoadAsync(db, user.TenantId, ct);
            await mail.SendAsync(user.Email!, $"Weekly report for {report.Tenant}: week of {weekStart:yyyy-MM-dd}", Render(report.Tenant, report.Lines), ct);
            db.AuditLog.Add(new AuditLog
            {
                Action = SentAction, EntityType = "users", EntityId = user.Id.ToString(), TenantId = user.TenantId,
                ActorName = "system", Created = clock.GetUtcNow().UtcDateTime,
            });
            db.AuditEnabled = false;
            await db.SaveChangesAsync(ct);
        }
        return $"mailed {due.Count} weekly reports";
    }

    public static async Task<(string Tenant, IReadOnlyList<DomainLine> Lines)> LoadAsync(InfraAdminDbContext db, Guid tenantId, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).SingleAsync(ct);
        var lines = await (
            from d in db.Domains.AsNoTracking().Where(d => d.TenantId == tenantId)
            from a in db.DomainIpAssignments.Where(a => a.DomainId == d.Id && AssignmentStatus.ActiveSet.Contains(a.Status!)).DefaultIfEmpty()
            from ip in db.SmtpIpAddresses.Where(i => a != null && i.Id == a.SmtpIpAddressId).DefaultIfEmpty()
            orderby d.Name, ip!.IpAddress
            select new DomainLine(d.Name, d.Status, ip == null ? null : ip.IpAddress, ip == null ? null : ip.Status, ip == null ? null : ip.ReputationState))
            .ToListAsync(ct);
        return (tenant, lines);
    }

    public static string Render(string tenant, IReadOnlyList<DomainLine> lines)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "—");
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<p>Your weekly summary for <strong>{E(tenant)}</strong>: {lines.Select(l => l.Domain).Distinct().Count()} domains.</p>");
        sb.Append("<table><tr><th align='left'>Domain</th><th align='left'>Status</th><th align='left'>Sending IP</th><th align='left'>IP status</th><th align='left'>Reputation</th></tr>");
        foreach (var l in lines)
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(l.Domain)}</td><td>{E(l.DomainStatus)}</td><td>{E(l.Ip)}</td><td>{E(l.IpStatus)}</td><td>{E(l.Reputation)}</td></tr>");
        sb.Append("</table><p>You get this mail because weekly reports are on in your preferences.</p>");
        return sb.ToString();
    }
}
