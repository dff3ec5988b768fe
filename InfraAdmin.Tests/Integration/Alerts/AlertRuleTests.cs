using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Alerts;
using InfraAdmin.Tests.Integration.IpReputation;
using InfraAdmin.Tests.Integration.Vps;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static InfraAdmin.Tests.Integration.Alerts.AlertTestData;

namespace InfraAdmin.Tests.Integration.Alerts;

/// <summary>
/// Each rule over real PostgreSQL: raised when its condition holds, not raised again while it holds (any number of
/// evaluations), resolved when it clears, and a new episode (a new row) when it holds again. The tests read the table,
/// not the evaluator's counts: the app's own change watcher may evaluate the same rule meanwhile, with the same result.
/// </summary>
public sealed class AlertRuleTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Evaluates <paramref name="rule"/> twice, then checks the episodes of <paramref name="subject"/>: <paramref name="expected"/> rows, the last open or resolved.</summary>
    private async Task<List<Alert>> AfterEvaluationAsync(string rule, string subject, int expected, bool lastOpen)
    {
        await EvaluateAsync(App, rule, Ct);
        await EvaluateAsync(App, rule, Ct); // no duplicate on re-evaluation
        var episodes = await EpisodesAsync(Db, rule, subject);
        Assert.Equal(expected, episodes.Count);
        Assert.Equal(lastOpen, episodes[^1].ResolvedAt is null);
        Assert.Equal(expected - (lastOpen ? 1 : 0), episodes.Count(e => e.ResolvedAt is not null));
        return episodes;
    }

    [Fact]
    public async Task A_blacklist_listing_raises_once_with_the_providers_weight_and_resolves_when_cleared()
    {
        var listed = """{"spamhaus": {"listed": true, "checked_at": "2026-12-01T00:00:00Z"}, "sorbs": {"listed": true, "checked_at": "2026-12-01T00:00:00Z"}}""";
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned, blacklist: listed);
        var spamhaus = $"{ip.Id}:spamhaus";

        var first = await AfterEvaluationAsync(IpListedRule.RuleId, spamhaus, expected: 1, lastOpen: true);
        Assert.Equal(AlertSeverity.Critical, first[0].Severity); // weight 100 ≥ 70
        Assert.Equal("ip.view", first[0].Permission);
        Assert.Equal($"ip-reputation/{ip.Id}", first[0].Link);
        Assert.Contains("Spamhaus", first[0].Title);
        Assert.Equal(AlertSeverity.Info, (await EpisodesAsync(Db, IpListedRule.RuleId, $"{ip.Id}:sorbs")).Single().Severity); // weight 20 < 30

        // The check reports it clear on Spamhaus (still listed on SORBS): that episode resolves, the other stays.
        await ExecAsync(Db, """UPDATE smtp_ip_addresses SET provider_blacklist_status = jsonb_set(provider_blacklist_status, '{spamhaus,listed}', 'false') WHERE id = @id""", ("id", ip.Id));
        await AfterEvaluationAsync(IpListedRule.RuleId, spamhaus, expected: 1, lastOpen: false);
        Assert.Null((await EpisodesAsync(Db, IpListedRule.RuleId, $"{ip.Id}:sorbs")).Single().ResolvedAt);

        // Listed again: a new episode, the resolved one kept.
        await ExecAsync(Db, """UPDATE smtp_ip_addresses SET provider_blacklist_status = jsonb_set(provider_blacklist_status, '{spamhaus,listed}', 'true') WHERE id = @id""", ("id", ip.Id));
        await AfterEvaluationAsync(IpListedRule.RuleId, spamhaus, expected: 2, lastOpen: true);
    }

    [Fact]
    public async Task A_poor_or_critical_reputation_raises_once_follows_the_severity_and_resolves()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned, ReputationState.Poor);
        var subject = ip.Id.ToString();
        var first = await AfterEvaluationAsync(IpReputationRule.RuleId, subject, expected: 1, lastOpen: true);
        Assert.Equal(AlertSeverity.Warning, first[0].Severity);

        // Worse: the same episode, now critical.
        await ExecAsync(Db, "UPDATE smtp_ip_addresses SET reputation_state = 'critical' WHERE id = @id", ("id", ip.Id));
        var worse = await AfterEvaluationAsync(IpReputationRule.RuleId, subject, expected: 1, lastOpen: true);
        Assert.Equal(first[0].Id, worse[0].Id);
        Assert.Equal(AlertSeverity.Critical, worse[0].Severity);

        await ExecAsync(Db, "UPDATE smtp_ip_addresses SET reputation_state = 'fair' WHERE id = @id", ("id", ip.Id));
        await AfterEvaluationAsync(IpReputationRule.RuleId, subject, expected: 1, lastOpen: false);

        await ExecAsync(Db, "UPDATE smtp_ip_addresses SET reputation_state = 'poor' WHERE id = @id", ("id", ip.Id));
        await AfterEvaluationAsync(IpReputationRule.RuleId, subject, expected: 2, lastOpen: true);
    }

    [Fact]
    public async Task Stale_checks_of_a_live_ip_raise_after_the_setting_and_resolve_with_a_check()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Warmed, lastCheck: DateTime.UtcNow.AddHours(-30)); // default: stale after 24 h
        var subject = ip.Id.ToString();
        await AfterEvaluationAsync(IpStaleRule.RuleId, subject, expected: 1, lastOpen: true);

        await ExecAsync(Db, "UPDATE smtp_ip_addresses SET last_reputation_check = now() WHERE id = @id", ("id", ip.Id));
        await AfterEvaluationAsync(IpStaleRule.RuleId, subject, expected: 1, lastOpen: false);

        await ExecAsync(Db, "UPDATE smtp_ip_addresses SET last_reputation_check = now() - interval '25 hours' WHERE id = @id", ("id", ip.Id));
        await AfterEvaluationAsync(IpStaleRule.RuleId, subject, expected: 2, lastOpen: true);

        // A quarantined IP is not live: its stale checks are nobody's concern.
        await ExecAsync(Db, "UPDATE smtp_ip_addresses SET status = 'quarantined' WHERE id = @id", ("id", ip.Id));
        await AfterEvaluationAsync(IpStaleRule.RuleId, subject, expected: 2, lastOpen: false);
    }

    [Fact]
    public async Task A_vps_scheduled_to_go_after_its_renewal_raises_and_resolves_when_moved()
    {
        await using var db = Db.CreateContext();
        var vps = await VpsTestData.AddVpsAsync(db, billingDay: 15);
        var subject = vps.Id.ToString();
        await ExecAsync(Db, "UPDATE vps_instances SET status = 'scheduled_decommission', decommission_scheduled_for = current_billing_period_end + interval '3 days' WHERE id = @id", ("id", vps.Id));
        var first = await AfterEvaluationAsync(VpsBilledAgainRule.RuleId, subject, expected: 1, lastOpen: true);
        Assert.Equal("vps.view", first[0].Permission);

        await ExecAsync(Db, "UPDATE vps_instances SET decommission_scheduled_for = current_billing_period_end WHERE id = @id", ("id", vps.Id));
        await AfterEvaluationAsync(VpsBilledAgainRule.RuleId, subject, expected: 1, lastOpen: false);

        await ExecAsync(Db, "UPDATE vps_instances SET decommission_scheduled_for = current_billing_period_end + interval '1 day' WHERE id = @id", ("id", vps.Id));
        await AfterEvaluationAsync(VpsBilledAgainRule.RuleId, subject, expected: 2, lastOpen: true);
    }

    [Fact]
    public async Task A_tenant_losing_money_this_month_raises_for_costs_view_and_resolves_when_the_margin_recovers()
    {
        var tenant = Guid.CreateVersion7();
        var slug = "alert-" + tenant.ToString("N")[..12];
        await ExecAsync(Db, "INSERT INTO tenants (id, name, slug, status, plan, monthly_revenue) VALUES (@id, @name, @slug, 'active', 'starter', 100)",
            ("id", tenant), ("name", "Loss Maker " + slug), ("slug", slug));
        var month = new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        // The month's kept days (the idle row) if the roll-up has not kept them yet, and this tenant's cost: far above its revenue to date.
        await ExecAsync(Db, """
            INSERT INTO tenant_cost_monthly (month, tenant_id, ip_cost, vps_cost, days, last_day, ip_rounded, vps_rounded, total_rounded)
            SELECT @month, NULL, 0, 0, @days, @today, 0, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM tenant_cost_monthly WHERE month = @month AND tenant_id IS NULL);
            INSERT INTO tenant_cost_monthly (month, tenant_id, ip_cost, vps_cost, days, last_day, ip_rounded, vps_rounded, total_rounded)
            VALUES (@month, @tenant, 500, 500, @days, @today, 500, 500, 1000);
            """, ("month", month), ("days", today.Day), ("today", today), ("tenant", tenant));
        var subject = $"{tenant}:{month:yyyy-MM}";
        var first = await AfterEvaluationAsync(TenantNegativeMarginRule.RuleId, subject, expected: 1, lastOpen: true);
        Assert.Equal("costs.view", first[0].Permission);
        Assert.Equal(tenant, first[0].TenantId);
        Assert.Contains("projected margin", first[0].Detail);

        await ExecAsync(Db, "UPDATE tenants SET monthly_revenue = 100000 WHERE id = @id", ("id", tenant));
        await AfterEvaluationAsync(TenantNegativeMarginRule.RuleId, subject, expected: 1, lastOpen: false);

        await ExecAsync(Db, "UPDATE tenants SET monthly_revenue = 1 WHERE id = @id", ("id", tenant));
        await AfterEvaluationAsync(TenantNegativeMarginRule.RuleId, subject, expected: 2, lastOpen: true);
    }

    [Fact]
    public async Task A_failed_job_raises_for_config_view_and_resolves_when_it_is_requeued()
    {
        _ = App.Services; // the app makes Hangfire's schema when it starts
        // A job in Hangfire's Failed state, as Hangfire leaves it after its retries (its own tables, written directly).
        await ExecAsync(Db, """
            WITH j AS (INSERT INTO hangfire.job (invocationdata, arguments, createdat, statename) VALUES ('{}', '[]', now(), 'Failed') RETURNING id),
                 s AS (INSERT INTO hangfire.state (jobid, name, reason, createdat, data) SELECT id, 'Failed', 'boom: the test failed it', now(), '{}' FROM j RETURNING id, jobid)
            INSERT INTO hangfire.jobparameter (jobid, name, value) SELECT id, 'RecurringJobId', '"alerts.test-job"' FROM j;
            UPDATE hangfire.job j SET stateid = s.id FROM hangfire.state s
            WHERE s.jobid = j.id AND j.id = (SELECT max(jobid) FROM hangfire.jobparameter WHERE value = '"alerts.test-job"');
            """);
        await using var db = Db.CreateContext();
        var jobId = await db.Database.SqlQueryRaw<long>("SELECT max(jobid) AS \"Value\" FROM hangfire.jobparameter WHERE value = '\"alerts.test-job\"'")
            .SingleAsync(Ct);
        var subject = $"job:{jobId}";
        var first = await AfterEvaluationAsync(JobFailedRule.RuleId, subject, expected: 1, lastOpen: true);
        Assert.Equal("config.view", first[0].Permission);
        Assert.Contains("alerts.test-job", first[0].Title);
        Assert.Contains("boom", first[0].Detail);

        await ExecAsync(Db, "UPDATE hangfire.job SET statename = 'Succeeded' WHERE id = @id", ("id", jobId));
        await AfterEvaluationAsync(JobFailedRule.RuleId, subject, expected: 1, lastOpen: false);

        await ExecAsync(Db, "UPDATE hangfire.job SET statename = 'Failed' WHERE id = @id", ("id", jobId));
        await AfterEvaluationAsync(JobFailedRule.RuleId, subject, expected: 2, lastOpen: true);
    }

    [Fact]
    public async Task The_database_refuses_a_second_open_episode_of_the_same_rule_and_subject()
    {
        var subject = "test:" + Guid.NewGuid();
        const string insert = "INSERT INTO alerts (rule, subject_key, permission, severity, title) VALUES ('ip.stale', @s, 'ip.view', 'warning', 't')";
        await ExecAsync(Db, insert, ("s", subject));
        var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => ExecAsync(Db, insert, ("s", subject)));
        Assert.Equal("ux_alerts_open_episode", ex.ConstraintName);
        await ExecAsync(Db, "UPDATE alerts SET resolved_at = now() WHERE subject_key = @s", ("s", subject));
        await ExecAsync(Db, insert, ("s", subject)); // a new episode once the first resolved
        var bad = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => ExecAsync(Db,
            "INSERT INTO alerts (rule, subject_key, permission, severity, title) VALUES ('ip.stale', 'x', 'ip.view', 'urgent', 't')"));
        Assert.Equal("ck_alerts_severity", bad.ConstraintName);
    }
}
