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
    /// The planner's cost (its own units: a page read in sequence is 1) above which a grid's exact count would cost more
    /// than its page: on the 2-core VM of issue 17, about 3–4 µs a unit, so 20,000 is about 60–80 ms. At 100,000 tenants
    /// the IP grid's "listed and stale" count reads 500,000 IPs and 200,000 listings (cost ~41,000, ~170 ms) to find 27,000.
    /// </summary>
    public const double MaxExactCountCost = 20_000;

    /// <summary>
    /// The number of rows a grid's filter matches: exact while PostgreSQL's planner expects at most
    /// <paramref name="exactUpTo"/> of them and reading them costs at most <see cref="MaxExactCountCost"/>, otherwise the
    /// planner's estimate (an EXPLAIN, well under a millisecond), because counting millions of rows exactly costs more than
    /// the page (about 50 ms a million here), and so does counting a few that only a long scan finds.
    /// </summary>
    public static async Task<GridTotal> CountOrEstimateAsync<T>(
        this IQueryable<T> query, DbContext db, long exactUpTo, CancellationToken ct, double maxExactCost = MaxExactCountCost)
    {
        // Without a row limit only the count's cost decides: one plan, not two, before a count that is usually exact.
        var plan = await PlanAsync(query, db, rows: exactUpTo < long.MaxValue, cost: true, ct);
        if (plan.Rows <= exactUpTo && plan.Cost <= maxExactCost) return new GridTotal(await query.CountAsync(ct), false);
        return new GridTotal(plan.Rows >= 0 ? plan.Rows : await EstimateAsync(query, db, ct), true);
    }

    /// <summary>The planner's estimate of the rows <paramref name="query"/> returns (its statement, with its parameters, under EXPLAIN).</summary>
    public static async Task<long> EstimateAsync<T>(IQueryable<T> query, DbContext db, CancellationToken ct) =>
        (await PlanAsync(query, db, rows: true, cost: false, ct)).Rows;

    /// <summary>
    /// The planner's rows for <paramref name="query"/> (its statement, with its parameters, under EXPLAIN) and its cost for
    /// counting them (the statement inside <c>count(*)</c>, where the planner may read an index alone), in one round
    /// trip; -1 for what was not asked.
    /// </summary>
    public static async Task<(long Rows, double Cost)> PlanAsync<T>(IQueryable<T> query, DbContext db, bool rows, bool cost, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = query.CreateDbCommand();
            var sql = command.CommandText;
            command.CommandText = string.Join(";\n",
                new[] { rows ? $"EXPLAIN (FORMAT JSON) {sql}" : null, cost ? $"EXPLAIN (FORMAT JSON) SELECT count(*) FROM (\n{sql}\n) AS counted" : null }
                    .OfType<string>());
            await using var reader = await command.ExecuteReaderAsync(ct);
            var plans = new List<JsonElement>();
            do
            {
                while (await reader.ReadAsync(ct))
                {
                    using var plan = JsonDocument.Parse(reader.GetString(0));
                    plans.Add(plan.RootElement[0].GetProperty("Plan").Clone());
                }
            } while (await reader.NextResultAsync(ct));
            return (rows ? (long)plans[0].GetProperty("Plan Rows").GetDouble() : -1, cost ? plans[^1].GetProperty("Total Cost").GetDouble() : -1);
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
    /// <summary>The total as a grid pages it (an estimate above int.MaxValue pages as far as it can).</summary>
    public int ForPaging => (int)Math.Min(Count, int.MaxValue);
}
