using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Alerts;
using InfraAdmin.Infrastructure.Live;
using InfraAdmin.Tests.Integration.IpReputation;
using InfraAdmin.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static InfraAdmin.Tests.Integration.Alerts.AlertTestData;

namespace InfraAdmin.Tests.Integration.Alerts;

/// <summary>
/// A change of a few IPs re-evaluates the IP rules for those IPs only: their episodes are raised and resolved, every other
/// episode is left as it is, and the minute's job still evaluates the rule in full afterwards. The app's change watcher
/// is off here, so only the test evaluates.
/// </summary>
public sealed class AlertScopedEvaluationTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Quiet() => App.WithoutChangeWatcher();

    private static async Task<bool> OpenAsync(TestDatabase db, string rule, string subject) =>
        (await EpisodesAsync(db, rule, subject)).Any(e => e.ResolvedAt is null);

    [Fact]
    public async Task A_scoped_evaluation_raises_and_resolves_only_the_subjects_of_its_rows()
    {
        await using var app = Quiet();
        await using var scope = app.Services.CreateAsyncScope();
        var evaluator = scope.ServiceProvider.GetRequiredService<AlertEvaluator>();
        var reputation = evaluator.Rules.Single(r => r.Id == IpReputationRule.RuleId);
        var a = await IpTestData.NewIpAsync(Db, IpStatus.Assigned, ReputationState.Poor);
        var b = await IpTestData.NewIpAsync(Db, IpStatus.Assigned, ReputationState.Poor);

        await evaluator.EvaluateAsync(reputation, [a.Id], Ct);
        Assert.True(await OpenAsync(Db, IpReputationRule.RuleId, a.Id.ToString()));
        Assert.Empty(await EpisodesAsync(Db, IpReputationRule.RuleId, b.Id.ToString())); // out of scope: not raised

        await ExecAsync(Db, "UPDATE smtp_ip_addresses SET reputation_state = 'fair' WHERE id = @id", ("id", a.Id));
        await evaluator.EvaluateAsync(reputation, [b.Id], Ct);
        Assert.True(await OpenAsync(Db, IpReputationRule.RuleId, b.Id.ToString()));
        Assert.True(await OpenAsync(Db, IpReputationRule.RuleId, a.Id.ToString())); // out of scope: not resolved
        await evaluator.EvaluateAsync(reputation, [a.Id], Ct);
        Assert.False(await OpenAsync(Db, IpReputationRule.RuleId, a.Id.ToString()));
        Assert.True(await OpenAsync(Db, IpReputationRule.RuleId, b.Id.ToString()));

        // A rule whose subjects are "ip:provider": the scope matches the key's IP part.
        var listed = await IpTestData.NewIpAsync(Db, IpStatus.Assigned,
            blacklist: """{"spamhaus": {"listed": true, "checked_at": "2026-12-01T00:00:00Z"}}""");
        var subject = $"{listed.Id}:spamhaus";
        var listing = evaluator.Rules.Single(r => r.Id == IpListedRule.RuleId);
        await evaluator.EvaluateAsync(listing, [listed.Id], Ct);
        Assert.True(await OpenAsync(Db, IpListedRule.RuleId, subject));
        await ExecAsync(Db, """UPDATE smtp_ip_addresses SET provider_blacklist_status = jsonb_set(provider_blacklist_status, '{spamhaus,listed}', 'false') WHERE id = @id""", ("id", listed.Id));
        await evaluator.EvaluateAsync(listing, [b.Id], Ct);
        Assert.True(await OpenAsync(Db, IpListedRule.RuleId, subject));
        await evaluator.EvaluateAsync(listing, [listed.Id], Ct);
        Assert.False(await OpenAsync(Db, IpListedRule.RuleId, subject));

        // A rule without a scope table is never evaluated for part of its subjects.
        var vps = evaluator.Rules.Single(r => r.Id == VpsBilledAgainRule.RuleId);
        await Assert.ThrowsAsync<ArgumentException>(() => evaluator.EvaluateAsync(vps, [a.Id], Ct));
    }

    [Fact]
    public async Task After_a_scoped_evaluation_the_minutes_job_still_evaluates_the_rule_in_full()
    {
        await using var app = Quiet();
        var feed = app.Services.GetRequiredService<ChangeFeed>();
        await WaitForAsync(() => feed.Listening, "the change feed to listen");
        await using var scope = app.Services.CreateAsyncScope();
        var evaluator = scope.ServiceProvider.GetRequiredService<AlertEvaluator>();
        await evaluator.EvaluateAllAsync(Ct);

        var version = feed.Version;
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned, ReputationState.Critical);
        await WaitForAsync(() => feed.ChangedSince(version, [LiveTables.IpAddresses]), "the feed to hear the new IP");
        await evaluator.EvaluateAsync(evaluator.Rules.Single(r => r.Id == IpReputationRule.RuleId), [ip.Id], Ct);

        var minute = await evaluator.EvaluateChangedAsync(Ct);
        Assert.True(minute.Single(o => o.Rule == IpReputationRule.RuleId).Evaluated);
        Assert.True(await OpenAsync(Db, IpReputationRule.RuleId, ip.Id.ToString()));
    }

    [Fact]
    public void A_keyed_change_of_a_few_ips_scopes_the_ip_rules_and_anything_else_evaluates_in_full()
    {
        var rule = new IpReputationRule();
        IAlertRule stale = new IpStaleRule();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        DataChange Ips(params Guid[] ids) => new(LiveTables.IpAddresses, ids.Select(i => i.ToString()).ToArray());

        Assert.Equal(new[] { a, b }.Order(), // another table's change (not read by the rule) does not count
            AlertChangeWatcher.ScopeOf(rule, new ChangeBatch([Ips(a), Ips(b, a), new DataChange(LiveTables.Vps)]))!.Order());
        Assert.Null(AlertChangeWatcher.ScopeOf(rule, new ChangeBatch([new DataChange(LiveTables.IpAddresses)]))); // many rows
        Assert.Null(AlertChangeWatcher.ScopeOf(rule, new ChangeBatch([Ips(a), DataChange.Everything])));
        Assert.Null(AlertChangeWatcher.ScopeOf(rule, new ChangeBatch([Ips(a)], overflowed: true)));
        Assert.Null(AlertChangeWatcher.ScopeOf(stale, new ChangeBatch([Ips(a), new DataChange(LiveTables.SystemConfig, ["alerts.x"])]))); // a setting
        Assert.Null(AlertChangeWatcher.ScopeOf(rule, new ChangeBatch([new DataChange(LiveTables.IpAddresses, ["not-a-guid"])])));
        Assert.Null(AlertChangeWatcher.ScopeOf(rule, new ChangeBatch(
            Enumerable.Range(0, AlertChangeWatcher.MaxScope + 1).Select(_ => Ips(Guid.NewGuid())).ToList())));
        Assert.Null(AlertChangeWatcher.ScopeOf(new VpsBilledAgainRule(), new ChangeBatch([new DataChange(LiveTables.Vps, [a.ToString()])])));
    }
}
