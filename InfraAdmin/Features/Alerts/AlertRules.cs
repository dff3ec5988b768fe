using InfraAdmin.Authorization;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure.Live;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace InfraAdmin.Features.Alerts;

/// <summary>
/// The set-based query of a rule: a SELECT returning the subjects its condition holds for now, one row each, with the
/// columns <c>subject_key</c> (text), <c>severity</c>, <c>title</c>, <c>detail</c>, <c>link</c> (a path relative to the app)
/// and <c>tenant_id</c> (uuid or NULL). Values are parameters; only constants are spliced into the SQL.
/// </summary>
public sealed record FiringQuery(string Sql, IReadOnlyList<NpgsqlParameter> Parameters)
{
    /// <summary>The rule cannot be evaluated now (e.g. Hangfire's schema is not there yet): nothing is raised or resolved.</summary>
    public static readonly FiringQuery Skip = new("", []);

    /// <summary>
    /// For a rule whose firing set changes with time alone (a check going stale, a new month): the moment it may next do so
    /// while its tables do not change. Null: time alone never changes it.
    /// </summary>
    public DateTime? StableUntil { get; init; }

    /// <summary>
    /// Like <see cref="StableUntil"/>, read from the database after the rule's statement, in its transaction and with its
    /// parameters: a SELECT of one timestamptz (NULL: never).
    /// </summary>
    public string? StableUntilSql { get; init; }
}

/// <summary>
/// What an evaluation knows: the time and the typed settings it may need, and <see cref="Scope"/>: null for every subject,
/// else only the subjects of these rows of the rule's <see cref="IAlertRule.ScopeTable"/> (a keyed change of a few rows).
/// </summary>
public sealed record AlertRuleContext(DateTime Now, SystemSettings Settings, NpgsqlConnection Connection, CancellationToken Ct,
    IReadOnlyList<Guid>? Scope = null)
{
    /// <summary>
    /// The rule's filter for <see cref="Scope"/>: "<c>AND column = ANY(@scope)</c>" with its parameter, or nothing for every
    /// subject. <paramref name="column"/> is a constant of the rule's SQL, never input.
    /// </summary>
    public (string Sql, NpgsqlParameter[] Parameters) ScopeFilter(string column) => Scope is null
        ? ("", [])
        : ($"AND {column} = ANY(@scope)", [new NpgsqlParameter("scope", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = Scope.ToArray() }]);
}

/// <summary>
/// An alert rule (issue 16): code decides what fires, typed settings (<see cref="SettingCatalog"/>) hold its thresholds.
/// The evaluator raises one episode per firing subject, keeps it while the subject keeps firing, and resolves it when it
/// no longer does.
/// </summary>
public interface IAlertRule
{
    /// <summary>Stable id stored in <c>alerts.rule</c>, e.g. <c>ip.listed</c>.</summary>
    string Id { get; }
    /// <summary>What staff see in the rule filter.</summary>
    string Label { get; }
    /// <summary>The view permission of the area it concerns (who sees its alerts, who gets its mail).</summary>
    string Permission { get; }
    /// <summary>The tables whose changes may change what fires (<see cref="LiveTables"/>): a change re-evaluates the rule soon.</summary>
    IReadOnlyList<string> Tables { get; }

    /// <summary>
    /// The table whose row keys name the rule's subjects (a subject key is the row's id, or the id, ':' and more), or null.
    /// A change of only a few of its rows re-evaluates only their subjects (<see cref="AlertRuleContext.Scope"/>): the
    /// rule's query must then apply <see cref="AlertRuleContext.ScopeFilter"/> to that id.
    /// </summary>
    string? ScopeTable => null;
    Task<FiringQuery> FiringAsync(AlertRuleContext context);
}

/// <summary>An IP listed on a blacklist provider: one episode per IP and provider, severity from the provider's weight; a cleared listing resolves it.</summary>
public sealed class IpListedRule(IOptions<IpReputationOptions> providers) : IAlertRule
{
    public const string RuleId = "ip.listed";
    public string Id => RuleId;
    public string Label => "IP listed on a blacklist";
    public string Permission => Permissions.Ip.View;
    public IReadOnlyList<string> Tables => [LiveTables.IpAddresses, LiveTables.SystemConfig];
    public string ScopeTable => LiveTables.IpAddresses;

    public async Task<FiringQuery> FiringAsync(AlertRuleContext c)
    {
        var (scope, scopeParameters) = c.ScopeFilter("i.id");
        var critical = await c.Settings.GetAsync(SettingCatalog.AlertsListingCriticalWeight, c.Ct);
        var warning = await c.Settings.GetAsync(SettingCatalog.AlertsListingWarningWeight, c.Ct);
        var list = providers.Value.BlacklistProviders;
        // A listing on a provider no longer configured is still a listing: a warning under its own name.
        return new FiringQuery($"""
            SELECT i.id::text || ':' || l.provider AS subject_key,
                   coalesce(p.severity, 'warning') AS severity,
                   i.ip_address || ' listed on ' || coalesce(p.label, l.provider) AS title,
                   'Listed on ' || coalesce(p.label, l.provider) || coalesce(' (weight ' || p.weight || ')', '')
                       || '. The alert resolves when a check reports the IP clear on it.' AS detail,
                   'ip-reputation/' || i.id AS link,
                   NULL::uuid AS tenant_id
            FROM smtp_ip_listings l
            JOIN smtp_ip_addresses i ON i.id = l.smtp_ip_address_id
            LEFT JOIN unnest(@names, @labels, @weights, @severities) AS p(name, label, weight, severity) ON p.name = l.provider
            WHERE i.status IS DISTINCT FROM 'burned' {scope}
            """,
        [
            .. scopeParameters,
            new("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = list.Select(p => p.Name).ToArray() },
            new("labels", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = list.Select(p => p.Label).ToArray() },
            new("weights", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = list.Select(p => p.Weight).ToArray() },
            new("severities", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = list.Select(p => SeverityOf(p.Weight, critical, warning)).ToArray() },
        ]);
    }

    public static string SeverityOf(int weight, int criticalWeight, int warningWeight) =>
        weight >= criticalWeight ? AlertSeverity.Critical : weight >= warningWeight ? AlertSeverity.Warning : AlertSeverity.Info;
}

/// <summary>An IP whose reputation is poor (warning) or critical (critical); burned IPs are retired and left out.</summary>
public sealed class IpReputationRule : IAlertRule
{
    public const string RuleId = "ip.reputation";
    public string Id => RuleId;
    public string Label => "IP reputation poor or critical";
    public string Permission => Permissions.Ip.View;
    public IReadOnlyList<string> Tables => [LiveTables.IpAddresses];
    public string ScopeTable => LiveTables.IpAddresses;

    public Task<FiringQuery> FiringAsync(AlertRuleContext c)
    {
        var (scope, scopeParameters) = c.ScopeFilter("i.id");
        return Task.FromResult(new FiringQuery($"""
        SELECT i.id::text AS subject_key,
               CASE i.reputation_state WHEN 'critical' THEN 'critical' ELSE 'warning' END AS severity,
               i.ip_address || ' reputation is ' || i.reputation_state AS title,
               'Reputation ' || i.reputation_state || ', status ' || coalesce(i.status, 'unknown') || '.' AS detail,
               'ip-reputation/' || i.id AS link,
               NULL::uuid AS tenant_id
        FROM smtp_ip_addresses i
        WHERE i.reputation_state IN ('poor', 'critical') AND i.status IS DISTINCT FROM 'burned' {scope}
        """, scopeParameters));
    }
}

/// <summary>
/// A live IP (not burned or quarantined) whose last reputation check is older than <c>ip.reputation_stale_hours</c>
/// (the staleness the IP pages use), or that was never checked.
/// </summary>
public sealed class IpStaleRule : IAlertRule
{
    public const string RuleId = "ip.stale";
    public string Id => RuleId;
    public string Label => "IP checks stale";
    public string Permission => Permissions.Ip.View;
    public IReadOnlyList<string> Tables => [LiveTables.IpAddresses, LiveTables.SystemConfig];
    public string ScopeTable => LiveTables.IpAddresses;

    public async Task<FiringQuery> FiringAsync(AlertRuleContext c)
    {
        var (scope, scopeParameters) = c.ScopeFilter("i.id");
        var hours = await c.Settings.GetAsync(SettingCatalog.IpReputationStaleHours, c.Ct);
        return new FiringQuery($"""
            SELECT i.id::text AS subject_key, 'warning' AS severity,
                   i.ip_address || ' not checked for over ' || @hours || ' h' AS title,
                   CASE WHEN i.last_reputation_check IS NULL THEN 'Never checked.'
                        ELSE 'Last check ' || to_char(i.last_reputation_check AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC.' END AS detail,
                   'ip-reputation/' || i.id AS link,
                   NULL::uuid AS tenant_id
            FROM smtp_ip_addresses i
            WHERE i.status IN ('available', 'warming', 'warmed', 'assigned', 'degraded')
              AND (i.last_reputation_check IS NULL OR i.last_reputation_check < @now - make_interval(hours => @hours)) {scope}
            """,
        [
            .. scopeParameters,
            new("hours", NpgsqlDbType.Integer) { Value = hours },
            new("now", NpgsqlDbType.TimestampTz) { Value = c.Now },
        ])
        {
            // The next live IP to go stale (one step of the partial index ix_smtp_ip_addresses_live_last_check).
            StableUntilSql = """
                SELECT min(i.last_reputation_check) + make_interval(hours => @hours) FROM smtp_ip_addresses i
                WHERE i.status IN ('available', 'warming', 'warmed', 'assigned', 'degraded') AND i.last_reputation_check >= @now - make_interval(hours => @hours)
                """,
        };
    }
}

/// <summary>A VPS scheduled to go after its next renewal: that period will be billed (the VPS page's "billed again").</summary>
public sealed class VpsBilledAgainRule : IAlertRule
{
    public const string RuleId = "vps.billed_again";
    public string Id => RuleId;
    public string Label => "VPS billed again before its decommission";
    public string Permission => Permissions.Vps.View;
    public IReadOnlyList<string> Tables => [LiveTables.Vps];

    public Task<FiringQuery> FiringAsync(AlertRuleContext c) => Task.FromResult(new FiringQuery("""
        SELECT v.id::text AS subject_key, 'warning' AS severity,
               coalesce(v.hostwinds_instance_id, v.id::text) || ' will be billed again before its decommission' AS title,
               'Renews ' || to_char(v.current_billing_period_end AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' UTC; decommission scheduled for '
                   || to_char(v.decommission_scheduled_for AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' UTC. Move the decommission to the renewal day to avoid paying another period.' AS detail,
               'vps/' || v.id AS link,
               NULL::uuid AS tenant_id
        FROM vps_instances v
        WHERE v.status = 'scheduled_decommission' AND v.current_billing_period_end IS NOT NULL
          AND v.decommission_scheduled_for > v.current_billing_period_end
        """, []));
}

/// <summary>
/// A tenant losing money this month: its month-to-date margin (revenue pro rata to the kept days minus its kept cost) is
/// negative, and so its projection. Reads only the Costs area's roll-up table <c>tenant_cost_monthly</c> and
/// <c>tenants</c>; one episode per tenant and month.
/// </summary>
public sealed class TenantNegativeMarginRule : IAlertRule
{
    public const string RuleId = "tenant.negative_margin";
    public string Id => RuleId;
    public string Label => "Tenant margin negative";
    public string Permission => Permissions.Costs.View;
    public IReadOnlyList<string> Tables => [LiveTables.CostRollup, LiveTables.Tenants, LiveTables.SystemConfig];

    public async Task<FiringQuery> FiringAsync(AlertRuleContext c)
    {
        var month = new DateOnly(c.Now.Year, c.Now.Month, 1);
        var currency = await c.Settings.CurrencyAsync(c.Ct);
        return new FiringQuery("""
            SELECT m.tenant_id::text || ':' || to_char(@month, 'YYYY-MM') AS subject_key, 'warning' AS severity,
                   t.name || ': negative margin in ' || to_char(@month, 'YYYY-MM') AS title,
                   'Month to date (' || k.days || ' of ' || @dim || ' days): revenue ' || r.revenue || ', cost ' || m.total_rounded
                       || ', margin ' || (r.revenue - m.total_rounded) || ' ' || @currency || '; projected margin '
                       || round((r.revenue - m.total_rounded) * @dim / k.days, 2) || ' ' || @currency || '.' AS detail,
                   'costs/tenants/' || t.id AS link,
                   t.id AS tenant_id
            FROM tenant_cost_monthly k
            JOIN tenant_cost_monthly m ON m.month = k.month AND m.tenant_id IS NOT NULL
            JOIN tenants t ON t.id = m.tenant_id
            CROSS JOIN LATERAL (SELECT round(coalesce(t.monthly_revenue, 0) * k.days / @dim, 2) AS revenue) r
            WHERE k.month = @month AND k.tenant_id IS NULL AND k.days > 0
              AND r.revenue - m.total_rounded < 0
            """,
        [
            new("month", NpgsqlDbType.Date) { Value = month },
            new("dim", NpgsqlDbType.Integer) { Value = DateTime.DaysInMonth(month.Year, month.Month) },
            new("currency", NpgsqlDbType.Text) { Value = currency },
        ])
        {
            StableUntil = new DateTime(month.Year, month.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1), // a new month, new episodes
        };
    }
}

/// <summary>A scheduled (Hangfire) job in the Failed state: it failed after its retries. Deleting or re-queuing it resolves the alert.</summary>
public sealed class JobFailedRule : IAlertRule
{
    public const string RuleId = "job.failed";
    public string Id => RuleId;
    public string Label => "Scheduled job failed";
    public string Permission => Permissions.Config.View;
    public IReadOnlyList<string> Tables => [LiveTables.Jobs];

    public async Task<FiringQuery> FiringAsync(AlertRuleContext c)
    {
        // Hangfire makes its schema at start-up, after the migrations; until then there is nothing to read.
        await using (var probe = new NpgsqlCommand("SELECT to_regclass('hangfire.job') IS NOT NULL AND to_regclass('hangfire.jobparameter') IS NOT NULL", c.Connection))
        {
            if (await probe.ExecuteScalarAsync(c.Ct) is not true) return FiringQuery.Skip;
        }
        return new FiringQuery("""
            SELECT 'job:' || j.id AS subject_key, 'warning' AS severity,
                   'Job ' || coalesce(trim(both '"' from p.value), 'background job ' || j.id) || ' failed' AS title,
                   left(coalesce(s.data ->> 'ExceptionType' || ': ' || (s.data ->> 'ExceptionMessage'), s.reason, 'Failed after its retries.'), 500) AS detail,
                   'settings/jobs' AS link,
                   NULL::uuid AS tenant_id
            FROM hangfire.job j
            LEFT JOIN hangfire.jobparameter p ON p.jobid = j.id AND p.name = 'RecurringJobId'
            LEFT JOIN hangfire.state s ON s.id = j.stateid
            WHERE j.statename = 'Failed'
            """, []);
    }
}
