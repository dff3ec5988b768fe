using InfraAdmin.Data;
using InfraAdmin.Data.Billing;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Vps;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Vps;

/// <summary>Create/edit with derived periods and bad input; decommission schedule, cancel and impact preview; all audited.</summary>
public sealed class VpsChangeTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The service as ops; with a clock, the same service on that clock.</summary>
    private async Task<T> AsOpsAsync<T>(Func<VpsService, Task<T>> call, TimeProvider? clock = null)
    {
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        return await call(clock is null ? scope.ServiceProvider.GetRequiredService<VpsService>() : scope.ServiceProvider.With<VpsService>(clock));
    }

    private Task AsOpsAsync(Func<VpsService, Task> call, TimeProvider? clock = null) => AsOpsAsync(async s => { await call(s); return 0; }, clock);

    private static VpsForm Form(string providerId, int day = 31) => new()
    {
        ProviderId = providerId, IpAddress = "192.0.2.44", Region = "eu-west", BillingDay = day, MonthlyCost = 61.50m, ApproximateCost = 58m,
    };

    [Fact]
    public async Task Creating_derives_the_current_period_and_is_audited()
    {
        // The last day of a 30-day month: billing day 31 is clamped to it.
        var clock = TestClock.At(2026, 4, 30, 23, 59);
        var providerId = VpsTestData.NewProviderId("new");
        var id = await AsOpsAsync(s => s.CreateAsync(Form(providerId), Ct), clock);

        await using var db = Db.CreateContext();
        var vps = await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == id, Ct);
        var expected = BillingPeriod.Containing(clock.UtcNow(), 31);
        Assert.Equal((expected.Start, expected.End), (vps.CurrentBillingPeriodStart, vps.CurrentBillingPeriodEnd));
        Assert.Equal((VpsStatus.Active, 61.50m, "eu-west"), (vps.Status, vps.MonthlyCost, vps.Region));
        var audit = await db.AuditLog.AsNoTracking().SingleAsync(a => a.EntityType == "vps_instances" && a.EntityId == id.ToString(), Ct);
        Assert.Equal("vps.create", audit.Action);
    }

    [Theory]
    [InlineData("BillingDay", 0, "192.0.2.1", 10.0)]
    [InlineData("BillingDay", 32, "192.0.2.1", 10.0)]
    [InlineData("MonthlyCost", 1, "192.0.2.1", -0.01)]
    [InlineData("IpAddress", 1, "300.1.2.3", 10.0)]
    [InlineData("IpAddress", 1, "10.1", 10.0)]
    public async Task Bad_input_is_refused_beside_its_field_and_nothing_is_written(string field, int day, string ip, double monthly)
    {
        var providerId = VpsTestData.NewProviderId("bad");
        var form = Form(providerId, day);
        form.IpAddress = ip;
        form.MonthlyCost = (decimal)monthly;
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => AsOpsAsync(s => s.CreateAsync(form, Ct)));
        Assert.Equal([field], ex.Errors.Keys);
        await using var db = Db.CreateContext();
        Assert.False(await db.VpsInstances.AnyAsync(v => v.HostwindsInstanceId == providerId, Ct));
    }

    [Fact]
    public async Task A_provider_id_is_unique()
    {
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => AsOpsAsync(s => s.CreateAsync(Form("hw-use-1001"), Ct)));
        Assert.True(ex.Errors.ContainsKey(nameof(VpsForm.ProviderId)));
        await using var db = Db.CreateContext();
        Assert.Equal(1, await db.VpsInstances.CountAsync(v => v.HostwindsInstanceId == "hw-use-1001", Ct));
    }

    [Fact]
    public async Task Editing_the_billing_day_moves_the_period_and_a_stale_version_is_refused()
    {
        // February of a common year: billing day 29 is clamped to the 28th.
        var clock = TestClock.At(2027, 2, 28, 8);
        await using var db = Db.CreateContext();
        var vps = await VpsTestData.AddVpsAsync(db, billingDay: 15, periodAt: clock.UtcNow());
        var form = Form(vps.HostwindsInstanceId!, 29);
        form.Version = vps.Version;
        await AsOpsAsync(s => s.UpdateAsync(vps.Id, form, Ct), clock);

        var saved = await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == vps.Id, Ct);
        var expected = BillingPeriod.Containing(clock.UtcNow(), 29);
        Assert.Equal((29, expected.Start, expected.End), (saved.HostwindsBillingDay!.Value, saved.CurrentBillingPeriodStart, saved.CurrentBillingPeriodEnd));
        var audit = await db.AuditLog.AsNoTracking().SingleAsync(a => a.EntityId == vps.Id.ToString() && a.Action == "vps.update", Ct);
        Assert.Equal(15, audit.Before!.RootElement.GetProperty("hostwinds_billing_day").GetInt32());

        form.MonthlyCost = 1m; // still carries the version seen before the first save
        var ex = await Assert.ThrowsAsync<StaleEditException>(() => AsOpsAsync(s => s.UpdateAsync(vps.Id, form, Ct), clock));
        Assert.Contains("Someone else changed", ex.Message);
        Assert.Equal(61.50m, (await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == vps.Id, Ct)).MonthlyCost);
    }

    [Fact]
    public async Task The_impact_preview_counts_ips_active_assignments_and_tenants()
    {
        await using var db = Db.CreateContext();
        var vps = await VpsTestData.AddVpsAsync(db);
        var ip1 = await VpsTestData.AddIpAsync(db, vps.Id, n: 1);
        var ip2 = await VpsTestData.AddIpAsync(db, vps.Id, n: 2);
        await VpsTestData.AddIpAsync(db, vps.Id, IpStatus.Available, n: 3);
        await VpsTestData.AssignAsync(db, ip1, "acme", 0);
        await VpsTestData.AssignAsync(db, ip1, "acme", 1, AssignmentStatus.Warming);
        await VpsTestData.AssignAsync(db, ip2, "globex", 0);
        await VpsTestData.AssignAsync(db, ip2, "initech", 0, AssignmentStatus.Expired);
        await VpsTestData.AssignAsync(db, ip2, "initech", 1, AssignmentStatus.Scheduled);

        var impact = await AsOpsAsync(s => s.PreviewDecommissionAsync(vps.Id, Ct));
        Assert.Equal(3, impact.Ips.Count);
        Assert.Equal(3, impact.ActiveAssignments);
        Assert.Equal([("Acme Outreach", 2), ("Globex Mailworks", 1)], impact.Tenants.Select(t => (t.Name, t.ActiveAssignments)));
        Assert.Equal(vps.CurrentBillingPeriodEnd, impact.DefaultDate);
        Assert.Equal(50m, impact.MonthlySaving);
        Assert.True(impact.NeedsConfirmation);
    }

    [Fact]
    public async Task Scheduling_defaults_to_the_period_end_needs_confirmation_with_assignments_and_can_be_cancelled()
    {
        await using var db = Db.CreateContext();
        var vps = await VpsTestData.AddVpsAsync(db, billingDay: 1);
        var ip = await VpsTestData.AddIpAsync(db, vps.Id);
        await VpsTestData.AssignAsync(db, ip, "acme", 2);

        var refused = await Assert.ThrowsAsync<RefusedException>(() => AsOpsAsync(s => s.ScheduleDecommissionAsync(vps.Id, null, false, vps.Version, Ct)));
        Assert.Contains("1 active domain assignment", refused.Message);
        var past = DateOnly.FromDateTime(DateTime.UtcNow);
        var inPast = await Assert.ThrowsAsync<RefusedException>(() => AsOpsAsync(s => s.ScheduleDecommissionAsync(vps.Id, past, true, vps.Version, Ct)));
        Assert.Contains("future", inPast.Message);
        Assert.Equal(VpsStatus.Active, (await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == vps.Id, Ct)).Status);

        var savingsBefore = (await AsOpsAsync(s => s.HeadlineAsync(Ct))).ScheduledSavings;
        var when = await AsOpsAsync(s => s.ScheduleDecommissionAsync(vps.Id, null, true, vps.Version, Ct));
        Assert.Equal(vps.CurrentBillingPeriodEnd, when);
        var scheduled = await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == vps.Id, Ct);
        Assert.Equal((VpsStatus.ScheduledDecommission, when), (scheduled.Status, scheduled.DecommissionScheduledFor!.Value));
        // The assignment stays active until the decommission takes effect.
        Assert.Equal(1, (await db.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ip.Id, Ct)).AssignedCount);

        Assert.Equal(savingsBefore + 50m, (await AsOpsAsync(s => s.HeadlineAsync(Ct))).ScheduledSavings);

        await AsOpsAsync(s => s.CancelDecommissionAsync(vps.Id, scheduled.Version, Ct));
        var cancelled = await db.VpsInstances.AsNoTracking().SingleAsync(v => v.Id == vps.Id, Ct);
        Assert.Equal((VpsStatus.Active, (DateTime?)null), (cancelled.Status, cancelled.DecommissionScheduledFor));
        var actions = await db.AuditLog.AsNoTracking().Where(a => a.EntityId == vps.Id.ToString()).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(Ct);
        Assert.Equal(["vps.decommission_schedule", "vps.decommission_cancel"], actions);
        await Assert.ThrowsAsync<RefusedException>(() => AsOpsAsync(s => s.CancelDecommissionAsync(vps.Id, cancelled.Version, Ct)));
    }

    [Fact]
    public async Task A_date_after_the_next_renewal_is_flagged_as_billed_again()
    {
        // Three days before a month's end: the renewal (billing day 1) falls in the next month.
        var clock = TestClock.At(2026, 1, 29);
        await using var db = Db.CreateContext();
        var soon = clock.UtcNow().AddDays(3);
        var vps = await VpsTestData.AddVpsAsync(db, billingDay: soon.Day, periodAt: clock.UtcNow());
        var after = DateOnly.FromDateTime(vps.CurrentBillingPeriodEnd!.Value.AddDays(2));
        var when = await AsOpsAsync(s => s.ScheduleDecommissionAsync(vps.Id, after, false, vps.Version, Ct), clock);

        var overview = await AsOpsAsync(s => s.OverviewAsync(Ct), clock);
        var renewal = Assert.Single(overview.Renewals, r => r.Id == vps.Id);
        Assert.Equal(when, renewal.DecommissionScheduledFor);
        Assert.True(renewal.BilledAgain);
        Assert.True(overview.BilledAgainCount >= 1);
        Assert.True((await AsOpsAsync(s => s.PreviewDecommissionAsync(vps.Id, Ct), clock)).IsBilledAgain(when));
    }

    [Fact]
    public async Task The_overview_lists_the_most_urgent_renewals_and_counts_them_all()
    {
        // Two days before a 31-day month's end: the renewals fall on billing day 31, the window runs into the next month.
        var clock = TestClock.At(2026, 1, 29);
        await using var db = Db.CreateContext();
        var soon = clock.UtcNow().AddDays(2);
        var added = new List<VpsInstance>();
        for (var i = 0; i < VpsService.RenewalListSize + 2; i++)
            added.Add(await VpsTestData.AddVpsAsync(db, billingDay: soon.Day, periodAt: clock.UtcNow()));
        // The last one is scheduled to go after its renewal: billed again, so it leads the list though not the soonest.
        var late = added[^1];
        var after = DateOnly.FromDateTime(late.CurrentBillingPeriodEnd!.Value.AddDays(2));
        await AsOpsAsync(s => s.ScheduleDecommissionAsync(late.Id, after, false, late.Version, Ct), clock);

        var overview = await AsOpsAsync(s => s.OverviewAsync(Ct), clock);
        var horizon = clock.UtcNow().AddDays(VpsService.RenewalWindowDays);
        await using var read = Db.CreateContext();
        var renewing = (await read.VpsInstances.AsNoTracking()
            .Where(v => v.Status != VpsStatus.Decommissioned && v.CurrentBillingPeriodEnd <= horizon).ToListAsync(Ct))
            .Select(v => new { v.Id, v.HostwindsInstanceId, End = v.CurrentBillingPeriodEnd!.Value, BilledAgain = v.DecommissionScheduledFor > v.CurrentBillingPeriodEnd })
            .ToList();
        Assert.True(renewing.Count > VpsService.RenewalListSize);
        Assert.Equal(renewing.Count, overview.RenewalCount);
        Assert.Equal(renewing.Count(r => r.BilledAgain), overview.BilledAgainCount);
        var mostUrgent = renewing.OrderByDescending(r => r.BilledAgain).ThenBy(r => r.End).ThenBy(r => r.HostwindsInstanceId, StringComparer.Ordinal)
            .Take(VpsService.RenewalListSize).Select(r => r.Id);
        Assert.Equal(mostUrgent, overview.Renewals.Select(r => r.Id));
        Assert.Equal(late.Id, overview.Renewals[0].Id);
        Assert.Equal(overview.RenewalCount, (await AsOpsAsync(s => s.HeadlineAsync(Ct), clock)).RenewalsThisWeek);
    }

    [Fact]
    public async Task A_decommissioned_instance_cannot_be_scheduled_or_edited()
    {
        await using var db = Db.CreateContext();
        var vps = await VpsTestData.AddVpsAsync(db, status: VpsStatus.Decommissioned, decommissionAt: DateTime.UtcNow.AddDays(-3));
        var ex = await Assert.ThrowsAsync<RefusedException>(() => AsOpsAsync(s => s.ScheduleDecommissionAsync(vps.Id, null, true, vps.Version, Ct)));
        Assert.Contains("already decommissioned", ex.Message);
        var form = Form(vps.HostwindsInstanceId!);
        form.Version = vps.Version;
        await Assert.ThrowsAsync<RefusedException>(() => AsOpsAsync(s => s.UpdateAsync(vps.Id, form, Ct)));
        Assert.False(await db.AuditLog.AnyAsync(a => a.EntityId == vps.Id.ToString(), Ct));
    }
}
