using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Staff;

public static class StaffEndpoints
{
    /// <summary><c>GET /staff/export.csv</c> with the list's search and role: the staff as CSV (staff.view).</summary>
    public static void MapStaffEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/staff/export.csv", async (string? q, string? role, StaffService service, TimeProvider clock, CancellationToken ct) =>
            {
                var f = new QueryFilters();
                var query = StaffQuery.FromQuery(f, q, role);
                if (f.BadRequest() is { } bad) return bad;
                var rows = await service.ExportAsync(query, ct);
                var file = Csv.Build(
                    ["user_id", "email", "name", "role", "status", "locked_out", "added", "last_sign_in", "notes"],
                    rows.Select(r => new object?[] { r.UserId, r.Email, r.DisplayName, r.RoleName, r.Status, r.Locked, r.Added, r.LastSignIn, r.Notes }));
                return Results.File(file, "text/csv; charset=utf-8", Csv.FileName("staff", clock));
            })
            .RequireAuthorization(Policies.StaffView);
}
