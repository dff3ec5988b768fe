using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hangfire;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.Alerts;

/// <summary>One alert as the digest and the webhook describe it.</summary>
public sealed record AlertMessage(Guid Id, string Rule, string Permission, string Severity, string Title, string? Detail, string? Link, Guid? TenantId,
    DateTime RaisedAt, DateTime? ResolvedAt);

/// <summary>
/// After each evaluation (every minute): the email digest and the webhook queue. Each claims its alerts with one
/// conditional UPDATE (<c>emailed_at</c> / <c>webhook_queued_at</c> from NULL), so with any number of instances an alert is
/// mailed and queued once; the claim commits before sending (a mail that fails to send is logged, not sent twice).
/// </summary>
public sealed class AlertDeliveries(
    IDbContextFactory<InfraAdminDbContext> dbFactory, IAppEmailSender mail, PublicLinks links, AlertWebhookSender webhook,
    IBackgroundJobClient jobs, TimeProvider time, ILogger<AlertDeliveries> logger)
{
    /// <summary>The most alerts one digest lists; the rest are a link to /alerts.</summary>
    public const int DigestListMax = 50;

    public async Task<string> DeliverAsync(CancellationToken ct = default)
    {
        var mailed = await MailDigestsAsync(ct);
        var queued = await QueueWebhooksAsync(ct);
        return $"mailed {mailed} digest(s), queued {queued} webhook delivery(ies)";
    }

    /// <summary>
    /// Mails every staff user who holds an alert's permission and has <c>email_notifications</c> on one digest of the alerts
    /// raised since the last run (in practice the minute's), the alerts they may see only. Returns the number of mails.
    /// </summary>
    public async Task<int> MailDigestsAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var claimed = await db.Database.SqlQueryRaw<AlertMessage>("""
            UPDATE alerts SET emailed_at = {0}
            WHERE emailed_at IS NULL
            RETURNING id, rule, permission, severity, title, detail, link, tenant_id, raised_at, resolved_at
            """, now).ToListAsync(ct);
        if (claimed.Count == 0) return 0;
        var permissions = claimed.Select(a => a.Permission).Distinct().ToList();
        var recipients = await (
            from u in db.Users.AsNoTracking()
            join pref in db.UserPreferences.AsNoTracking() on u.Id equals pref.UserId
            join s in db.StaffMembers.AsNoTracking() on u.Id equals s.UserId
            join rp in db.StaffRolePermissions.AsNoTracking() on s.RoleId equals rp.RoleId
            where pref.EmailNotifications == true && u.Status == UserStatus.Active && u.Email != null && permissions.Contains(rp.Permission!.Name!)
            select new { u.Email, Permission = rp.Permission!.Name! })
            .ToListAsync(ct);
        var sent = 0;
        foreach (var user in recipients.GroupBy(r => r.Email!, StringComparer.OrdinalIgnoreCase))
        {
            var theirs = user.Select(r => r.Permission).ToHashSet(StringComparer.Ordinal);
            var alerts = claimed.Where(a => theirs.Contains(a.Permission))
                .OrderByDescending(a => AlertSeverity.Rank(a.Severity)).ThenBy(a => a.RaisedAt).ThenBy(a => a.Id).ToList();
            if (alerts.Count == 0) continue;
            try
            {
                await mail.SendAsync(user.Key, DigestSubject(alerts), RenderDigest(alerts, links), ct);
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The alert digest to a staff user could not be sent");
            }
        }
        return sent;
    }

    public static string DigestSubject(IReadOnlyList<AlertMessage> alerts) => alerts.Count == 1
        ? $"[InfraAdmin] {alerts[0].Severity}: {alerts[0].Title}"
        : $"[InfraAdmin] {alerts.Count} new alerts ({alerts.Count(a => a.Severity == AlertSeverity.Critical)} critical)";

    /// <summary>The digest's HTML: every value HTML-encoded, every link absolute from the public base URL.</summary>
    public static string RenderDigest(IReadOnlyList<AlertMessage> alerts, PublicLinks links)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<p>{alerts.Count} new alert(s) in the console:</p><ul>");
        foreach (var a in alerts.Take(DigestListMax))
        {
            var title = a.Link is { Length: > 0 } link ? $"<a href=\"{E(links.To(link))}\">{E(a.Title)}</a>" : E(a.Title);
            var resolved = a.ResolvedAt is null ? "" : " (already resolved)";
            sb.Append(CultureInfo.InvariantCulture,
                $"<li><strong>{E(a.Severity)}</strong> {title}{resolved} — {E(a.RaisedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))} UTC<br />{E(a.Detail)}</li>");
        }
        sb.Append("</ul>");
        if (alerts.Count > DigestListMax) sb.Append(CultureInfo.InvariantCulture, $"<p>And {alerts.Count - DigestListMax} more.</p>");
        sb.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(links.To("alerts", new Dictionary<string, string?> { ["state"] = "open" }))}\">Open alerts in the console</a></p>");
        sb.Append("<p>You get this mail because email notifications are on in your preferences.</p>");
        return sb.ToString();
    }

    /// <summary>Claims the alerts not yet queued for the webhook and, when a webhook is configured, queues one delivery job each.</summary>
    public async Task<int> QueueWebhooksAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var configured = await webhook.TargetAsync(ct) is not null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Without a webhook the alerts are claimed all the same: setting one later does not post the whole history.
        var ids = await db.Database.SqlQueryRaw<Guid>("""
            UPDATE alerts SET webhook_queued_at = {0} WHERE webhook_queued_at IS NULL RETURNING id AS "Value"
            """, now).ToListAsync(ct);
        if (!configured) return 0;
        foreach (var id in ids) jobs.Enqueue<AlertWebhookSender>(s => s.SendAsync(id, CancellationToken.None));
        return ids.Count;
    }
}

/// <summary>
/// Posts one alert to the outgoing webhook (<c>alerts.webhook_url</c>, https only) as JSON, with
/// <c>X-InfraAdmin-Signature: sha256=&lt;hex HMAC-SHA256 of the exact body with alerts.webhook_secret&gt;</c>. Each attempt is
/// a row of <c>alert_webhook_deliveries</c> (host, status, error: never the URL's path or the secret); a failure throws, so
/// Hangfire retries it with backoff (<see cref="RetryDelaysSeconds"/>).
/// Test-only: <c>Alerts:TestWebhookUrl</c> (honoured outside Production, loopback http allowed) replaces the setting.
/// </summary>
public sealed class AlertWebhookSender(
    IDbContextFactory<InfraAdminDbContext> dbFactory, SystemSettings settings, PublicLinks links, IHttpClientFactory http,
    IConfiguration configuration, IHostEnvironment environment, TimeProvider time, ILogger<AlertWebhookSender> logger)
{
    public const string HttpClientName = "alerts-webhook";
    public const string SignatureHeader = "X-InfraAdmin-Signature";
    public const string DeliveryHeader = "X-InfraAdmin-Alert";
    public static readonly int[] RetryDelaysSeconds = [30, 120, 600, 1800, 7200];

    /// <summary>The URL to post to, or null when no webhook is configured (or it is not https).</summary>
    public async Task<Uri?> TargetAsync(CancellationToken ct = default)
    {
        if (!environment.IsProduction() && configuration["Alerts:TestWebhookUrl"] is { Length: > 0 } test
            && Uri.TryCreate(test, UriKind.Absolute, out var testUri) && (testUri.Scheme == Uri.UriSchemeHttps || testUri.IsLoopback))
            return testUri;
        var url = await settings.GetAsync(SettingCatalog.AlertsWebhookUrl, ct);
        return HttpsUrl.Parse(url);
    }

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public byte[] Body(AlertMessage a) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        id = a.Id, rule = a.Rule, severity = a.Severity, title = a.Title, detail = a.Detail,
        link = a.Link is null ? null : links.To(a.Link), tenant_id = a.TenantId, raised_at = a.RaisedAt, resolved_at = a.ResolvedAt,
    });

    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [30, 120, 600, 1800, 7200], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task<string> SendAsync(Guid alertId, CancellationToken ct)
    {
        var target = await TargetAsync(ct);
        if (target is null) return "no webhook configured";
        var secret = await settings.GetAsync(SettingCatalog.AlertsWebhookSecret, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var alert = await db.Alerts.AsNoTracking().Where(a => a.Id == alertId)
            .Select(a => new AlertMessage(a.Id, a.Rule, a.Permission, a.Severity, a.Title, a.Detail, a.Link, a.TenantId, a.RaisedAt, a.ResolvedAt))
            .FirstOrDefaultAsync(ct);
        if (alert is null) return "alert gone";
        var attempt = await db.AlertWebhookDeliveries.CountAsync(d => d.AlertId == alertId, ct) + 1;
        var body = Body(alert);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (secret is not null) request.Headers.Add(SignatureHeader, Sign(secret, body));
        request.Headers.Add(DeliveryHeader, alert.Id.ToString());
        var started = time.GetTimestamp();
        int? status = null;
        string? error = null;
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) error = $"HTTP {status}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            error = ex is TaskCanceledException ? "timed out" : ex.Message;
        }
        var duration = (int)time.GetElapsedTime(started).TotalMilliseconds;
        db.AlertWebhookDeliveries.Add(new AlertWebhookDelivery
        {
            AlertId = alertId, Attempt = attempt, AttemptedAt = time.GetUtcNow().UtcDateTime, Host = target.Host, StatusCode = status,
            Succeeded = error is null, Error = error is null ? null : error[..Math.Min(error.Length, 500)], DurationMs = duration,
        });
        db.AuditEnabled = false; // delivery bookkeeping
        await db.SaveChangesAsync(ct);
        if (error is not null)
        {
            logger.LogWarning("Webhook delivery of alert {AlertId} to {Host} failed (attempt {Attempt}): {Error}", alertId, target.Host, attempt, error);
            throw new WebhookDeliveryFailedException($"Webhook delivery to {target.Host} failed (attempt {attempt}): {error}");
        }
        return $"delivered to {target.Host} (attempt {attempt})";
    }
}

/// <summary>A webhook attempt that did not get a 2xx: Hangfire retries the job.</summary>
public sealed class WebhookDeliveryFailedException(string message) : Exception(message);
