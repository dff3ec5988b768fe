using InfraAdmin.Data.Migrations;

namespace InfraAdmin.Infrastructure.Live;

/// <summary>
/// Fans data changes out to the pages showing them (one singleton per app instance; <see cref="DatabaseListener"/> feeds it
/// from the database's notifications, whoever wrote). Each subscriber names its tables and gets its changes in batches:
/// a change opens a short window (<see cref="Window"/>) that gathers the burst behind it, then the subscriber's callback
/// runs once; changes during the callback wait for the next window, so there is at most one refresh in flight and one
/// queued, whatever the rate (a bulk change of 5,000 rows, a cost rebuild: one refresh). No polling.
/// </summary>
public sealed class ChangeFeed(ILogger<ChangeFeed> logger) : IDatabaseNotificationHandler
{
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);
    /// <summary>More changes than this in one window are one "anything may have changed" batch.</summary>
    private const int MaxPending = 64;

    /// <summary>
    /// How many page refreshes run at once on this instance (the others wait their turn). A bulk change concerns every
    /// open page at the same moment: 100 pages reloading together took every core and the connection pool, and pages
    /// users were loading waited seconds behind them (the burst benchmark). Refreshes queue instead; loads go first.
    /// </summary>
    public static readonly int MaxConcurrentRefreshes = 4 * Environment.ProcessorCount;

    /// <summary>A refresh that takes longer than this gives its turn up (it goes on): a slow page never holds the others up.</summary>
    public static readonly TimeSpan MaxTurn = TimeSpan.FromSeconds(2);

    private readonly ILogger<ChangeFeed> _logger = logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refreshSlots = new(MaxConcurrentRefreshes);
    private Subscription[] _subscriptions = [];
    // Every published change gets the next number; each table keeps the number of its last change.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _lastChange = new(StringComparer.Ordinal);
    private long _version, _lastFullRefresh;
    private volatile bool _listening;

    public int SubscriberCount => _subscriptions.Length;

    /// <summary>This instance's feed: its <see cref="Version"/> numbers mean nothing to another instance's.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The number of the last change published: read it before a load, ask <see cref="ChangedSince"/> after.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>
    /// True while the listener is listening, so every change (by anyone) reaches this feed; while it is not, a change may
    /// go unheard and nothing may be kept on the feed's word (<see cref="SharedSummaries"/>).
    /// </summary>
    public bool Listening => _listening;

    /// <summary>True when one of <paramref name="tables"/> changed (or anything may have) after <paramref name="version"/>.</summary>
    public bool ChangedSince(long version, IEnumerable<string> tables) =>
        Interlocked.Read(ref _lastFullRefresh) > version || tables.Any(t => _lastChange.TryGetValue(t, out var last) && last > version);

    /// <summary>
    /// True when a page loaded at <paramref name="mark"/> may have missed a change of <paramref name="tables"/>: one came
    /// after it, or the mark is another instance's (whose numbers mean nothing here).
    /// </summary>
    public bool ChangedSince(LiveMark mark, IEnumerable<string> tables) =>
        mark.Instance != Instance || ChangedSince(mark.Version, tables);

    /// <summary>
    /// Calls <paramref name="onChange"/> after changes of <paramref name="tables"/> that <paramref name="filter"/> accepts
    /// (all when null), and after every full refresh. Dispose the result to stop (a page: with its circuit).
    /// </summary>
    public IDisposable Subscribe(IEnumerable<string> tables, Func<ChangeBatch, Task> onChange, Func<DataChange, bool>? filter = null, TimeSpan? window = null)
    {
        var subscription = new Subscription(this, tables.ToHashSet(StringComparer.Ordinal), onChange, filter, window ?? Window);
        lock (_gate) _subscriptions = [.. _subscriptions, subscription];
        return subscription;
    }

    public void Publish(DataChange change)
    {
        // Numbered before any subscriber hears of it: a load that starts after this line sees the change's data.
        var version = Interlocked.Increment(ref _version);
        if (change.FullRefresh) Interlocked.Exchange(ref _lastFullRefresh, version);
        else _lastChange[change.Table!] = version;
        foreach (var s in _subscriptions) s.Offer(change);
    }

    /// <summary>Anything may have changed (the listener was not listening for a while): every page reloads.</summary>
    public void PublishFullRefresh() => Publish(DataChange.Everything);

    IReadOnlyList<string> IDatabaseNotificationHandler.Channels => [LiveChangeTriggers.Channel];

    void IDatabaseNotificationHandler.OnNotification(string channel, string payload)
    {
        if (DataChange.Parse(payload) is { } change) Publish(change);
        else _logger.LogWarning("Ignored a change notification that is not one: {Payload}", payload);
    }

    void IDatabaseNotificationHandler.OnListening()
    {
        PublishFullRefresh();
        _listening = true;
    }

    void IDatabaseNotificationHandler.OnNotListening() => _listening = false;

    private void Remove(Subscription subscription)
    {
        lock (_gate) _subscriptions = _subscriptions.Where(s => s != subscription).ToArray();
    }

    private sealed class Subscription(ChangeFeed feed, HashSet<string> tables, Func<ChangeBatch, Task> onChange, Func<DataChange, bool>? filter, TimeSpan window)
        : IDisposable
    {
        private readonly Lock _gate = new();
        private List<DataChange> _pending = [];
        private bool _overflowed, _running, _disposed;

        public void Offer(DataChange change)
        {
            if (!change.FullRefresh && (!tables.Contains(change.Table!) || !Accepts(change))) return;
            lock (_gate)
            {
                if (_disposed) return;
                if (_pending.Count < MaxPending) _pending.Add(change);
                else _overflowed = true;
                if (_running) return; // the running loop takes it after its current window or refresh
                _running = true;
            }
            _ = RunAsync();
        }

        private bool Accepts(DataChange change)
        {
            try
            {
                return filter?.Invoke(change) ?? true;
            }
            catch (Exception ex)
            {
                feed._logger.LogWarning(ex, "A live-page filter failed; refreshing anyway");
                return true;
            }
        }

        private async Task RunAsync()
        {
            while (true)
            {
                await Task.Delay(window);
                ChangeBatch batch;
                lock (_gate)
                {
                    if (_disposed) return;
                    batch = new ChangeBatch(_pending, _overflowed);
                    (_pending, _overflowed) = ([], false);
                }
                await feed._refreshSlots.WaitAsync();
                var refresh = RefreshAsync(batch);
                try
                {
                    await refresh.WaitAsync(MaxTurn);
                }
                catch (TimeoutException)
                {
                }
                finally
                {
                    feed._refreshSlots.Release();
                }
                await refresh;
                lock (_gate)
                {
                    if (_disposed || _pending.Count == 0)
                    {
                        _running = false;
                        return;
                    }
                }
            }
        }

        private async Task RefreshAsync(ChangeBatch batch)
        {
            try
            {
                await onChange(batch);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A page that went away mid-refresh, or a reload its service refused: that page's concern, not the feed's.
                feed._logger.LogDebug(ex, "A live-page refresh failed");
            }
        }

        public void Dispose()
        {
            lock (_gate) _disposed = true;
            feed.Remove(this);
        }
    }
}
