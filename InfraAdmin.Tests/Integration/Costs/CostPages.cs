using InfraAdmin.Features.Costs;

namespace InfraAdmin.Tests.Integration.Costs;

public static class CostPages
{
    /// <summary>Every tenant row of a month, read page by page as the grid does.</summary>
    public static async Task<List<TenantCostRow>> AllRowsAsync(this CostService costs, CostMonthSummary month, CancellationToken ct)
    {
        var rows = new List<TenantCostRow>();
        for (var page = 0; ; page++)
        {
            var next = await costs.PageAsync(month, null, nameof(TenantCostRow.Name), false, page, 200, ct);
            rows.AddRange(next.Rows);
            if (rows.Count >= next.Total || next.Rows.Count == 0) return rows;
        }
    }
}
