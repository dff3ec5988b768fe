namespace InfraAdmin.Components.Pages;

/// <summary>An area's card on the overview: its component and the policy a user needs to see it.</summary>
public interface IOverviewCard
{
    string Policy { get; }
    Type ComponentType { get; }

    /// <summary>A wide card takes a whole row, above the others (the executive overview's comparison table).</summary>
    bool Wide => false;
}

/// <summary>Registers a card: <c>services.AddOverviewCard&lt;IpOverviewCard&gt;(Policies.IpView)</c>.</summary>
public sealed record OverviewCard(string Policy, Type ComponentType, bool Wide = false) : IOverviewCard;

public static class OverviewCardRegistration
{
    public static IServiceCollection AddOverviewCard<TComponent>(this IServiceCollection services, string policy, bool wide = false)
        where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        services.AddSingleton<IOverviewCard>(new OverviewCard(policy, typeof(TComponent), wide));
}
