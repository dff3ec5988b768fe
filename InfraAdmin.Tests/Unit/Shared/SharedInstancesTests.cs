using InfraAdmin.Components.Shared;

namespace InfraAdmin.Tests.Unit.Shared;

/// <summary>SharedInstances: one value per key for every caller, built once; at most its bound kept, then it starts over.</summary>
public sealed class SharedInstancesTests
{
    [Fact]
    public void A_key_is_built_once_and_shared_and_the_bound_starts_it_over()
    {
        var builds = 0;
        var shared = new SharedInstances<string, object>(2, StringComparer.OrdinalIgnoreCase);
        object Build(string _) { builds++; return new object(); }

        var a = shared.Get("a", Build);
        Assert.Same(a, shared.Get("A", Build)); // the comparer decides what is the same key
        Assert.Equal(1, builds);

        var b = shared.Get("b", Build);
        Assert.Same(b, shared.Get("b", Build));
        Assert.Equal(2, builds);

        shared.Get("c", Build); // full: it starts over, keeping c
        Assert.Equal(3, builds);
        Assert.NotSame(a, shared.Get("a", Build)); // built again, not kept past the bound
        Assert.Equal(4, builds);
    }
}
