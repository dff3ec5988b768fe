using System.Text.Json;
using InfraAdmin.Data;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Infrastructure;

/// <summary>Independent reads on their own short-lived contexts, so they can run at the same time on pooled connections.</summary>
public static class DbReads
{
    /// <summary>One read on a context of its own.</summary>
    public static async Task<T> ReadAsync<T>(
        this IDbContextFactory<InfraAdminDbContext> dbFactory, Func<InfraAdminDbContext, Task<T>> read, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await read(db);
    }

    /// <summary>
    /// A grid page: the filtered total and the page's rows, read at the same time on two connections. The two
    /// statements are independent, so the page waits for the slower one rather than for both in turn.
    /// </summary>
    public static async Task<(TTotal Total, List<T> Rows)> CountAndPageAsync<TTotal, T>(
        this IDbContextFactory<InfraAdminDbContext> dbFactory,
        Func<InfraAdminDbContext, Task<TTotal>> count, Func<InfraAdminDbContext, Task<List<T>>> page, CancellationToken ct)
    {
        var total = dbFactory.ReadAsync(count, ct);
        var rows = dbFactory.ReadAsync(page, ct);
        await Task.WhenAll(total, rows);
        return (await total, await rows);
    }

    /// <summary>
    /// The number of rows a grid's filter matches: exact while PostgreSQL's planner expects at most
    /// <paramref name="exactUpTo"/> of them, otherwise the planner's estimate (an EXPLAIN, well under a millisecond),
    /// because counting millions of rows exactly costs more than the page (about 50 ms a million here).
    /// </summary>
    public static async Task<GridTotal> CountOrEstimateAsync<T>(this IQueryable<T> query, DbContext db, long exactUpTo, CancellationToken ct)
    {
        var estimate = await EstimateAsync(query, db, ct);
        return estimate <= exactUpTo ? new GridTotal(await query.CountAsync(ct), false) : new GridTotal(estimate, true);
    }

    /// <summary>The planner's estimate of the rows <paramref name="query"/> returns (its statement, with its parameters, under EXPLAIN).</summary>
    public static async Task<long> EstimateAsync<T>(IQueryable<T> query, DbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = query.CreateDbCommand();
            command.CommandText = "EXPLAIN (FORMAT JSON) " + command.CommandText;
            var json = (string)(await command.ExecuteScalarAsync(ct))!;
            using var plan = JsonDocument.Parse(json);
            return (long)plan.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>A grid's total: exact, or the planner's estimate ("about 1,200,000") when an exact count would cost more than the page.</summary>
public readonly record struct GridTotal(long Count, bool Estimated)
{
    /// <summary>The total as MudDataGrid pages it (an estimate above int.MaxValue pages as far as it can).</summary>
    public int ForPaging => (int)Math.Min(Count, int.MaxValue);
}
