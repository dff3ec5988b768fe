using Hangfire;

namespace InfraAdmin.Features.Costs;

/// <summary>
/// What other areas call after a change that moves cost figures, saying from which moment on the change counts. The kept
/// allocation is recomputed in the background (a Hangfire job) from that day to today only, so the change itself stays
/// fast; requests made while one is pending widen it (<see cref="CostRollup.RequestAsync"/>) instead of queueing another.
/// </summary>
public sealed class CostRefresher(CostRollup rollup, IBackgroundJobClient jobs)
{
    /// <summary>
    /// Assignments or IP/VPS existence changed from <paramref name="since"/> on (UTC; the earliest assigned, expires,
    /// created or decommission moment the change moved, usually now): the days from then to today are recomputed.
    /// </summary>
    public Task AfterAssignmentsChangedAsync(DateTime since, CancellationToken ct = default) =>
        RequestAsync(DateOnly.FromDateTime(since), ct);

    /// <summary>An <c>approximate_cost</c> changed: costs have no price history, so every kept day is recomputed.</summary>
    public Task AfterCostsChangedAsync(CancellationToken ct = default) => RequestAsync(rollup.KeptStart, ct);

    private async Task RequestAsync(DateOnly fromDay, CancellationToken ct)
    {
        if (await rollup.RequestAsync(fromDay, ct))
            jobs.Enqueue<CostRollup>(r => r.RunPendingAsync(CancellationToken.None));
    }
}
