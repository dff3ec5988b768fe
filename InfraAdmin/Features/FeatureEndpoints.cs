using InfraAdmin.Features.Alerts;
using InfraAdmin.Features.Audit;
using InfraAdmin.Features.Costs;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Features.Staff;
using InfraAdmin.Features.Tenants;
using InfraAdmin.Features.Vps;

namespace InfraAdmin.Features;

/// <summary>HTTP endpoints of the areas (CSV exports, the checker API), one line per area, each in its folder's <c>&lt;Area&gt;Endpoints.cs</c>.</summary>
public static class FeatureEndpoints
{
    public static IEndpointRouteBuilder MapFeatureEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAuditEndpoints();
        endpoints.MapVpsEndpoints();
        endpoints.MapCostsEndpoints();
        endpoints.MapIpReputationEndpoints();
        endpoints.MapStaffEndpoints();
        endpoints.MapTenantsEndpoints();
        endpoints.MapAlertEndpoints();
        return endpoints;
    }
}
