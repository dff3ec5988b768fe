using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Costs;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Costs;

/// <summary>Replaces the test database's VPS, IPs and assignments with a scenario, runs the SQL allocation and reads it back.</summary>
public sealed class CostScenario(TestDatabase database, InfraAdminFactory app)
{
    public static readonly Guid[] Tenants =
        [Demo.AcmeTenant, Demo.GlobexTenant, Data.Seeding.SeedIds.For("tenant:initech"), Data.Seeding.SeedIds.For("tenant:umbrella")];

    public List<CostAllocator.Vps> Vps { get; } = [];
    public List<CostAllocator.Ip> Ips { get; } = [];
    public List<CostAllocator.Assignment> Assignments { get; } = [];
    public Dictionary<Guid, Guid> TenantOfDomain { get; } = [];
    private readonly List<(Guid Id, string Status)> _assignmentStatus = [];

    public static DateTime At(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, DateTimeKind.Utc);

    public Guid AddVps(decimal? cost, DateTime created, string status = VpsStatus.Active, DateTime? decommissionAt = null)
    {
        var id = Guid.NewGuid();
        Vps.Add(new(id, created, status, decommissionAt, cost));
        return id;
    }

    public Guid AddIp(decimal? cost, DateTime created, Guid? vps = null)
    {
        var id = Guid.NewGuid();
        Ips.Add(new(id, vps, created, cost));
        return id;
    }

    public Guid AddDomain(Guid tenant)
    {
        var id = Guid.NewGuid();
        TenantOfDomain[id] = tenant;
        return id;
    }

    public void Assign(Guid ip, Guid domain, DateTime assigned, DateTime? expires = null, string status = AssignmentStatus.Active)
    {
        Assignments.Add(new(ip, domain, assigned, expires));
        _assignmentStatus.Add((Guid.NewGuid(), status));
    }

    /// <summary>Writes the scenario (after removing every VPS, IP, assignment and kept figure) and rebuilds the range.</summary>
    public async Task RebuildAsync(DateOnly from, DateOnly to)
    {
        await using (var db = database.CreateContext())
        {
            db.AuditEnabled = false;
            await db.Database.ExecuteSqlRawAsync("""
                DELETE FROM tenant_cost_daily; DELETE FROM domain_ip_assignments; DELETE FROM smtp_ip_history;
                DELETE FROM smtp_ip_addresses; DELETE FROM vps_instances; DELETE FROM domains WHERE name LIKE 'cost-fx-%';
                """);
            db.VpsInstances.AddRange(Vps.Select((v, i) => new VpsInstance
            {
                Id = v.Id, HostwindsInstanceId = $"fx-{v.Id:N}", Status = v.Status, ApproximateCost = v.Cost, Created = v.Created,
                DecommissionScheduledFor = v.DecommissionAt, Region = "us-east",
            }));
            db.SmtpIpAddresses.AddRange(Ips.Select((ip, i) => new SmtpIpAddress
            {
                Id = ip.Id, VpsInstanceId = ip.VpsId, IpAddress = $"10.9.{i / 250}.{i % 250}", Status = IpStatus.Assigned,
                ApproximateCost = ip.Cost, Created = ip.Created,
            }));
            db.Domains.AddRange(TenantOfDomain.Select(d => new Domain { Id = d.Key, TenantId = d.Value, Name = $"cost-fx-{d.Key:N}.example" }));
            db.DomainIpAssignments.AddRange(Assignments.Select((a, i) => new DomainIpAssignment
            {
                Id = _assignmentStatus[i].Id, SmtpIpAddressId = a.IpId, DomainId = a.DomainId, Assigned = a.Assigned, Expires = a.Expires,
                Status = _assignmentStatus[i].Status,
            }));
            await db.SaveChangesAsync();
        }
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CostRollup>().RebuildAsync(from, to);
    }

    /// <summary>The kept rows, keyed like the reference's.</summary>
    public async Task<Dictionary<(DateOnly Day, Guid? Tenant), CostAllocator.Share>> KeptAsync(DateOnly from, DateOnly to)
    {
        await using var db = database.CreateContext();
        var rows = await db.TenantCostDaily.AsNoTracking().Where(r => r.Day >= from && r.Day <= to)
            .Select(r => new { r.Day, r.TenantId, Ip = Math.Round(r.IpCost, 20), Vps = Math.Round(r.VpsCost, 20) }).ToListAsync();
        return rows.ToDictionary(r => (r.Day, r.TenantId), r => new CostAllocator.Share(r.Ip, r.Vps));
    }

    /// <summary>The key of idle in <see cref="MonthAsync"/>.</summary>
    public static readonly Guid Idle = Guid.Empty;

    /// <summary>Exact month sums per tenant (<see cref="Idle"/> for idle) from the kept rows.</summary>
    public async Task<Dictionary<Guid, CostAllocator.Share>> MonthAsync(int year, int month)
    {
        var from = new DateOnly(year, month, 1);
        var kept = await KeptAsync(from, from.AddMonths(1).AddDays(-1));
        return kept.GroupBy(k => k.Key.Tenant ?? Idle).ToDictionary(g => g.Key,
            g => new CostAllocator.Share(Math.Round(g.Sum(x => x.Value.IpCost), 12), Math.Round(g.Sum(x => x.Value.VpsCost), 12)));
    }
}
