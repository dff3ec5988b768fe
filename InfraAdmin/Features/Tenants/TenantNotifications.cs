using System.Net;
using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.Tenants;

/// <summary>
/// The tenant's mail notifications: billing changes to the billing email (notify_on_billing_changes) and security
/// alerts (a lockout, a 2FA reset) to the tenant's admins (notify_on_security_alerts). Every value is HTML-encoded.
/// </summary>
public sealed class TenantNotifications(IDbContextFactory<InfraAdminDbContext> dbFactory, IAppEmailSender mail, ILogger<TenantNotifications> logger, TimeProvider clock)
{
    public async Task BillingChangedAsync(Guid tenantId, TenantSettingsForm before, TenantSettingsForm after, CancellationToken ct = default)
    {
        var recipients = new[] { after.BillingEmail, before.BillingEmail }.Where(e => !string.IsNullOrWhiteSpace(e)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count == 0) return;
        var name = await TenantNameAsync(tenantId, ct);
        var body = $"<p>The billing details of <strong>{E(name)}</strong> were changed.</p><table>"
            + Row("Billing email", before.BillingEmail, after.BillingEmail)
            + Row("Address", Address(before), Address(after))
            + Row("Stripe customer", before.StripeCustomerId, after.StripeCustomerId)
            + "</table><p>If you did not expect this change, contact your tenant administrator.</p>";
        foreach (var to in recipients) await mail.SendAsync(to!, $"Billing details changed for {name}", body, ct);
        logger.LogInformation("Billing change mail sent for tenant {TenantId} to {Count} recipients", tenantId, recipients.Count);
    }

    /// <summary>Mails the tenant's admins when the tenant asked for security alerts; returns how many were mailed.</summary>
    public async Task<int> SecurityAlertAsync(Guid tenantId, string what, AppUser subject, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var wanted = await db.TenantConfigs.AsNoTracking().Where(c => c.TenantId == tenantId)
            .Select(c => c.NotifyOnSecurityAlerts ?? false).FirstOrDefaultAsync(ct);
        if (!wanted) return 0;
        var admins = await db.Users.AsNoTracking()
            .Where(u => u.TenantId == tenantId && u.TenantRole == TenantRole.Admin && u.Status == UserStatus.Active && u.Email != null)
            .Select(u => u.Email!).ToListAsync(ct);
        var name = await TenantNameAsync(tenantId, ct);
        var body = $"<p>Security alert for <strong>{E(name)}</strong>: {E(what)}.</p><p>User: {E(subject.Email)}</p>"
            + $"<p>Time (UTC): {clock.GetUtcNow().UtcDateTime:yyyy-MM-dd HH:mm}</p>";
        foreach (var to in admins) await mail.SendAsync(to, $"Security alert: {what}", body, ct);
        return admins.Count;
    }

    private async Task<string> TenantNameAsync(Guid tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).FirstOrDefaultAsync(ct) ?? "your tenant";
    }

    private static string Address(TenantSettingsForm f) =>
        string.Join(", ", new[] { f.AddressLine1, f.AddressLine2, f.City, f.Region, f.PostalCode, f.Country }.Where(p => !string.IsNullOrWhiteSpace(p)));

    private static string Row(string label, string? before, string? after) =>
        before == after ? "" : $"<tr><th align='left'>{E(label)}</th><td>{E(before ?? "—")}</td><td>→</td><td>{E(after ?? "—")}</td></tr>";

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
}
