namespace InfraAdmin.Features.Costs;

/// <summary>
/// The documented reference for the rounding that <c>MonthlyCostRollUp</c> (InfraAdmin.Data/Costs) does in SQL when it
/// keeps a month: the app rounds only there, and CostAllocationTests check the kept cents against this.
/// Rounds exact amounts to cents so that they add up to their rounded total: each part is floored to the cent,
/// and the cents still missing go one each to the parts with the largest remainders. Ties go to the earlier part,
/// so callers order the parts by tenant id and put idle last.
/// </summary>
public static class LargestRemainder
{
    /// <summary>Rounded parts (same order) whose sum is <see cref="Total"/> of the exact parts.</summary>
    public static decimal[] Round(IReadOnlyList<decimal> exact)
    {
        var floors = exact.Select(Floor).ToArray();
        var missingCents = (int)((Total(exact) - floors.Sum()) * 100m);
        var order = Enumerable.Range(0, exact.Count)
            .OrderByDescending(i => exact[i] - floors[i])
            .ThenBy(i => i)
            .Take(missingCents);
        foreach (var i in order) floors[i] += 0.01m;
        return floors;
    }

    /// <summary>The exact sum rounded to the cent (half away from zero).</summary>
    public static decimal Total(IEnumerable<decimal> exact) => Math.Round(exact.Sum(), 2, MidpointRounding.AwayFromZero);

    private static decimal Floor(decimal value) => Math.Floor(value * 100m) / 100m;
}
