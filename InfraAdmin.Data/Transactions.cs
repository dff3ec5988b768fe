using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Data;

public static class Transactions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction under the retrying execution strategy (explicit transactions need
    /// it with <c>EnableRetryOnFailure</c>): after a transient failure the whole unit runs again from a clean change
    /// tracker. Commits when <paramref name="work"/> returns; an exception rolls back.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this InfraAdminDbContext db, Func<Task<T>> work, CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work();
            await tx.CommitAsync(ct);
            return result;
        });

    public static Task InTransactionAsync(this InfraAdminDbContext db, Func<Task> work, CancellationToken ct) =>
        db.InTransactionAsync(async () =>
        {
            await work();
            return true;
        }, ct);
}
