using InfraAdmin.Data;
using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Data.Seeding;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.IpReputation;

/// <summary>Status changes through the service: every transition, reasons, bulk partial failure, concurrency, permissions.</summary>
public sealed class IpStatusChangeTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> AllPairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in IpStatus.All)
            foreach (var to in IpStatus.All)
                data.Add(from, to);
        return data;
    }

    [Theory]
    [InlineData(IpStatus.Available)]
    [InlineData(IpStatus.Warmed)]
    public async Task A_manual_move_to_assigned_is_refused_and_points_to_assigning_a_domain(string from)
    {
        var ip = await IpTestData.NewIpAsync(Db, from);
        var other = await IpTestData.NewIpAsync(Db, from);
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();

        var one = await service.ChangeStatusAsync(ip.Id, IpStatus.Assigned, "by hand", ip.Version, Ct);
        var bulk = await service.ChangeStatusBulkAsync([new BulkItem(ip.Id, ip.Version), new BulkItem(other.Id, other.Version)], IpStatus.Assigned, "by hand", Ct);

        Assert.Equal(ChangeOutcomeKind.Refused, one.Kind);
        Assert.Contains("assign a domain", one.Message);
        Assert.All(bulk, o => Assert.Equal(ChangeOutcomeKind.Refused, o.Kind));
        await using var db = Db.CreateContext();
        Assert.Equal(2, await db.SmtpIpAddresses.CountAsync(i => (i.Id == ip.Id || i.Id == other.Id) && i.Status == from, Ct));
        Assert.False(await db.SmtpIpHistory.AnyAsync(h => h.SmtpIpAddressId == ip.Id || h.SmtpIpAddressId == other.Id, Ct));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public async Task Every_transition_is_applied_or_refused_and_only_applied_ones_leave_a_trace(string from, string to)
    {
        var ip = await IpTestData.NewIpAsync(Db, from);
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        // As in a circuit: the audit interceptor finds the caller through the circuit's services.
        App.Services.GetRequiredService<InfraAdmin.Infrastructure.CircuitServicesAccessor>().Services = scope.ServiceProvider;
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();

        var outcome = await service.ChangeStatusAsync(ip.Id, to, "test " + from + "→" + to, ip.Version, Ct);

        await using var db = Db.CreateContext();
        var now = await db.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ip.Id, Ct);
        var history = await db.SmtpIpHistory.AsNoTracking().Where(h => h.SmtpIpAddressId == ip.Id).ToListAsync(Ct);
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.EntityType == "smtp_ip_addresses" && a.EntityId == ip.Id.ToString()).ToListAsync(Ct);
        // assigned is the table's, but reached only by assigning a domain: by hand it is refused.
        if (IpTransitions.IsAllowed(from, to) && to != IpStatus.Assigned)
        {
            Assert.Equal(ChangeOutcomeKind.Changed, outcome.Kind);
            Assert.Equal(to, now.Status);
            var h = Assert.Single(history);
            Assert.Equal((IpHistoryKind.Status, from, to, "test " + from + "→" + to), (h.Kind, h.FromStatus, h.ToStatus, h.Reason));
            Assert.Equal(SeedIds.For("user:" + Demo.Ops), h.ChangedBy);
            var row = Assert.Single(audit);
            Assert.Equal(SeedIds.For("user:" + Demo.Ops), row.ActorId);
            Assert.Equal(to, row.After!.RootElement.GetProperty("status").GetString());
        }
        else
        {
            Assert.Equal(ChangeOutcomeKind.Refused, outcome.Kind);
            Assert.False(string.IsNullOrWhiteSpace(outcome.Message));
            Assert.Equal(from, now.Status);
            Assert.Empty(history);
            Assert.Empty(audit);
        }
    }

    [Fact]
    public async Task A_reason_is_required()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Available);
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        await Assert.ThrowsAsync<RefusedException>(() => service.ChangeStatusAsync(ip.Id, IpStatus.Quarantined, "   ", null, Ct));
        await Assert.ThrowsAsync<RefusedException>(() => service.ChangeStatusAsync(ip.Id, IpStatus.Quarantined, new string('x', 501), null, Ct));
        await using var db = Db.CreateContext();
        Assert.Equal(IpStatus.Available, (await db.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ip.Id, Ct)).Status);
    }

    [Fact]
    public async Task A_change_by_someone_else_since_the_page_was_loaded_is_refused_not_overwritten()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Available);
        await using (var db = Db.CreateContext())
        {
            var other = await db.SmtpIpAddresses.SingleAsync(i => i.Id == ip.Id, Ct);
            other.ReputationState = ReputationState.Poor;
            await db.SaveChangesAsync(Ct);
        }
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var outcome = await scope.ServiceProvider.GetRequiredService<IpReputationService>()
            .ChangeStatusAsync(ip.Id, IpStatus.Quarantined, "listed", ip.Version, Ct);
        Assert.Equal(ChangeOutcomeKind.Conflict, outcome.Kind);
        Assert.Contains("reload", outcome.Message);
        await using var check = Db.CreateContext();
        Assert.Equal(IpStatus.Available, (await check.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ip.Id, Ct)).Status);
    }

    [Fact]
    public async Task Bulk_changes_report_each_ip_and_apply_only_the_allowed_ones()
    {
        var ok1 = await IpTestData.NewIpAsync(Db, IpStatus.Available);
        var ok2 = await IpTestData.NewIpAsync(Db, IpStatus.Degraded);
        var burned = await IpTestData.NewIpAsync(Db, IpStatus.Burned);
        var stale = await IpTestData.NewIpAsync(Db, IpStatus.Warming);
        await using (var db = Db.CreateContext())
        {
            await db.SmtpIpAddresses.Where(i => i.Id == stale.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.ApproximateCost, 9m), Ct);
        }
        var missing = Guid.NewGuid();
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var outcomes = await scope.ServiceProvider.GetRequiredService<IpReputationService>().ChangeStatusBulkAsync(
            [new(ok1.Id, ok1.Version), new(ok2.Id, ok2.Version), new(burned.Id, burned.Version), new(stale.Id, stale.Version), new(missing, 1)],
            IpStatus.Quarantined, "Spamhaus listing wave", Ct);

        Assert.Equal(
            [ChangeOutcomeKind.Changed, ChangeOutcomeKind.Changed, ChangeOutcomeKind.Refused, ChangeOutcomeKind.Conflict, ChangeOutcomeKind.NotFound],
            outcomes.Select(o => o.Kind));
        Assert.Contains("retired", outcomes[2].Message);
        await using var check = Db.CreateContext();
        var statuses = await check.SmtpIpAddresses.AsNoTracking().Where(i => new[] { ok1.Id, ok2.Id, burned.Id, stale.Id }.Contains(i.Id))
            .ToDictionaryAsync(i => i.Id, i => i.Status, Ct);
        Assert.Equal(IpStatus.Quarantined, statuses[ok1.Id]);
        Assert.Equal(IpStatus.Quarantined, statuses[ok2.Id]);
        Assert.Equal(IpStatus.Burned, statuses[burned.Id]);
        Assert.Equal(IpStatus.Warming, statuses[stale.Id]);
        Assert.Equal(2, await check.AuditLog.CountAsync(a => a.Action == "ip.quarantine" && a.EntityType == "smtp_ip_addresses"
            && (a.EntityId == ok1.Id.ToString() || a.EntityId == ok2.Id.ToString()), Ct));
    }

    [Theory]
    [InlineData(Demo.Support)]
    [InlineData(Demo.Exec)]
    public async Task Users_without_ip_manage_are_refused_by_the_service(string user)
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Available);
        var domain = SeedIds.For("domain:acme:0");
        await using var scope = await App.ScopeAsAsync(user);
        var service = scope.ServiceProvider.GetRequiredService<IpReputationService>();
        await Assert.ThrowsAsync<PermissionDeniedException>(() => service.QuarantineAsync(ip.Id, "no", null, Ct));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => service.ChangeStatusBulkAsync([new(ip.Id, ip.Version)], IpStatus.Warming, "no", Ct));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => service.AssignDomainAsync(ip.Id, domain, false, null, Ct));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => scope.ServiceProvider.GetRequiredService<IpCheckService>()
            .RecordAsync(ip.Id, "spamhaus", true, null, ReputationState.Poor, Ct));
        await using var db = Db.CreateContext();
        var now = await db.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ip.Id, Ct);
        Assert.Equal((IpStatus.Available, ReputationState.Good), (now.Status, now.ReputationState));
    }

    [Fact]
    public async Task Tenant_users_cannot_even_read()
    {
        await using var scope = await App.ScopeAsAsync(Demo.AcmeAdmin);
        await Assert.ThrowsAsync<PermissionDeniedException>(() => scope.ServiceProvider.GetRequiredService<IpReputationService>()
            .SearchAsync(new IpFilter(), IpSort.IpAddress, false, 0, 10, Ct));
    }
}
