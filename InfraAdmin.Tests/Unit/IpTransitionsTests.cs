using InfraAdmin.Data.Entities;
using InfraAdmin.Features.IpReputation;

namespace InfraAdmin.Tests.Unit;

/// <summary>Every (from, to) pair of IP statuses against the table in docs/DESIGN.md.</summary>
public sealed class IpTransitionsTests
{
    private static readonly Dictionary<string, string[]> Table = new()
    {
        ["available"] = ["warming", "assigned", "quarantined"],
        ["warming"] = ["warmed", "degraded", "quarantined", "burned"],
        ["warmed"] = ["assigned", "degraded", "quarantined", "burned"],
        ["assigned"] = ["available", "degraded", "quarantined", "burned"],
        ["degraded"] = ["warming", "quarantined", "burned"],
        ["quarantined"] = ["available", "burned"],
        ["burned"] = [],
    };

    public static TheoryData<string, string, bool> AllPairs()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var from in IpStatus.All)
            foreach (var to in IpStatus.All)
                data.Add(from, to, Table[from].Contains(to));
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Each_pair_is_allowed_or_refused_as_the_table_says(string from, string to, bool allowed)
    {
        Assert.Equal(allowed, IpTransitions.IsAllowed(from, to));
        var refusal = IpTransitions.Refusal(from, to);
        if (allowed) Assert.Null(refusal);
        else Assert.False(string.IsNullOrWhiteSpace(refusal));
    }

    [Fact]
    public void Staff_are_never_offered_assigned_by_hand()
    {
        Assert.DoesNotContain(IpStatus.Assigned, IpTransitions.ManualStatuses);
        foreach (var from in IpStatus.All)
        {
            Assert.DoesNotContain(IpStatus.Assigned, IpTransitions.ManualFrom(from));
            Assert.Equal(IpTransitions.From(from).Where(s => s != IpStatus.Assigned), IpTransitions.ManualFrom(from));
        }
        Assert.Equal(IpTransitions.AssignedByHandRefusal, IpTransitions.ManualRefusal(IpStatus.Available, IpStatus.Assigned));
        Assert.Null(IpTransitions.ManualRefusal(IpStatus.Available, IpStatus.Warming));
    }

    [Fact]
    public void The_table_has_exactly_the_designed_number_of_allowed_moves()
    {
        var count = IpStatus.All.Sum(s => IpTransitions.From(s).Count);
        Assert.Equal(Table.Values.Sum(v => v.Length), count);
    }

    [Fact]
    public void Refusals_say_what_is_allowed_instead()
    {
        Assert.Contains("warming, assigned, quarantined", IpTransitions.Refusal("available", "burned"));
        Assert.Contains("retired", IpTransitions.Refusal("burned", "available"));
        Assert.Contains("not an IP status", IpTransitions.Refusal("available", "gone"));
        Assert.False(IpTransitions.IsAllowed(null, "available"));
    }
}
