using InfraAdmin.Infrastructure.Live;
using Microsoft.Extensions.Logging.Abstractions;

namespace InfraAdmin.Tests.Unit.Live;

/// <summary>
/// Shared reads (issue 16, the burst): callers asking for the same summary at about the same time get one read, but never
/// one that started before a change of its tables was heard; other tables' changes do not count.
/// </summary>
public sealed class SharedReadsTests
{
    private readonly ChangeFeed _feed = new(NullLogger<ChangeFeed>.Instance);
    private int _reads;

    private Task<string> ReadAsync() => Task.FromResult($"read {Interlocked.Increment(ref _reads)}");

    [Fact]
    public async Task Outside_a_live_refresh_every_call_reads_afresh()
    {
        var shared = new SharedReads(_feed); // a page load, or a reload after the user's own change
        Assert.Equal("read 1", await shared.GetAsync("ip.overview", [LiveTables.IpAddresses], ReadAsync));
        Assert.Equal("read 2", await shared.GetAsync("ip.overview", [LiveTables.IpAddresses], ReadAsync));
        SharedReads.MarkLiveRefresh(); // and a live refresh right after may take the last one
        Assert.Equal("read 2", await shared.GetAsync("ip.overview", [LiveTables.IpAddresses], ReadAsync));
    }

    [Fact]
    public async Task Callers_at_about_the_same_time_share_one_read()
    {
        SharedReads.MarkLiveRefresh(); // as LiveRefresh does around a page's reload
        var shared = new SharedReads(_feed);
        var results = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => shared.GetAsync("ip.overview", [LiveTables.IpAddresses], ReadAsync)));
        Assert.All(results, r => Assert.Equal("read 1", r));
        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task A_change_of_its_tables_heard_after_a_read_started_means_a_new_read()
    {
        SharedReads.MarkLiveRefresh(); // as LiveRefresh does around a page's reload
        var shared = new SharedReads(_feed);
        Assert.Equal("read 1", await shared.GetAsync("ip.overview", [LiveTables.IpAddresses], ReadAsync));

        _feed.Publish(new DataChange(LiveTables.FeatureFlags)); // not one of its tables
        Assert.Equal("read 1", await shared.GetAsync("ip.overview", [LiveTables.IpAddresses], ReadAsync));
        _feed.Publish(new DataChange(LiveTables.IpAddresses));
        Assert.Equal("read 2", await shared.GetAsync("ip.overview", [LiveTables.IpAddresses], ReadAsync));
        _feed.PublishFullRefresh();
        Assert.Equal("read 3", await shared.GetAsync("ip.overview", [LiveTables.IpAddresses], ReadAsync));
    }

    [Fact]
    public async Task Different_keys_are_different_reads_and_a_failed_read_is_not_kept()
    {
        SharedReads.MarkLiveRefresh(); // as LiveRefresh does around a page's reload
        var shared = new SharedReads(_feed);
        Assert.Equal("read 1", await shared.GetAsync("ip.search|page 0", [LiveTables.IpAddresses], ReadAsync));
        Assert.Equal("read 2", await shared.GetAsync("ip.search|page 1", [LiveTables.IpAddresses], ReadAsync));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            shared.GetAsync<string>("failing", [LiveTables.IpAddresses], () => throw new InvalidOperationException("down")));
        Assert.Equal("read 3", await shared.GetAsync("failing", [LiveTables.IpAddresses], ReadAsync));
    }
}
