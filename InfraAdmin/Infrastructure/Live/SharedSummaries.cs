namespace InfraAdmin.Infrastructure.Live;

/// <summary>How current a summary read must be.</summary>
public enum Freshness
{
    /// <summary>Read now: after the viewer's own change, so they see it at once (the default).</summary>
    Current,

    /// <summary>
    /// The copy every viewer shares (<see cref="SharedSummaries"/>): for a page's first load and its live refreshes, where
    /// a hundred open pages asking after the same change need one computation, not a hundred.
    /// </summary>
    Shared,
}

/// <summary>
/// Summaries every permitted viewer sees alike (fleet counts, a month's cost totals), computed once and shared by every
/// page of this instance until one of the tables they read changes. The change feed says when: the database's triggers
/// announce every write, whoever made it (another instance, the checker, psql), so an entry is dropped the moment its
/// data changes. Concurrent readers of a missing or stale entry wait for one computation (no stampede after a change).
/// Kept only while the listener listens, and never longer than <see cref="MaxAge"/> (figures that move with the clock,
/// such as "checks older than 24 h", move at most that late). Callers check permissions before asking; only data that
/// does not depend on the viewer may be kept under a key that does not name the viewer. <c>Live:ShareSummaries=false</c>
/// turns sharing off (every read loads). <paramref name="capacity"/>: how many kept summaries before the stale ones go
/// (keys such as months come from what viewers ask for).
/// </summary>
public sealed class SharedSummaries(ChangeFeed feed, TimeProvider time, IConfiguration? configuration = null, int capacity = 256)
{
    private readonly bool _enabled = configuration?.GetValue("Live:ShareSummaries", true) ?? true;

    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(Task<object?> Value, long Version, IReadOnlyCollection<string> Tables, DateTimeOffset Started);

    /// <summary>
    /// The summary <paramref name="key"/> (which must name every parameter of <paramref name="load"/>): the kept copy
    /// when none of <paramref name="tables"/> changed since it was computed, else a new one. <see cref="Freshness.Current"/>
    /// always loads.
    /// </summary>
    public async Task<T> GetAsync<T>(string key, IReadOnlyCollection<string> tables, Freshness freshness,
        Func<CancellationToken, Task<T>> load, CancellationToken ct = default)
    {
        if (freshness == Freshness.Current || !_enabled || !feed.Listening) return await load(ct);

        Entry entry;
        TaskCompletionSource<object?>? fill = null;
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out entry!) || !IsCurrent(entry))
            {
                fill = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
                // The version is read before the load starts: a change numbered after it makes this entry stale.
                entry = new Entry(fill.Task, feed.Version, tables, time.GetUtcNow());
                if (_entries.Count >= capacity) DropStale();
                _entries[key] = entry;
            }
        }
        if (fill is not null) _ = FillAsync(key, entry, fill, load);
        try
        {
            return (T)(await entry.Value.WaitAsync(ct))!;
        }
        catch (Exception) when (fill is null && !ct.IsCancellationRequested)
        {
            // The shared load failed for the reader who started it (its request went away, say): load for this one.
            return await load(ct);
        }
    }

    /// <summary>
    /// Drops the kept <paramref name="key"/>: its next read loads. For the writer's own instance, which must show its
    /// change on the very next request, before the change feed's announcement arrives.
    /// </summary>
    public void Forget(string key)
    {
        lock (_gate) _entries.Remove(key);
    }

    /// <summary>How many summaries are kept (tests).</summary>
    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    private void DropStale()
    {
        foreach (var (key, kept) in _entries.ToList())
            if (!IsCurrent(kept)) _entries.Remove(key);
        if (_entries.Count >= capacity) _entries.Clear(); // all current (a burst of distinct asks): start again
    }

    private bool IsCurrent(Entry entry) =>
        time.GetUtcNow() - entry.Started < MaxAge && !feed.ChangedSince(entry.Version, entry.Tables);

    private async Task FillAsync<T>(string key, Entry entry, TaskCompletionSource<object?> fill, Func<CancellationToken, Task<T>> load)
    {
        try
        {
            // Not the first reader's token: the other readers wait for this load too.
            fill.SetResult(await load(CancellationToken.None));
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                if (_entries.TryGetValue(key, out var kept) && kept == entry) _entries.Remove(key);
            }
            fill.SetException(ex);
        }
    }
}
