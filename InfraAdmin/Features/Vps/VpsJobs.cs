using InfraAdmin.Data;
using InfraAdmin.Data.Audit;
using InfraAdmin.Data.Billing;
using InfraAdmin.Data.Entities;
using InfraAdmin.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.Vps;

/// <summary>
/// Rolls each billing period forward once it has ended. Idempotent per instance: the UPDATE only applies while the
/// stored end is still the one read, so a second instance running at the same moment changes (and audits) nothing.
/// </summary>
public sealed class VpsBillingRollForwardJob(IDbContextFactory<InfraAdminDbContext> dbFactory, TimeProvider time) : IRecurringJob
{
    public string Id => "vps.billing-roll-forward";
    public string Description => "Moves each VPS's current billing period forward when it ends (billing day clamped to short months)";
    public string Cron => "*/10 * * * *";

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AuditEnabled = false; // bulk updates: the job writes its own audit rows
        var due = await db.VpsInstances.AsNoTracking()
            .Where(v => v.Status != VpsStatus.Decommissioned && v.HostwindsBillingDay >= BillingPeriod.MinDay && v.HostwindsBillingDay <= BillingPeriod.MaxDay
                && (v.CurrentBillingPeriodEnd == null || v.CurrentBillingPeriodEnd <= now))
            .Select(v => new { v.Id, Day = v.HostwindsBillingDay!.Value, v.CurrentBillingPeriodStart, v.CurrentBillingPeriodEnd })
            .ToListAsync(ct);
        var rolled = 0;
        foreach (var v in due)
        {
            var period = BillingPeriod.Containing(now, v.Day);
            var changed = await db.InTransactionAsync(async () =>
            {
                var target = db.VpsInstances.Where(x => x.Id == v.Id && x.Status != VpsStatus.Decommissioned);
                target = v.CurrentBillingPeriodEnd is { } seenEnd
                    ? target.Where(x => x.CurrentBillingPeriodEnd == seenEnd)
                    : target.Where(x => x.CurrentBillingPeriodEnd == null);
                var count = await target.ExecuteUpdateAsync(s => s
                        .SetProperty(x => x.CurrentBillingPeriodStart, period.Start)
                        .SetProperty(x => x.CurrentBillingPeriodEnd, period.End), ct);
                if (count == 1)
                {
                    SystemAudit.Add(db, time.GetUtcNow().UtcDateTime, AuditActions.VpsBillingRollForward, "vps_instances", v.Id,
                        new { current_billing_period_start = v.CurrentBillingPeriodStart, current_billing_period_end = v.CurrentBillingPeriodEnd },
                        new { current_billing_period_start = period.Start, current_billing_period_end = period.End });
                    await db.SaveChangesAsync(ct);
                }
                return count;
            }, ct);
            rolled += changed;
        }
        return $"rolled {rolled} billing period(s) forward";
    }
}

/// <summary>
/// Decommissions instances whose scheduled date has passed: status → decommissioned, their active assignments
/// expire (at the scheduled moment), assigned_count is recounted and IPs left without assignments go back to
/// available. Idempotent per instance through a conditional UPDATE on the status.
/// </summary>
public sealed class VpsDueDecommissionsJob(IDbContextFactory<InfraAdminDbContext> dbFactory, TimeProvider time, Costs.CostRefresher costs) : IRecurringJob
{
    public string Id => "vps.due-decommissions";
    public string Description => "Decommissions instances whose scheduled decommission date has passed and expires their assignments";
    public string Cron => "*/5 * * * *";

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AuditEnabled = false; // bulk updates: the job writes its own audit rows
        var due = await db.VpsInstances.AsNoTracking()
            .Where(v => v.Status == VpsStatus.ScheduledDecommission && v.DecommissionScheduledFor <= now)
            .Select(v => new { v.Id, When = v.DecommissionScheduledFor!.Value })
            .ToListAsync(ct);
        int instances = 0, expired = 0;
        DateTime? since = null;
        foreach (var v in due)
        {
            var result = await db.InTransactionAsync(() => DecommissionAsync(db, v.Id, v.When, now, ct), ct);
            if (result < 0) continue;
            instances++;
            expired += result;
            if (since is null || v.When < since) since = v.When; // it (and its IPs and assignments) no longer exists from then on
        }
        if (since is { } s) await costs.AfterAssignmentsChangedAsync(s, ct);
        return $"decommissioned {instances} instance(s), expired {expired} assignment(s)";
    }

    /// <summary>Returns the number of expired assignments, or -1 when another run (or a cancel) got there first.</summary>
    private async Task<int> DecommissionAsync(InfraAdminDbContext db, Guid id, DateTime when, DateTime now, CancellationToken ct)
    {
        var won = await db.VpsInstances
            .Where(x => x.Id == id && x.Status == VpsStatus.ScheduledDecommission && x.DecommissionScheduledFor <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, VpsStatus.Decommissioned), ct);
        if (won == 0) return -1;
        SystemAudit.Add(db, time.GetUtcNow().UtcDateTime, AuditActions.VpsDecommission, "vps_instances", id,
            new { status = VpsStatus.ScheduledDecommission }, new { status = VpsStatus.Decommissioned, decommission_scheduled_for = when });

        // The instance's row is now locked by this transaction: nothing else decommissions it meanwhile.
        var expired = await IpReputation.IpSystemActions.ExpireAssignmentsOfVpsAsync(db, id, when, time, ct);
        await db.SaveChangesAsync(ct);
        return expired;
    }
}
