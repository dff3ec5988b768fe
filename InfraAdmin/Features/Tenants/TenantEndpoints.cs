using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Tenants;

public static class TenantEndpoints
{
    /// <summary><c>GET /tenants/export.csv</c> with the list's search, plan and status: the tenants as CSV (tenants.view).</summary>
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/tenants/export.csv", async (string? q, string? plan, string? status, TenantService service, CancellationToken ct) =>
            {
                var rows = await service.ExportAsync(new TenantListQuery(q, plan, status), ct);
                var file = Csv.Build(
                    ["id", "name", "slug", "plan", "status", "monthly_revenue", "users", "domains"],
                    rows.Select(r => new object?[] { r.Id, r.Name, r.Slug, r.Plan, r.Status, r.MonthlyRevenue, r.Users, r.Domains }));
                return Results.File(file, "text/csv; charset=utf-8", $"tenants-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");
            })
            .RequireAuthorization(Policies.For(Permissions.Tenants.View));
}
