using InfraAdmin.Authorization;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Vps;

public static class VpsEndpoints
{
    /// <summary><c>GET /vps/export.csv</c> with the grid's filters: the instances as CSV (vps.view).</summary>
    public static void MapVpsEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/vps/export.csv", async (
                string? status, string? region, string? billing_day, string? renewing_within, string? q, VpsService service, SystemSettings settings, TimeProvider clock, CancellationToken ct) =>
            {
                var f = new QueryFilters();
                var filter = VpsFilter.FromQuery(f, status, region, billing_day, renewing_within, q);
                if (f.BadRequest() is { } bad) return bad;
                var rows = await service.ExportAsync(filter, ct);
                var c = await settings.CurrencyAsync(ct);
                var file = Csv.Build(
                    ["id", "provider_id", "ip_address", "region", "status", Csv.Money("monthly_cost", c), Csv.Money("approximate_cost", c), "billing_day",
                     "period_start", "period_end", "decommission_scheduled_for", "smtp_ips"],
                    rows.Select(r => new object?[] { r.Id, r.ProviderId, r.IpAddress, r.Region, r.Status, r.MonthlyCost, r.ApproximateCost,
                        r.BillingDay, r.PeriodStart, r.PeriodEnd, r.DecommissionScheduledFor, r.IpCount }));
                return Results.File(file, "text/csv; charset=utf-8", Csv.FileName("vps", clock));
            })
            .RequireAuthorization(Policies.VpsView);
}
