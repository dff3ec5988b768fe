using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace InfraAdmin.Tests.Support;

/// <summary>
/// A fake clock for tests whose result depends on the date (month ends, billing days, renewals): the app's service or
/// job is built from the app's container with this clock in place of <see cref="TimeProvider.System"/>, so a test
/// gives the same answer on any day, and at the boundary it names.
/// </summary>
public static class TestClock
{
    /// <summary>A fake clock at that UTC moment.</summary>
    public static FakeTimeProvider At(int year, int month, int day, int hour = 12, int minute = 0) =>
        new(new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero));

    public static DateTime UtcNow(this TimeProvider clock) => clock.GetUtcNow().UtcDateTime;

    /// <summary>A <typeparamref name="T"/> from <paramref name="services"/> whose TimeProvider is <paramref name="clock"/>.</summary>
    public static T With<T>(this IServiceProvider services, TimeProvider clock) where T : class =>
        ActivatorUtilities.CreateInstance<T>(services, clock);
}
