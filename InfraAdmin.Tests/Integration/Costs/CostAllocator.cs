namespace InfraAdmin.Tests.Integration.Costs;

/// <summary>
/// The reference implementation of docs/DESIGN.md's cost rule, for tests only: in memory, day by day, with decimals.
/// The SQL allocation must give the same figures per tenant and day.
/// </summary>
public static class CostAllocator
{
    public sealed record Vps(Guid Id, DateTime? Created, string? Status, DateTime? DecommissionAt, decimal? Cost);
    public sealed record Ip(Guid Id, Guid? VpsId, DateTime? Created, decimal? Cost);
    public sealed record Assignment(Guid IpId, Guid DomainId, DateTime? Assigned, DateTime? Expires);
    public sealed record Share(decimal IpCost, decimal VpsCost);

    /// <summary>(day, tenant or null for idle) → exact IP and VPS parts.</summary>
    public static Dictionary<(DateOnly Day, Guid? Tenant), Share> Allocate(
        IReadOnlyList<Vps> vps, IReadOnlyList<Ip> ips, IReadOnlyList<Assignment> assignments,
        IReadOnlyDictionary<Guid, Guid> tenantOfDomain, DateOnly from, DateOnly to)
    {
        var result = new Dictionary<(DateOnly, Guid?), Share>();
        void Add(DateOnly day, Guid? tenant, decimal ip, decimal v)
        {
            result.TryGetValue((day, tenant), out var s);
            result[(day, tenant)] = new Share((s?.IpCost ?? 0) + ip, (s?.VpsCost ?? 0) + v);
        }
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            var end = start.AddDays(1);
            decimal dim = DateTime.DaysInMonth(day.Year, day.Month);
            var liveVps = vps.Where(v => v.Created < end && (v.Status != "decommissioned" || v.DecommissionAt > start)).ToDictionary(v => v.Id);
            var liveIps = ips.Where(i => i.Created < end && (i.VpsId is null || liveVps.ContainsKey(i.VpsId.Value))).ToList();
            Add(day, null, 0, 0);
            foreach (var v in liveVps.Values.Where(v => liveIps.All(i => i.VpsId != v.Id)))
                Add(day, null, 0, (v.Cost ?? 0) / dim);
            foreach (var ip in liveIps)
            {
                var own = (ip.Cost ?? 0) / dim;
                var vpsShare = ip.VpsId is { } vpsId ? (liveVps[vpsId].Cost ?? 0) / dim / liveIps.Count(i => i.VpsId == vpsId) : 0;
                var domains = assignments
                    .Where(a => a.IpId == ip.Id && a.Assigned < end && (a.Expires is null || a.Expires > start))
                    .Select(a => a.DomainId).Distinct().ToList();
                if (domains.Count == 0) Add(day, null, own, vpsShare);
                foreach (var d in domains) Add(day, tenantOfDomain[d], own / domains.Count, vpsShare / domains.Count);
            }
        }
        return result;
    }

    /// <summary>The month's total cost straight from existence: every thing's cost × days it existed ÷ days in the month.</summary>
    public static decimal Total(IReadOnlyList<Vps> vps, IReadOnlyList<Ip> ips, DateOnly from, DateOnly to) =>
        Allocate(vps, ips, [], new Dictionary<Guid, Guid>(), from, to).Values.Sum(s => s.IpCost + s.VpsCost);
}
