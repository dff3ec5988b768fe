using InfraAdmin.Authorization;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Costs;

public static class CostEndpoints
{
    /// <summary><c>GET /costs/export.csv?month=2026-10</c>: the month's tenants, idle and totals as on the page (costs.export).</summary>
    public static void MapCostsEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/costs/export.csv", async (string? month, CostService service, SystemSettings settings, CancellationToken ct) =>
            {
                // A malformed month is the caller's mistake (400); a well-formed one with no kept figures is not found (404).
                var malformed = !string.IsNullOrWhiteSpace(month) && !CostMonth.TryParseAny(month, out _);
                var result = await service.ExportAsync(month, ct);
                if (result.Value is not { } export)
                    return Results.Problem(result.Message, statusCode: malformed ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound);
                var s = export.Summary;
                var c = await settings.CurrencyAsync(ct);
                var file = Csv.Build(
                    ["month", "days_counted", "tenant_id", "tenant", Csv.Money("revenue", c), Csv.Money("ip_cost", c), Csv.Money("vps_cost", c),
                     Csv.Money("total_cost", c), Csv.Money("margin", c), "margin_percent", "domains", "ips_used", Csv.Money("cost_per_domain", c)],
                    export.Rows.Select(r => new object?[]
                        {
                            s.Month.ToString(), s.DaysCounted, r.TenantId, r.Name, r.Revenue, r.IpCost, r.VpsCost, r.Total, r.Margin,
                            r.MarginPercent, r.Domains, r.IpsUsed, r.CostPerDomain,
                        })
                        .Append([s.Month.ToString(), s.DaysCounted, null, "Unallocated (idle)", null, s.Idle.IpCost, s.Idle.VpsCost, s.Idle.Total, null, null, null, null, null])
                        .Append([s.Month.ToString(), s.DaysCounted, null, "Total", s.Totals.Revenue, s.Totals.IpCost, s.Totals.VpsCost, s.Totals.Total,
                            s.Totals.Margin, s.Totals.MarginPercent, null, null, null]));
                return Results.File(file, "text/csv; charset=utf-8", $"costs-{s.Month}.csv");
            })
            .RequireAuthorization(Policies.CostsExport);
}
