using System.Globalization;
using InfraAdmin.Data.Billing;

namespace InfraAdmin.Tests.Unit;

/// <summary>The billing-period rule: anchors clamped to short months, 00:00 UTC starts, end = the next anchor.</summary>
public sealed class BillingPeriodTests
{
    private static DateTime Utc(string s) =>
        DateTime.SpecifyKind(DateTime.Parse(s, CultureInfo.InvariantCulture), DateTimeKind.Utc);

    [Theory]
    // ordinary mid-month day
    [InlineData("2026-05-20 10:00", 15, "2026-05-15", "2026-06-15")]
    [InlineData("2026-05-14 23:59", 15, "2026-04-15", "2026-05-15")]
    // the start instant belongs to the new period, the end is exclusive
    [InlineData("2026-05-15 00:00", 15, "2026-05-15", "2026-06-15")]
    // day 1 and month ends
    [InlineData("2026-04-30 23:59", 1, "2026-04-01", "2026-05-01")]
    [InlineData("2026-05-01 00:00", 1, "2026-05-01", "2026-06-01")]
    // day 31 in 30-day months
    [InlineData("2026-04-30 12:00", 31, "2026-04-30", "2026-05-31")]
    [InlineData("2026-04-29 12:00", 31, "2026-03-31", "2026-04-30")]
    [InlineData("2026-06-15 00:00", 31, "2026-05-31", "2026-06-30")]
    // February, common year (2026): 29, 30, 31 clamp to the 28th
    [InlineData("2026-02-28 00:00", 31, "2026-02-28", "2026-03-31")]
    [InlineData("2026-02-27 23:59", 31, "2026-01-31", "2026-02-28")]
    [InlineData("2026-02-28 08:00", 29, "2026-02-28", "2026-03-29")]
    [InlineData("2026-03-28 08:00", 29, "2026-02-28", "2026-03-29")]
    [InlineData("2026-03-29 00:00", 29, "2026-03-29", "2026-04-29")]
    [InlineData("2026-02-10 00:00", 30, "2026-01-30", "2026-02-28")]
    [InlineData("2026-02-28 00:00", 28, "2026-02-28", "2026-03-28")]
    // February, leap year (2028): day 29 exists, 30 and 31 clamp to the 29th
    [InlineData("2028-02-29 00:00", 29, "2028-02-29", "2028-03-29")]
    [InlineData("2028-02-28 23:59", 29, "2028-01-29", "2028-02-29")]
    [InlineData("2028-02-29 06:00", 31, "2028-02-29", "2028-03-31")]
    [InlineData("2028-02-28 06:00", 31, "2028-01-31", "2028-02-29")]
    [InlineData("2028-03-01 00:00", 30, "2028-02-29", "2028-03-30")]
    // year end
    [InlineData("2026-12-31 23:59", 31, "2026-12-31", "2027-01-31")]
    [InlineData("2026-12-30 12:00", 31, "2026-11-30", "2026-12-31")]
    [InlineData("2027-01-01 00:00", 1, "2027-01-01", "2027-02-01")]
    [InlineData("2027-01-10 00:00", 15, "2026-12-15", "2027-01-15")]
    [InlineData("2026-12-20 00:00", 15, "2026-12-15", "2027-01-15")]
    public void The_period_containing_an_instant(string instant, int day, string start, string end)
    {
        var period = BillingPeriod.Containing(Utc(instant), day);
        Assert.Equal(Utc(start), period.Start);
        Assert.Equal(Utc(end), period.End);
        Assert.Equal(DateTimeKind.Utc, period.Start.Kind);
        Assert.True(period.Contains(Utc(instant)));
        Assert.False(period.Contains(period.End));
    }

    [Theory]
    [InlineData("2026-05-20 10:00", 15, "2026-06-15", 26)]
    [InlineData("2026-06-14 23:00", 15, "2026-06-15", 1)]
    [InlineData("2026-02-27 12:00", 31, "2026-02-28", 1)]
    [InlineData("2028-02-01 00:00", 30, "2028-02-29", 28)]
    [InlineData("2026-12-31 00:00", 1, "2027-01-01", 1)]
    [InlineData("2026-12-25 00:00", 31, "2026-12-31", 6)]
    public void Next_renewal_and_days_to_it(string instant, int day, string renewal, int days)
    {
        Assert.Equal(Utc(renewal), BillingPeriod.NextRenewal(Utc(instant), day));
        Assert.Equal(days, BillingPeriod.DaysToRenewal(Utc(instant), day));
    }

    [Fact]
    public void Consecutive_periods_meet_without_gaps_for_every_day_over_two_years()
    {
        for (var day = 1; day <= 31; day++)
        {
            var period = BillingPeriod.Containing(Utc("2027-01-01 00:00"), day);
            for (var i = 0; i < 24; i++)
            {
                var next = BillingPeriod.Containing(period.End, day);
                Assert.Equal(period.End, next.Start);
                Assert.True(next.End > next.Start);
                Assert.Equal(Math.Min(day, DateTime.DaysInMonth(next.Start.Year, next.Start.Month)), next.Start.Day);
                period = next;
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(-1)]
    public void A_billing_day_outside_1_to_31_is_refused(int day)
    {
        Assert.False(BillingPeriod.IsValidDay(day));
        Assert.Throws<ArgumentOutOfRangeException>(() => BillingPeriod.Containing(Utc("2026-05-01 00:00"), day));
    }
}
