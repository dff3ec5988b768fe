using InfraAdmin.Features.Costs;

namespace InfraAdmin.Tests.Unit.Costs;

public sealed class LargestRemainderTests
{
    [Fact]
    public void Thirds_of_a_dollar_give_the_missing_cent_to_the_first_part()
    {
        var third = 1m / 3m;
        Assert.Equal([0.34m, 0.33m, 0.33m], LargestRemainder.Round([third, third, third]));
    }

    [Fact]
    public void The_largest_remainder_wins_before_the_order()
    {
        Assert.Equal([1.10m, 2.21m, 0.00m], LargestRemainder.Round([1.104m, 2.206m, 0m]));
    }

    [Fact]
    public void A_tie_goes_to_the_earlier_part_so_idle_listed_last_loses()
    {
        Assert.Equal([0.01m, 0.00m], LargestRemainder.Round([0.005m, 0.005m]));
    }

    [Fact]
    public void Exact_cents_are_left_alone_and_the_total_rounds_half_away_from_zero()
    {
        Assert.Equal([1.25m, 2.50m], LargestRemainder.Round([1.25m, 2.5m]));
        Assert.Equal(0.01m, LargestRemainder.Total([0.0025m, 0.0025m]));
    }

    [Fact]
    public void No_parts_round_to_nothing_and_one_part_to_its_total()
    {
        Assert.Empty(LargestRemainder.Round([]));
        Assert.Equal(0m, LargestRemainder.Total([]));
        Assert.Equal([2.67m], LargestRemainder.Round([2.666m]));
    }

    [Fact]
    public void Parts_under_a_cent_share_the_cents_of_their_total()
    {
        // 0.004 × 3 = 0.012 → one cent, to the first of the equal remainders.
        Assert.Equal([0.01m, 0.00m, 0.00m], LargestRemainder.Round([0.004m, 0.004m, 0.004m]));
        // 0.006 × 3 = 0.018 → two cents.
        Assert.Equal([0.01m, 0.01m, 0.00m], LargestRemainder.Round([0.006m, 0.006m, 0.006m]));
    }

    [Fact]
    public void Random_parts_always_add_up_to_their_rounded_total()
    {
        var random = new Random(7);
        for (var run = 0; run < 500; run++)
        {
            var parts = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (decimal)random.Next(0, 1_000_000) / random.Next(1, 997)).ToList();
            var rounded = LargestRemainder.Round(parts);
            Assert.Equal(LargestRemainder.Total(parts), rounded.Sum());
            Assert.All(rounded.Zip(parts), p => Assert.True(Math.Abs(p.First - p.Second) < 0.01m));
        }
    }
}
