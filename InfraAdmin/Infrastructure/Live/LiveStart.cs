using Microsoft.AspNetCore.Components.Server.Circuits;

namespace InfraAdmin.Infrastructure.Live;

/// <summary>Where a page's data stands in the change feed: the instance and the last change numbered before its load.</summary>
public sealed record LiveMark(string Instance, long Version);

/// <summary>
/// The change feed's position when this request or circuit began, taken before any page loads its data. A live page
/// keeps it from its prerendering into its circuit (<see cref="LiveMark"/>, persistent state) and, once subscribed, catches
/// up on a change that fell between the two (otherwise unheard: the page was not subscribed yet).
/// </summary>
public sealed class LiveStart(ChangeFeed feed)
{
    public LiveMark Mark { get; } = new(feed.Instance, feed.Version);
}

public static class LiveStartMiddleware
{
    /// <summary>Takes the mark at the start of every request (a prerendered page's load comes after it).</summary>
    public static IApplicationBuilder UseLiveStart(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            _ = context.RequestServices.GetRequiredService<LiveStart>();
            return next(context);
        });
}

/// <summary>Takes the mark when a circuit opens, before its components render (a page not prerendered loads after it).</summary>
internal sealed class LiveStartCircuitHandler(LiveStart start) : CircuitHandler
{
    public LiveMark Mark => start.Mark;
}
