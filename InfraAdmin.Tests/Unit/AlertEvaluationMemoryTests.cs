using InfraAdmin.Features.Alerts;
using InfraAdmin.Infrastructure.Live;
using Microsoft.Extensions.Logging.Abstractions;

namespace InfraAdmin.Tests.Unit;

/// <summary>When the minute's evaluation may leave a rule out: only on the word of a feed that listened all along, for the rule's own tables, within time.</summary>
public sealed class AlertEvaluationMemoryTests
{
    private static readonly DateTime At = new(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc);
    private static readonly IAlertRule Rule = new IpReputationRule(); // reads smtp_ip_addresses

    private static ChangeFeed ListeningFeed()
    {
        var feed = new ChangeFeed(NullLogger<ChangeFeed>.Instance);
        ((IDatabaseNotificationHandler)feed).OnListening();
        return feed;
    }

    [Fact]
    public void Unchanged_until_a_change_of_the_rules_tables_is_heard()
    {
        var feed = ListeningFeed();
        var memory = new AlertEvaluationMemory();
        Assert.False(memory.Unchanged(Rule, feed, At)); // never evaluated here
        memory.Evaluated(Rule, feed.Version, listening: true, At, stableUntil: null);
        Assert.True(memory.Unchanged(Rule, feed, At.AddMinutes(1)));
        feed.Publish(new DataChange(LiveTables.Vps, null));
        Assert.True(memory.Unchanged(Rule, feed, At.AddMinutes(1))); // not its table
        feed.Publish(new DataChange(LiveTables.IpAddresses, null));
        Assert.False(memory.Unchanged(Rule, feed, At.AddMinutes(1)));
    }

    [Fact]
    public void Not_on_the_word_of_a_feed_that_was_not_listening()
    {
        var feed = ListeningFeed();
        var memory = new AlertEvaluationMemory();
        memory.Evaluated(Rule, feed.Version, listening: false, At, stableUntil: null);
        Assert.False(memory.Unchanged(Rule, feed, At.AddMinutes(1)));

        memory.Evaluated(Rule, feed.Version, listening: true, At, stableUntil: null);
        ((IDatabaseNotificationHandler)feed).OnNotListening();
        Assert.False(memory.Unchanged(Rule, feed, At.AddMinutes(1)));
        ((IDatabaseNotificationHandler)feed).OnListening(); // listening again: anything may have changed meanwhile
        Assert.False(memory.Unchanged(Rule, feed, At.AddMinutes(1)));
    }

    [Fact]
    public void Not_past_the_rules_stable_time_nor_the_full_evaluation_interval()
    {
        var feed = ListeningFeed();
        var memory = new AlertEvaluationMemory();
        memory.Evaluated(Rule, feed.Version, listening: true, At, stableUntil: At.AddMinutes(3));
        Assert.True(memory.Unchanged(Rule, feed, At.AddMinutes(2)));
        Assert.False(memory.Unchanged(Rule, feed, At.AddMinutes(3)));

        memory.Evaluated(Rule, feed.Version, listening: true, At, stableUntil: null);
        Assert.True(memory.Unchanged(Rule, feed, At + AlertEvaluator.FullEvery - TimeSpan.FromSeconds(1)));
        Assert.False(memory.Unchanged(Rule, feed, At + AlertEvaluator.FullEvery));
        Assert.False(memory.Unchanged(Rule, feed, At.AddMinutes(-1))); // a clock behind the evaluation's
    }
}
