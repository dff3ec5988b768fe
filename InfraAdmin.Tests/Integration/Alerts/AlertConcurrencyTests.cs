using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Alerts;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static InfraAdmin.Tests.Integration.Alerts.AlertTestData;

namespace InfraAdmin.Tests.Integration.Alerts;

/// <summary>Two app instances (two hosts over one database) evaluate the same rules at the same moment: each episode is raised once, and resolved once.</summary>
public sealed class AlertConcurrencyTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_evaluating_at_once_raise_each_episode_exactly_once()
    {
        await using var other = new InfraAdminFactory(Db); // a second instance: its own host, services and connection pools
        _ = other.Services;
        await ExecAsync(Db, """
            INSERT INTO smtp_ip_addresses (ip_address, status, reputation_state, vps_instance_id, assigned_count, approximate_cost, last_reputation_check)
            SELECT '198.18.' || (n / 250) || '.' || (n % 250), 'assigned', 'critical', NULL, 0, 3, now() FROM generate_series(1, 40) n
            """);
        await using (var db = Db.CreateContext())
        {
            var ids = await db.SmtpIpAddresses.Where(i => i.IpAddress.StartsWith("198.18.")).Select(i => i.Id).ToListAsync(Ct);
            Assert.Equal(40, ids.Count);
        }

        async Task RaceAsync()
        {
            using var start = new ManualResetEventSlim();
            var runs = new[] { App, other, App, other }
                .Select(app => Task.Run(async () => { start.Wait(Ct); await EvaluateAsync(app, IpReputationRule.RuleId, Ct); }, Ct)).ToList();
            start.Set();
            await Task.WhenAll(runs);
        }

        // The reputation episodes of the test's 40 IPs (198.18.x.x).
        async Task<List<Alert>> EpisodesAsync()
        {
            await using var db = Db.CreateContext();
            return await (from a in db.Alerts.AsNoTracking()
                          join i in db.SmtpIpAddresses on a.SubjectKey equals i.Id.ToString()
                          where a.Rule == IpReputationRule.RuleId && i.IpAddress.StartsWith("198.18.")
                          select a).ToListAsync(Ct);
        }

        await RaceAsync();
        var raised = await EpisodesAsync();
        Assert.Equal(40, raised.Count);
        Assert.All(raised.GroupBy(e => e.SubjectKey), g => Assert.Single(g));
        Assert.All(raised, e => Assert.Equal(AlertSeverity.Critical, e.Severity));

        // All clear at once, evaluated by both: each resolves once, and nothing new is raised.
        await ExecAsync(Db, "UPDATE smtp_ip_addresses SET reputation_state = 'good' WHERE ip_address LIKE '198.18.%'");
        await RaceAsync();
        var resolved = await EpisodesAsync();
        Assert.Equal(40, resolved.Count);
        Assert.All(resolved, e => Assert.NotNull(e.ResolvedAt));
    }
}
