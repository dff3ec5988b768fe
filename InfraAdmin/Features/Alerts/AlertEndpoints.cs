using InfraAdmin.Authorization;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Alerts;

public static class AlertEndpoints
{
    /// <summary><c>GET /alerts/export.csv</c> with the page's filters: the alerts the caller may see, as CSV (the view permission of any alert area).</summary>
    public static void MapAlertEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/alerts/export.csv", async (string? state, string? severity, string? rule, string? q, AlertService service, TimeProvider clock, CancellationToken ct) =>
            {
                var f = new QueryFilters();
                var filter = AlertFilter.FromQuery(f, state, severity, rule, q);
                if (f.BadRequest() is { } bad) return bad;
                var rows = await service.ExportAsync(filter, ct);
                var file = Csv.Build(
                    ["id", "rule", "severity", "state", "title", "detail", "link", "tenant_id", "raised_at", "last_seen_at", "resolved_at",
                     "acknowledged_at", "acknowledged_by", "ack_note"],
                    rows.Select(r => new object?[] { r.Id, r.Rule, r.Severity, r.State, r.Title, r.Detail, r.Link, r.TenantId, r.RaisedAt, r.LastSeenAt,
                        r.ResolvedAt, r.AcknowledgedAt, r.AcknowledgedByName, r.AckNote }));
                return Results.File(file, "text/csv; charset=utf-8", Csv.FileName("alerts", clock));
            })
            .RequireAuthorization(Policies.AlertsView);
}
