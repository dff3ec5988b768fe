using System.Diagnostics;
using System.Globalization;
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
    /// <summary>How many months back <c>costs rebuild</c> recomputes and the console keeps: the current month and the 24 before it, so the
    /// last closed month has its year-ago month beside it (the executive overview).</summary>
    public const int RebuildMonths = 25;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Recomputes the days <paramref name="from"/>..<paramref name="to"/> (never past today); returns rows written.</summary>
    public async Task<int> RebuildAsync(DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (to > Today) to = Today;
        var watch = Stopwatch.StartNew();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // A second context for the later half of a long range (it opens a connection only when the range is split).
        await using var helper = await dbFactory.CreateDbContextAsync(ct);
        var rows = await CostAllocationSql.RebuildAsync(db, helper, from, to, ct);
        logger.LogInformation("Cost allocation {From}..{To}: {Rows} rows in {Ms} ms", from, to, rows, watch.ElapsedMilliseconds);
        return rows;
    }

    /// <summary>The first kept day: the start of the month <see cref="RebuildMonths"/> - 1 months before the current one.</summary>
    public DateOnly KeptStart => CostMonth.Of(Today).AddMonths(-(RebuildMonths - 1)).Start;

    /// <summary>
    /// Brings the previous and the current month (to today) up to date, and any pending request (<see cref="RequestAsync"/>)
    /// that reaches further back. The recurring job; after a change, callers use <see cref="CostRefresher"/>.
    /// </summary>
    public async Task<int> RefreshAsync(CancellationToken ct = default)
    {
        var from = CostMonth.Of(Today).Previous.Start;
        var pending = await ClaimAsync(ct);
        if (pending < from) from = pending.Value;
        return await RebuildClaimedAsync(from, ct);
    }

    /// <summary>The kept months: the current month to date and the <see cref="RebuildMonths"/> - 1 before it.</summary>
    public Task<int> RebuildAllAsync(CancellationToken ct = default) => RebuildAsync(KeptStart, Today, ct);

    /// <summary>
    /// Asks for the kept days from <paramref name="fromDay"/> (clipped to the kept months) to today to be recomputed.
    /// A request already pending is widened to the earlier day; returns true when no request was pending, i.e. when the
    /// caller must queue <see cref="RunPendingAsync"/>. A day after today touches nothing kept: nothing is asked.
    /// </summary>
    public async Task<bool> RequestAsync(DateOnly fromDay, CancellationToken ct = default)
    {
        if (fromDay > Today) return false;
        if (fromDay < KeptStart) fromDay = KeptStart;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        while (true)
        {
            // Insert the request, or lower the pending one; a claim (delete) racing in between makes the update miss: insert again.
            var inserted = await db.Database.SqlQuery<int>($"""
                INSERT INTO cost_refresh_pending (id, from_day) VALUES (1, {fromDay}) ON CONFLICT (id) DO NOTHING RETURNING 1 AS "Value"
                """).ToListAsync(ct);
            if (inserted.Count > 0) return true;
            var updated = await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE cost_refresh_pending SET from_day = least(from_day, {fromDay}) WHERE id = 1
                """, ct);
            if (updated > 0) return false;
        }
    }

    /// <summary>The queued job after a change: claims the pending request (if another run has not already) and recomputes its days.</summary>
    public async Task<int> RunPendingAsync(CancellationToken ct = default)
    {
        var pending = await ClaimAsync(ct);
        return pending is { } from ? await RebuildClaimedAsync(from, ct) : 0;
    }

    /// <summary>Takes the pending request away (in its own short transaction, so new requests never wait for a recompute).</summary>
    private async Task<DateOnly?> ClaimAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var claimed = await db.Database.SqlQuery<DateOnly>($"""
            DELETE FROM cost_refresh_pending WHERE id = 1 RETURNING from_day AS "Value"
            """).ToListAsync(ct);
        return claimed.Count > 0 ? claimed[0] : null;
    }

    private async Task<int> RebuildClaimedAsync(DateOnly from, CancellationToken ct)
    {
        if (from < KeptStart) from = KeptStart;
        try
        {
            return await RebuildAsync(from, Today, ct);
        }
        catch
        {
            await RequestAsync(from, CancellationToken.None); // not lost: the next run (at the latest the recurring job) takes it
            throw;
        }
    }
}

/// <summary>Refreshes the previous and current month every 15 minutes (idempotent: it replaces those days' rows).</summary>
public sealed class CostRollupJob(CostRollup rollup) : IRecurringJob
{
    public string Id => "costs.daily-allocation";
    public string Description => "Recomputes the kept cost per tenant for the previous and the current month";
    public string Cron => "*/15 * * * *";

    public async Task<string> RunAsync(CancellationToken ct) => $"wrote {await rollup.RefreshAsync(ct)} rows";
}

/// <summary><c>costs rebuild</c>: recomputes the kept allocation for the kept months (<see cref="CostRollup.RebuildMonths"/>).</summary>
public sealed class CostsRebuildCommand(CostRollup rollup) : ICommand
{
    public bool Matches(string[] args) => args is ["costs", "rebuild", ..];

    /// <summary><c>costs rebuild</c> (every kept month) or <c>costs rebuild --from yyyy-MM-dd</c> (that day to today).</summary>
    public async Task<int> RunAsync(string[] args, ILogger log)
    {
        var fromText = args.SkipWhile(a => a != "--from").Skip(1).FirstOrDefault();
        DateOnly? from = null;
        if (fromText is not null)
        {
            if (!DateOnly.TryParseExact(fromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                Console.Error.WriteLine($"--from takes a day as yyyy-MM-dd, not '{fromText}'.");
                return 2;
            }
            from = day;
        }
        var watch = Stopwatch.StartNew();
        var rows = from is { } f ? await rollup.RebuildAsync(f, rollup.Today) : await rollup.RebuildAllAsync();
        var range = from is { } d ? $"from {d:yyyy-MM-dd} to today" : $"for the last {CostRollup.RebuildMonths} months";
        Console.WriteLine($"Cost allocation rebuilt: {rows} rows {range} in {watch.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }
}

/// <summary>After <c>seed demo</c>, the kept figures match the demo data.</summary>
public sealed class CostsAfterDemoSeed(CostRollup rollup) : IAfterDemoSeed
{
    public async Task RunAsync() => await rollup.RebuildAllAsync();
}
