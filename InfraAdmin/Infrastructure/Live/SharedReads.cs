using System.Collections.Concurrent;
using System.Diagnostics;

namespace InfraAdmin.Infrastructure.Live;

/// <summary>
/// Shares one read of a heavy summary that is the same for every caller (the IP overview counts every IP) among the
/// pages refreshing at about the same time: a bulk change makes every open overview refresh at once, and they get
/// one query instead of one each (live refreshes only: see <see cref="MarkLiveRefresh"/>). A result is reused only while it is young (<see cref="MaxAge"/>) and no change of
/// its tables was heard since it started (<see cref="ChangeFeed.VersionOf"/>), so a page refreshing after a change
/// always sees it. Callers check their own permissions first; the read itself runs without their cancellation.
/// </summary>
public sealed class SharedReads(ChangeFeed feed)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(Task<object> Read, long Version, long Started);

    private static readonly AsyncLocal<bool> LiveRefreshing = new();

    /// <summary>
    /// Marks the rest of the calling async flow as a live refresh (<see cref="LiveRefresh"/> does, around a page's
    /// reload). Only live refreshes take a shared result: they run because a change was heard, so a read of the same
    /// version started after it. A page load or a reload after the user's own action always reads afresh (its write's
    /// notification may not have been heard yet), and its result may serve the live refreshes that follow.
    /// </summary>
    public static void MarkLiveRefresh() => LiveRefreshing.Value = true;

    public async Task<T> GetAsync<T>(string key, IReadOnlyList<string> tables, Func<Task<T>> read) where T : class
    {
        var version = feed.VersionOf(tables);
        if (LiveRefreshing.Value && _entries.TryGetValue(key, out var entry) && entry.Version == version && Stopwatch.GetElapsedTime(entry.Started) < MaxAge
            && !entry.Read.IsFaulted && !entry.Read.IsCanceled)
            return (T)await entry.Read;
        var fresh = new Entry(ReadAsync(read), version, Stopwatch.GetTimestamp());
        _entries[key] = fresh;
        if (_entries.Count > SweepAbove) Sweep();
        return (T)await fresh.Read;
    }

    /// <summary>Keys are per query (a grid's filter and page): old ones go once there are more than this.</summary>
    private const int SweepAbove = 64;

    private void Sweep()
    {
        foreach (var (key, entry) in _entries)
            if (entry.Read.IsCompleted && Stopwatch.GetElapsedTime(entry.Started) >= MaxAge) _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
    }

    /// <summary>How many results are kept (at most the young ones plus <see cref="SweepAbove"/>).</summary>
    public int Count => _entries.Count;

    private static async Task<object> ReadAsync<T>(Func<Task<T>> read) where T : class => await read();
}
