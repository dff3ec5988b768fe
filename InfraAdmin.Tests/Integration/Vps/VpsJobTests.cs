using InfraAdmin.Data.Billing;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Vps;
using InfraAdmin.Infrastructure.Jobs;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Vps;

/// <summary>The billing roll-forward and due-decommission jobs: what they change, and that two instances running at once act once.</summary>
public sealed class VpsJobTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private const string RollForward = "vps.billing-roll-forward";
    private const string DueDecommissions = "vps.due-decommissions";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> RunAsync(string jobId, TimeProvider? clock = null)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await Job(scope.ServiceProvider, jobId, clock).RunAsync(Ct);
    }

    /// <summary>The registered job, or (with a clock) the same job built on that clock.</summary>
    private static IRecurringJob Job(IServiceProvider services, string jobId, TimeProvider? clock)
    {
        var job = services.GetServices<IRecurringJob>().Single(j => j.Id == jobId);
        return clock is null ? job : (IRecurringJob)ActivatorUtilities.CreateInstance(services, job.GetType(), clock);
    }

    /// <summary>Two service scopes (as two app instances would have) run the same job at the same moment.</summary>
    private async Task RunTwiceConcurrentlyAsync(string jobId, TimeProvider? clock = null)
    {
        await using var a = App.Services.CreateAsyncScope();
        await using var b = App.Services.CreateAsyncScope();
        var jobA = Job(a.ServiceProvider, jobId, clock);
        var jobB = Job(b.ServiceProvider, jobId, clock);
        using var start = new ManualResetEventSlim();
        var runs = new[] { jobA, jobB }.Select(job => Task.Run(async () => { start.Wait(Ct); return await job.RunAsync(Ct); }, Ct)).ToList();
        start.Set();
        await Task.WhenAll(runs);
    }

    [Fact]
    public void Both_jobs_are_registered_for_the_jobs_page()
    {
        using var scope = App.Services.CreateScope();
        var ids = scope.ServiceProvider.GetServices<IRecurringJob>().Select(j => j.Id).ToList();
        Assert.Contains(RollForward, ids);
        Assert.Contains(DueDecommissions, ids);
    }

    [Fact]
    public async Task An_ended_period_rolls_forward_once_with_the_clamp_rule()
    {
        // February's last day: billing day 31 is clamped to the 28th, the day the period starts.
        var clock = TestClock.At(2026, 2, 28);
        await using var db = Db.CreateContext();
        var stale = await VpsTestData.AddVpsAsync(db, billingDay: 31, periodAt: clock.UtcNow().AddMonths(-3));
        var current = await VpsTestData.AddVpsAsync(db, billingDay: 31, periodAt: clock.UtcNow());
        var gone = await VpsTestData.AddVpsAsync(db, billingDay: 31, status: VpsStatus.Decommissioned, periodAt: clock.UtcNow().AddMonths(-3));

        await RunAsync(RollForward, clock);
        await RunAsync(RollForward, clock);

        var rows = await db.VpsInstances.AsNoTracking().Where(v => v.Id == stale.Id || v.Id == current.Id || v.Id == gone.Id).ToDictionaryAsync(v => v.Id, Ct);
        var expected = BillingPeriod.Containing(clock.UtcNow(), 31);
        Assert.Equal((expected.Start, expected.End), (rows[stale.Id].CurrentBillingPeriodStart!.Value, rows[stale.Id].CurrentBillingPeriodEnd!.Value));
        Assert.Equal(current.CurrentBillingPeriodEnd, rows[current.Id].CurrentBillingPeriodEnd);
        Assert.Equal(gone.CurrentBillingPeriodEnd, rows[gone.Id].CurrentBillingPeriodEnd);

        var audit = await db.AuditLog.AsNoTracking().Where(a => a.EntityType == "vps_instances" && a.Action == "vps.billing_roll_forward").ToListAsync(Ct);
        var row = Assert.Single(audit, a => a.EntityId == stale.Id.ToString());
        Assert.Equal("system", row.ActorName);
        Assert.DoesNotContain(audit, a => a.EntityId == current.Id.ToString() || a.EntityId == gone.Id.ToString());
    }

    [Fact]
    public async Task Two_instances_rolling_forward_at_once_change_and_audit_each_period_once()
    {
        // The last day of a 31-day month: every billing day up to 25 has its anchor in this month.
        var clock = TestClock.At(2026, 3, 31, 23, 59);
        await using var db = Db.CreateContext();
        var ids = new List<Guid>();
        for (var i = 0; i < 25; i++) ids.Add((await VpsTestData.AddVpsAsync(db, billingDay: 1 + i, periodAt: clock.UtcNow().AddMonths(-2))).Id);

        await RunTwiceConcurrentlyAsync(RollForward, clock);

        var keys = ids.Select(id => id.ToString()).ToList();
        var perItem = await db.AuditLog.AsNoTracking().Where(a => a.Action == "vps.billing_roll_forward" && keys.Contains(a.EntityId!))
            .GroupBy(a => a.EntityId).Select(g => g.Count()).ToListAsync(Ct);
        Assert.Equal(25, perItem.Count);
        Assert.All(perItem, n => Assert.Equal(1, n));
        var ends = await db.VpsInstances.AsNoTracking().Where(v => ids.Contains(v.Id)).Select(v => v.CurrentBillingPeriodEnd).ToListAsync(Ct);
        Assert.All(ends, e => Assert.True(e > clock.UtcNow()));
    }

    [Fact]
    public async Task A_due_decommission_takes_effect_expires_assignments_and_frees_the_ips()
    {
        await using var db = Db.CreateContext();
        var when = DateTime.UtcNow.AddHours(-1);
        var vps = await VpsTestData.AddVpsAsync(db, status: VpsStatus.ScheduledDecommission, decommissionAt: when);
        var ip = await VpsTestData.AddIpAsync(db, vps.Id, n: 7);
        var a1 = await VpsTestData.AssignAsync(db, ip, "acme", 3);
        var a2 = await VpsTestData.AssignAsync(db, ip, "globex", 3, AssignmentStatus.Warming);
        var old = await VpsTestData.AssignAsync(db, ip, "globex", 4, AssignmentStatus.Expired);
        var later = await VpsTestData.AddVpsAsync(db, status: VpsStatus.ScheduledDecommission, decommissionAt: DateTime.UtcNow.AddDays(2));

        var result = await RunAsync(DueDecommissions);
        Assert.Contains("expired 2 assignment", result);

        Assert.Equal(VpsStatus.Decommissioned, (await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == vps.Id, Ct)).Status);
        Assert.Equal(VpsStatus.ScheduledDecommission, (await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == later.Id, Ct)).Status);
        var assignments = await db.DomainIpAssignments.AsNoTracking().Where(a => a.SmtpIpAddressId == ip.Id).ToDictionaryAsync(a => a.Id, Ct);
        Assert.All([a1.Id, a2.Id], id => Assert.Equal(AssignmentStatus.Expired, assignments[id].Status));
        Assert.All([a1.Id, a2.Id], id => Assert.Equal(when, assignments[id].Expires!.Value, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(old.Expires, assignments[old.Id].Expires);
        var freed = await db.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ip.Id, Ct);
        Assert.Equal((0, IpStatus.Available), (freed.AssignedCount!.Value, freed.Status));
        var history = Assert.Single(await db.SmtpIpHistory.AsNoTracking().Where(h => h.SmtpIpAddressId == ip.Id).ToListAsync(Ct));
        Assert.Equal((IpStatus.Assigned, IpStatus.Available), (history.FromStatus, history.ToStatus));

        var audit = await db.AuditLog.AsNoTracking().Where(a => a.EntityId == vps.Id.ToString() || a.EntityId == a1.Id.ToString() || a.EntityId == a2.Id.ToString())
            .Select(a => a.Action).OrderBy(a => a).ToListAsync(Ct);
        Assert.Equal(["ip.expire_assignment", "ip.expire_assignment", "vps.decommission"], audit);
        Assert.Contains("decommissioned 0", await RunAsync(DueDecommissions));
    }

    [Fact]
    public async Task Two_instances_decommissioning_at_once_act_once_per_instance()
    {
        await using var db = Db.CreateContext();
        var ids = new List<Guid>();
        var assignmentIds = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var vps = await VpsTestData.AddVpsAsync(db, status: VpsStatus.ScheduledDecommission, decommissionAt: DateTime.UtcNow.AddMinutes(-5 - i));
            var ip = await VpsTestData.AddIpAsync(db, vps.Id, n: 100 + i);
            assignmentIds.Add((await VpsTestData.AssignAsync(db, ip, "initech", i % 7)).Id.ToString());
            ids.Add(vps.Id);
        }

        await RunTwiceConcurrentlyAsync(DueDecommissions);

        var keys = ids.Select(id => id.ToString()).ToList();
        var perVps = await db.AuditLog.AsNoTracking().Where(a => a.Action == "vps.decommission" && keys.Contains(a.EntityId!))
            .GroupBy(a => a.EntityId).Select(g => g.Count()).ToListAsync(Ct);
        Assert.Equal(12, perVps.Count);
        Assert.All(perVps, n => Assert.Equal(1, n));
        var perAssignment = await db.AuditLog.AsNoTracking().Where(a => a.Action == "ip.expire_assignment" && assignmentIds.Contains(a.EntityId!))
            .GroupBy(a => a.EntityId).Select(g => g.Count()).ToListAsync(Ct);
        Assert.Equal(12, perAssignment.Count);
        Assert.All(perAssignment, n => Assert.Equal(1, n));
        var history = await db.SmtpIpHistory.AsNoTracking()
            .CountAsync(h => db.SmtpIpAddresses.Any(i => i.Id == h.SmtpIpAddressId && ids.Contains(i.VpsInstanceId!.Value)), Ct);
        Assert.Equal(12, history);
        Assert.True(await db.VpsInstances.Where(v => ids.Contains(v.Id)).AllAsync(v => v.Status == VpsStatus.Decommissioned, Ct));
    }

    [Fact]
    public async Task A_cancelled_schedule_is_left_alone()
    {
        await using var db = Db.CreateContext();
        var vps = await VpsTestData.AddVpsAsync(db, status: VpsStatus.Active, decommissionAt: null);
        await RunAsync(DueDecommissions);
        Assert.Equal(VpsStatus.Active, (await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == vps.Id, Ct)).Status);
        Assert.False(await db.AuditLog.AnyAsync(a => a.EntityId == vps.Id.ToString(), Ct));
    }
}
