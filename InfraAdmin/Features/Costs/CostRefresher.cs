using Hangfire;

namespace InfraAdmin.Features.Costs;

/// <summary>
/// What other areas call after a change that moves cost figures. The kept allocation is rebuilt in the background
/// (a Hangfire job), so the change itself stays fast even at scale.
/// </summary>
public sealed class CostRefresher(IBackgroundJobClient jobs)
{
    /// <summary>Assignments or IP/VPS existence changed now: the previous and current month are recomputed.</summary>
    public void AfterAssignmentsChanged() => jobs.Enqueue<CostRollup>(r => r.RefreshAsync(CancellationToken.None));

    /// <summary>An <c>approximate_cost</c> changed: costs have no price history, so every kept month is recomputed.</summary>
    public void AfterCostsChanged() => jobs.Enqueue<CostRollup>(r => r.RebuildAllAsync(CancellationToken.None));
}
