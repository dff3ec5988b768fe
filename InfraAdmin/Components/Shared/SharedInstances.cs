using System.Collections.Concurrent;

namespace InfraAdmin.Components.Shared;

/// <summary>
/// One instance of a value for every open page (a theme, a chip's HTML, a style sheet, a panel's HTML): built once per key
/// and shared, so each page keeps a reference instead of its own copy (issue 17: 1 MB per open page). At most
/// <paramref name="max"/> are kept, because keys are data (tenants' colours, texts); when full it starts over: pages keep
/// what they hold, and the next ones share the new instances.
/// </summary>
public sealed class SharedInstances<TKey, TValue>(int max, IEqualityComparer<TKey>? comparer = null) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _kept = new(comparer);

    /// <summary>The shared value for <paramref name="key"/>, built by <paramref name="build"/> the first time.</summary>
    public TValue Get(TKey key, Func<TKey, TValue> build)
    {
        if (_kept.TryGetValue(key, out var kept)) return kept;
        if (_kept.Count >= max) _kept.Clear();
        return _kept.GetOrAdd(key, build);
    }
}
