using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Alerts;
using InfraAdmin.Infrastructure.Live;
using InfraAdmin.Tests.Integration.IpReputation;
using InfraAdmin.Tests.Integration.Vps;
using InfraAdmin.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static InfraAdmin.Tests.Integration.Alerts.AlertTestData;

namespace InfraAdmin.Tests.Integration.Alerts;

/// <summary>
/// The minute's evaluation (<see cref="AlertEvaluator.EvaluateChangedAsync"/>) over real PostgreSQL and the real change feed:
/// a rule is left out while the feed hears no change of its tables, evaluated once it does (whoever wrote, plain SQL here),
/// and evaluated when time alone changes what fires (a check going stale) with no change heard at all. The app's change
/// watcher is off here, so only the test evaluates.
/// </summary>
public sealed class AlertMinuteEvaluationTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Quiet() => App.WithoutChangeWatcher();

    [Fact]
    public async Task A_rule_is_left_out_until_the_feed_hears_a_change_of_its_tables()
    {
        await using var app = Quiet();
        var feed = app.Services.GetRequiredService<ChangeFeed>();
        await WaitForAsync(() => feed.Listening, "the change feed to listen");
        await using var scope = app.Services.CreateAsyncScope();
        var evaluator = scope.ServiceProvider.GetRequiredService<AlertEvaluator>();
        await evaluator.EvaluateAllAsync(Ct);

        var unchanged = await evaluator.EvaluateChangedAsync(Ct);
        Assert.False(unchanged.Single(o => o.Rule == VpsBilledAgainRule.RuleId).Evaluated);
        Assert.False(unchanged.Single(o => o.Rule == IpReputationRule.RuleId).Evaluated);

        // A VPS now billed again, written with plain SQL: heard by the feed, so the next minute's evaluation raises it.
        await using var db = Db.CreateContext();
        var vps = await VpsTestData.AddVpsAsync(db, billingDay: 15);
        var version = feed.Version;
        await ExecAsync(Db, "UPDATE vps_instances SET status = 'scheduled_decommission', decommission_scheduled_for = current_billing_period_end + interval '3 days' WHERE id = @id", ("id", vps.Id));
        await WaitForAsync(() => feed.ChangedSince(version, [LiveTables.Vps]), "the feed to hear the change");
        var changed = await evaluator.EvaluateChangedAsync(Ct);
        Assert.True(changed.Single(o => o.Rule == VpsBilledAgainRule.RuleId).Evaluated);
        Assert.False(changed.Single(o => o.Rule == IpReputationRule.RuleId).Evaluated); // its tables did not change
        Assert.Single(await EpisodesAsync(Db, VpsBilledAgainRule.RuleId, vps.Id.ToString()), e => e.ResolvedAt is null);
    }

    [Fact]
    public async Task A_check_going_stale_is_raised_by_the_minutes_evaluation_with_no_change_heard()
    {
        await using var app = Quiet();
        var feed = app.Services.GetRequiredService<ChangeFeed>();
        await WaitForAsync(() => feed.Listening, "the change feed to listen");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var version = feed.Version;
        // Stale 10 minutes from now (the default is 24 hours).
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned, lastCheck: clock.GetUtcNow().UtcDateTime.AddHours(-24).AddMinutes(10));
        await WaitForAsync(() => feed.ChangedSince(version, [LiveTables.IpAddresses]), "the feed to hear the new IP");
        await using var scope = app.Services.CreateAsyncScope();
        var evaluator = scope.ServiceProvider.With<AlertEvaluator>(clock);
        await evaluator.EvaluateAllAsync(Ct);
        Assert.Empty(await EpisodesAsync(Db, IpStaleRule.RuleId, ip.Id.ToString()));

        clock.Advance(TimeSpan.FromMinutes(11));
        var later = await evaluator.EvaluateChangedAsync(Ct);
        Assert.True(later.Single(o => o.Rule == IpStaleRule.RuleId).Evaluated);
        Assert.Single(await EpisodesAsync(Db, IpStaleRule.RuleId, ip.Id.ToString()), e => e.ResolvedAt is null);
    }
}
