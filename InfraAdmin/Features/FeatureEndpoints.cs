namespace InfraAdmin.Features;

/// <summary>HTTP endpoints of the areas (CSV exports, the checker API), one line per area.</summary>
public static class FeatureEndpoints
{
    public static IEndpointRouteBuilder MapFeatureEndpoints(this IEndpointRouteBuilder endpoints)
    {
        Audit.AuditEndpoints.Map(endpoints);
        Vps.VpsEndpoints.Map(endpoints);
        Costs.CostEndpoints.Map(endpoints);
        IpReputation.IpReputationEndpoints.Map(endpoints);
        Staff.StaffEndpoints.Map(endpoints);
        Tenants.TenantEndpoints.Map(endpoints);
        return endpoints;
    }
}
