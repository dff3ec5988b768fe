namespace InfraAdmin.Data.Billing;

/// <summary>
/// A VPS billing period: it starts on the billing day (1–31, clamped to the month's last day, so day 31 in
/// February is the 28th or 29th) at 00:00 UTC and ends, exclusive, at the next such anchor. The one
/// implementation of the rule: the VPS service, its jobs and the demo seeder all use it.
/// </summary>
public readonly record struct BillingPeriod(DateTime Start, DateTime End)
{
    public const int MinDay = 1;
    public const int MaxDay = 31;

    public static bool IsValidDay(int billingDay) => billingDay is >= MinDay and <= MaxDay;

    /// <summary>00:00 UTC on the billing day of that month, clamped to the month's last day.</summary>
    public static DateTime Anchor(int year, int month, int billingDay)
    {
        EnsureValidDay(billingDay);
        return new DateTime(year, month, Math.Min(billingDay, DateTime.DaysInMonth(year, month)), 0, 0, 0, DateTimeKind.Utc);
    }

    /// <summary>The period containing <paramref name="instant"/> (UTC): Start ≤ instant &lt; End.</summary>
    public static BillingPeriod Containing(DateTime instant, int billingDay)
    {
        var utc = AsUtc(instant);
        var thisMonth = Anchor(utc.Year, utc.Month, billingDay);
        var startMonth = utc >= thisMonth ? thisMonth : thisMonth.AddMonths(-1);
        var start = Anchor(startMonth.Year, startMonth.Month, billingDay);
        var nextMonth = start.AddMonths(1);
        return new BillingPeriod(start, Anchor(nextMonth.Year, nextMonth.Month, billingDay));
    }

    /// <summary>When the instance is billed next: the end of the period containing <paramref name="instant"/>.</summary>
    public static DateTime NextRenewal(DateTime instant, int billingDay) => Containing(instant, billingDay).End;

    /// <summary>Calendar days (UTC) from <paramref name="instant"/>'s date to the renewal date; 0 when it renews today.</summary>
    public static int DaysUntil(DateTime instant, DateTime renewal) => (AsUtc(renewal).Date - AsUtc(instant).Date).Days;

    /// <summary>Calendar days (UTC) from <paramref name="instant"/> to its next renewal (at least 1).</summary>
    public static int DaysToRenewal(DateTime instant, int billingDay) => DaysUntil(instant, NextRenewal(instant, billingDay));

    public bool Contains(DateTime instant) => AsUtc(instant) >= Start && AsUtc(instant) < End;

    private static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    private static void EnsureValidDay(int billingDay)
    {
        if (!IsValidDay(billingDay))
            throw new ArgumentOutOfRangeException(nameof(billingDay), billingDay, "A billing day is between 1 and 31.");
    }
}
