using System.Diagnostics;
using InfraAdmin.Data;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.Costs;

/// <summary>
/// Keeps <c>tenant_cost_daily</c> up to date. Bookkeeping, not a user action: callers (the job, the command, the
/// seed, and other areas after a change of assignments, IPs, VPS or costs) have done their own permission checks.
/// </summary>
public sealed class CostRollup(IDbContextFactory<InfraAdminDbContext> dbFactory, TimeProvider clock, ILogger<CostRollup> logger)
{
    /// <summary>How many months back <c>costs rebuild</c> recomputes (the current month and the 12 before it).</summary>
    public const int RebuildMonths = 13;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Recomputes the days <paramref name="from"/>..<paramref name="to"/> (never past today); returns rows written.</summary>
    public async Task<int> RebuildAsync(DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (to > Today) to = Today;
        var watch = Stopwatch.StartNew();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await CostAllocationSql.RebuildAsync(db, from, to, ct);
        logger.LogInformation("Cost allocation {From}..{To}: {Rows} rows in {Ms} ms", from, to, rows, watch.ElapsedMilliseconds);
        return rows;
    }

    /// <summary>
    /// Brings the previous and the current month (to today) up to date. Call it after changing assignments,
    /// IP or VPS existence or <c>approximate_cost</c>; older months are refreshed by <see cref="RebuildAllAsync"/>.
    /// </summary>
    public Task<int> RefreshAsync(CancellationToken ct = default) =>
        RebuildAsync(CostMonth.Of(Today).Previous.Start, Today, ct);

    /// <summary>The current month to date and the 12 months before it.</summary>
    public Task<int> RebuildAllAsync(CancellationToken ct = default) =>
        RebuildAsync(CostMonth.Of(Today).AddMonths(-(RebuildMonths - 1)).Start, Today, ct);
}

/// <summary>Refreshes the previous and current month every 15 minutes (idempotent: it replaces those days' rows).</summary>
public sealed class CostRollupJob(CostRollup rollup) : IRecurringJob
{
    public string Id => "costs.daily-allocation";
    public string Description => "Recomputes the kept cost per tenant for the previous and the current month";
    public string Cron => "*/15 * * * *";

    public async Task<string> RunAsync(CancellationToken ct) => $"wrote {await rollup.RefreshAsync(ct)} rows";
}

/// <summary><c>costs rebuild</c>: recomputes the kept allocation for the last 13 months.</summary>
public sealed class CostsRebuildCommand(CostRollup rollup) : ICommand
{
    public bool Matches(string[] args) => args is ["costs", "rebuild", ..];

    public async Task<int> RunAsync(string[] args, ILogger log)
    {
        var watch = Stopwatch.StartNew();
        var rows = await rollup.RebuildAllAsync();
        Console.WriteLine($"Cost allocation rebuilt: {rows} rows for the last {CostRollup.RebuildMonths} months in {watch.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }
}

/// <summary>After <c>seed demo</c>, the kept figures match the demo data.</summary>
public sealed class CostsAfterDemoSeed(CostRollup rollup) : IAfterDemoSeed
{
    public async Task RunAsync() => await rollup.RebuildAllAsync();
}
