using System.Globalization;
using System.Text.Json;
using InfraAdmin.Features.Costs;
using Microsoft.Extensions.Time.Testing;

namespace InfraAdmin.Tests.Unit.Rules;

/// <summary>CostMonth apart from the database: parsing <c>yyyy-MM</c>, its bounds, month arithmetic and the current month.</summary>
public sealed class CostMonthTests
{
    [Theory]
    [InlineData("2026-10", 2026, 10)]
    [InlineData(" 2026-10 ", 2026, 10)]
    [InlineData("2000-01", 2000, 1)]
    [InlineData("9998-12", 9998, 12)]
    public void A_month_parses_from_yyyy_mm(string text, int year, int month)
    {
        Assert.True(CostMonth.TryParse(text, out var parsed));
        Assert.Equal(new CostMonth(year, month), parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("2026-1")]
    [InlineData("26-10")]
    [InlineData("2026-10-05")]
    [InlineData("2026/10")]
    [InlineData("October 2026")]
    [InlineData("2026-10\0")]
    [InlineData("20\026-10")]
    [InlineData("'; DROP TABLE tenants; --")]
    public void Malformed_months_do_not_parse(string? text)
    {
        Assert.False(CostMonth.TryParse(text, out var month));
        Assert.Equal(default, month);
        Assert.False(CostMonth.TryParseAny(text, out _));
    }

    [Theory]
    [InlineData("1999-12")]
    [InlineData("0001-01")]
    [InlineData("9999-01")]
    [InlineData("9999-12")]
    public void Months_outside_2000_to_9998_are_well_formed_but_not_offered(string text)
    {
        Assert.False(CostMonth.TryParse(text, out _));
        Assert.True(CostMonth.TryParseAny(text, out var month));
        Assert.Equal(text, month.ToString());
    }

    [Theory]
    [InlineData(2026, 1, "2025-12", "2026-02")]
    [InlineData(2025, 12, "2025-11", "2026-01")]
    [InlineData(2024, 3, "2024-02", "2024-04")]
    public void Previous_and_next_cross_year_ends(int year, int month, string previous, string next)
    {
        var m = new CostMonth(year, month);
        Assert.Equal(previous, m.Previous.ToString());
        Assert.Equal(next, m.Next.ToString());
        Assert.Equal(m, m.Next.Previous);
    }

    [Theory]
    [InlineData(2026, 1, -13, "2024-12")]
    [InlineData(2026, 1, 12, "2027-01")]
    [InlineData(2026, 11, 2, "2027-01")]
    [InlineData(2026, 5, 0, "2026-05")]
    public void Months_are_added_across_years(int year, int month, int add, string expected) =>
        Assert.Equal(expected, new CostMonth(year, month).AddMonths(add).ToString());

    [Theory]
    [InlineData(2024, 2, 29, "2024-02-29")]
    [InlineData(2023, 2, 28, "2023-02-28")]
    [InlineData(2026, 4, 30, "2026-04-30")]
    [InlineData(2026, 12, 31, "2026-12-31")]
    public void A_month_knows_its_days_and_last_day(int year, int month, int days, string end)
    {
        var m = new CostMonth(year, month);
        Assert.Equal(days, m.DaysInMonth);
        Assert.Equal(new DateOnly(year, month, 1), m.Start);
        Assert.Equal(DateOnly.Parse(end, CultureInfo.InvariantCulture), m.End);
        Assert.Equal(m, CostMonth.Of(m.End));
    }

    [Theory]
    [InlineData("2026-01-31T23:59:59.9999999Z", "2026-01")]
    [InlineData("2026-02-01T00:00:00Z", "2026-02")]
    [InlineData("2025-12-31T23:59:59Z", "2025-12")]
    [InlineData("2028-02-29T12:00:00Z", "2028-02")]
    public void The_current_month_is_the_clocks_utc_month(string now, string expected)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(now, CultureInfo.InvariantCulture));
        Assert.Equal(expected, CostMonth.Current(clock).ToString());
    }

    [Fact]
    public void The_current_month_moves_when_the_clock_crosses_midnight_at_a_month_end()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 31, 23, 59, 0, TimeSpan.Zero));
        var march = CostMonth.Current(clock);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(march.Next, CostMonth.Current(clock));
        // A zone ahead of UTC is already in April; the month is UTC's.
        var ahead = new FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 1, 0, 0, TimeSpan.FromHours(2)));
        Assert.Equal(new CostMonth(2026, 3), CostMonth.Current(ahead));
    }

    [Fact]
    public void Months_compare_by_time()
    {
        var a = new CostMonth(2025, 12);
        var b = new CostMonth(2026, 1);
        var same = new CostMonth(2025, 12);
        Assert.True(a < b && b > a && a <= same && a >= same && a <= b && b >= a);
        Assert.False(a > b || b < a);
        Assert.Equal([CostMonth.Earliest, a, b], new[] { b, CostMonth.Earliest, a }.Order());
    }

    [Fact]
    public void Json_carries_the_month_as_its_text()
    {
        Assert.Equal("\"2026-03\"", JsonSerializer.Serialize(new CostMonth(2026, 3)));
        Assert.Equal(new CostMonth(2026, 3), JsonSerializer.Deserialize<CostMonth>("\"2026-03\""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CostMonth>("\"2026-3x\""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CostMonth>("\"\""));
    }

    [Fact]
    public void Labels_follow_the_culture()
    {
        var march = new CostMonth(2026, 3);
        Assert.Equal("March 2026", march.Label(CultureInfo.GetCultureInfo("en-US")));
        Assert.Equal("März 2026", march.Label(CultureInfo.GetCultureInfo("de-DE")));
        Assert.Equal("Mar 26", march.ShortLabel(CultureInfo.GetCultureInfo("en-US")));
    }
}
