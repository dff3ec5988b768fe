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
    public static async Task<(int Total, List<T> Rows)> CountAndPageAsync<T>(
        this IDbContextFactory<InfraAdminDbContext> dbFactory,
        Func<InfraAdminDbContext, Task<int>> count, Func<InfraAdminDbContext, Task<List<T>>> page, CancellationToken ct)
    {
        var total = dbFactory.ReadAsync(count, ct);
        var rows = dbFactory.ReadAsync(page, ct);
        await Task.WhenAll(total, rows);
        return (await total, await rows);
    }
}
