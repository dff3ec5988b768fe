using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Audit;

public static class AuditEndpoints
{
    /// <summary><c>GET /audit/export.csv</c> with the page's filters: the filtered log as CSV (audit.view).</summary>
    public static void MapAuditEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/audit/export.csv", async (
                string? entity, string? entity_id, string? actor, string? action, string? tenant, string? from, string? to,
                AuditService service, TimeProvider clock, CancellationToken ct) =>
            {
                var f = new QueryFilters();
                var filter = AuditFilter.FromQuery(f, entity, entity_id, actor, action, tenant, from, to);
                if (f.BadRequest() is { } bad) return bad;
                var rows = await service.ExportAsync(filter, ct);
                var file = Csv.Build(AuditCsv.Header, rows.Select(AuditCsv.Cells));
                return Results.File(file, "text/csv; charset=utf-8", Csv.FileName("audit", clock));
            })
            .RequireAuthorization(Policies.AuditView);
}
