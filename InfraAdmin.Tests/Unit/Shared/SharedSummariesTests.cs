using InfraAdmin.Infrastructure.Live;
using InfraAdmin.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace InfraAdmin.Tests.Unit.Shared;

/// <summary>
/// SharedSummaries: one computation for every viewer until a table it reads changes; a change of another table keeps it;
/// concurrent readers wait for one load; nothing is kept while the listener is not listening, or past the maximum age; a
/// failed load is not kept.
/// </summary>
public sealed class SharedSummariesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string[] Tables = [LiveTables.IpAddresses, LiveTables.SystemConfig];
    private readonly ChangeFeed _feed = new(NullLogger<ChangeFeed>.Instance);
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = TestClock.At(2026, 12, 7);
    private readonly SharedSummaries _summaries;
    private int _loads;

    public SharedSummariesTests()
    {
        _summaries = new SharedSummaries(_feed, _clock);
        ((IDatabaseNotificationHandler)_feed).OnListening();
    }

    private Task<int> Shared(string key = "k") => _summaries.GetAsync(key, Tables, Freshness.Shared, _ => Task.FromResult(Interlocked.Increment(ref _loads)), Ct);

    [Fact]
    public async Task Every_shared_read_gets_the_one_computation_and_a_current_read_always_loads()
    {
        Assert.Equal(1, await Shared());
        Assert.Equal(1, await Shared());
        Assert.Equal(2, await _summaries.GetAsync("k", Tables, Freshness.Current, _ => Task.FromResult(Interlocked.Increment(ref _loads)), Ct));
        Assert.Equal(1, await Shared()); // a current read is not kept
        Assert.Equal(3, await Shared("other")); // another key, another summary
    }

    [Fact]
    public async Task A_change_of_a_table_it_reads_drops_it_and_a_change_of_another_table_keeps_it()
    {
        Assert.Equal(1, await Shared());
        _feed.Publish(new DataChange(LiveTables.Vps));
        Assert.Equal(1, await Shared());
        _feed.Publish(new DataChange(LiveTables.IpAddresses, ["a"]));
        Assert.Equal(2, await Shared());
        Assert.Equal(2, await Shared());
        _feed.PublishFullRefresh();
        Assert.Equal(3, await Shared());
    }

    [Fact]
    public async Task A_change_during_the_load_makes_the_loaded_copy_stale_for_the_next_reader()
    {
        var gate = new TaskCompletionSource();
        var first = _summaries.GetAsync("k", Tables, Freshness.Shared, async _ => { await gate.Task; return Interlocked.Increment(ref _loads); }, Ct);
        _feed.Publish(new DataChange(LiveTables.IpAddresses)); // committed while the load was reading: it may not show
        gate.SetResult();
        Assert.Equal(1, await first);
        Assert.Equal(2, await Shared());
    }

    [Fact]
    public async Task Concurrent_readers_wait_for_one_load()
    {
        var gate = new TaskCompletionSource();
        var readers = Enumerable.Range(0, 20).Select(_ => _summaries.GetAsync("k", Tables, Freshness.Shared,
            async _ => { await gate.Task; return Interlocked.Increment(ref _loads); }, Ct)).ToList();
        gate.SetResult();
        Assert.All(await Task.WhenAll(readers), v => Assert.Equal(1, v));
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task Nothing_is_kept_while_the_listener_is_not_listening()
    {
        ((IDatabaseNotificationHandler)_feed).OnNotListening();
        Assert.Equal(1, await Shared());
        Assert.Equal(2, await Shared());
        ((IDatabaseNotificationHandler)_feed).OnListening();
        Assert.Equal(3, await Shared());
        Assert.Equal(3, await Shared());
    }

    [Fact]
    public async Task A_summary_is_kept_no_longer_than_the_maximum_age()
    {
        Assert.Equal(1, await Shared());
        _clock.Advance(SharedSummaries.MaxAge - TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Shared());
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await Shared());
    }

    [Fact]
    public async Task A_failed_load_is_not_kept()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _summaries.GetAsync<int>("k", Tables, Freshness.Shared, _ => throw new InvalidOperationException("database down"), Ct));
        Assert.Equal(1, await Shared());
        Assert.Equal(1, _summaries.Count);
    }
}
