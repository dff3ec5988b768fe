using InfraAdmin.Authorization;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Tenants;

public static class TenantEndpoints
{
    public static void MapTenantsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        MapTenants(endpoints);
        MapMembers(endpoints);
    }

    /// <summary><c>GET /tenants/export.csv</c> with the list's search, plan and status: the tenants as CSV (tenants.view).</summary>
    public static void MapTenants(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/tenants/export.csv", async (string? q, string? plan, string? status, TenantService service, SystemSettings settings, TimeProvider clock, CancellationToken ct) =>
            {
                var f = new QueryFilters();
                var query = TenantListQuery.FromQuery(f, q, plan, status);
                if (f.BadRequest() is { } bad) return bad;
                var rows = await service.ExportAsync(query, ct);
                var currency = await settings.CurrencyAsync(ct);
                var file = Csv.Build(
                    ["id", "name", "slug", "plan", "status", Csv.Money("monthly_revenue", currency), "users", "domains"],
                    rows.Select(r => new object?[] { r.Id, r.Name, r.Slug, r.Plan, r.Status, r.MonthlyRevenue, r.Users, r.Domains }));
                return Results.File(file, "text/csv; charset=utf-8", Csv.FileName("tenants", clock));
            })
            .RequireAuthorization(Policies.TenantsView);

    /// <summary><c>GET /tenant/members/export.csv</c>: the caller's tenant's members as CSV (its admin).</summary>
    public static void MapMembers(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/tenant/members/export.csv", async (MembersService service, TimeProvider clock, CancellationToken ct) =>
            {
                var rows = await service.ExportAsync(ct);
                var file = Csv.Build(
                    ["user_id", "email", "name", "role", "status", "accepted", "two_factor", "last_sign_in", "locked_out"],
                    rows.Select(r => new object?[] { r.Id, r.Email, r.DisplayName, r.Role, r.Status, r.Accepted, r.TwoFactorEnabled, r.LastSignIn, r.LockedOut }));
                return Results.File(file, "text/csv; charset=utf-8", Csv.FileName("members", clock));
            })
            .RequireAuthorization("TenantAdmin");
}
